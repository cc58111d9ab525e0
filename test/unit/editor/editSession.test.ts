// A session's awaited outcome says what became of each hunk: what the agent and the chat's Apply
// wait on instead of a boolean. The session holds only vscode types, so it runs in plain Node.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { EditSession } from '../../../src/editor/editSession';
import { PendingProposal } from '../../../src/edits/pending';

const doc = { uri: { toString: () => 'file:///w/a.py' } } as unknown as vscode.TextDocument;
const threeHunks = () =>
  new PendingProposal([
    { start: 0, end: 1, oldText: 'a', newText: 'A' },
    { start: 10, end: 11, oldText: 'b', newText: 'B' },
    { start: 20, end: 21, oldText: 'c', newText: 'C' },
  ]);

function session(mode: 'diff' | 'newFile' = 'diff'): EditSession {
  const s = new EditSession(doc, mode, 'Refactor');
  if (mode === 'diff') {
    s.proposal = threeHunks();
    s.phase = 'pending';
  }
  return s;
}

describe('editor/editSession: the awaited outcome', () => {
  it('every hunk accepted', async () => {
    const s = session();
    s.proposal!.accept();
    s.markEnded();
    assert.deepEqual(await s.outcome, { result: 'accepted', accepted: [0, 1, 2], rejected: [], conflicted: [] });
  });

  it('some accepted, some rejected: partial, naming which', async () => {
    const s = session();
    s.proposal!.accept([1]);
    s.proposal!.reject([0, 2]);
    s.markEnded();
    assert.deepEqual(await s.outcome, { result: 'partial', accepted: [1], rejected: [0, 2], conflicted: [] });
  });

  it('all rejected', async () => {
    const s = session();
    s.proposal!.reject();
    s.markEnded();
    assert.deepEqual(await s.outcome, { result: 'rejected', accepted: [], rejected: [0, 1, 2], conflicted: [] });
  });

  it('the user typed over every hunk: conflicted', async () => {
    const s = session();
    // the user replaces the whole text: every hunk is touched
    s.proposal!.onDidChange([{ rangeOffset: 0, rangeLength: 30, text: 'mine' }]);
    s.markEnded();
    assert.deepEqual(await s.outcome, { result: 'conflicted', accepted: [], rejected: [], conflicted: [0, 1, 2] });
  });

  it('accepted with a conflict beside it stays accepted, and lists the conflict', async () => {
    const s = session();
    s.proposal!.onDidChange([{ rangeOffset: 20, rangeLength: 1, text: 'z' }]);
    s.proposal!.accept();
    s.markEnded();
    assert.deepEqual(await s.outcome, { result: 'accepted', accepted: [0, 1], rejected: [], conflicted: [2] });
  });

  it('ended before any decision: dropped, with the reason', async () => {
    const s = session();
    s.markEnded('closed');
    assert.deepEqual(await s.outcome, { result: 'dropped', accepted: [], rejected: [], conflicted: [], reason: 'closed' });
    const streaming = new EditSession(doc, 'diff', 'Fix');
    streaming.markEnded('stopped');
    assert.equal((await streaming.outcome).reason, 'stopped');
  });

  it('a new file: accepted when created, rejected when discarded', async () => {
    const made = session('newFile');
    made.created = true;
    made.markEnded();
    assert.equal((await made.outcome).result, 'accepted');
    const discarded = session('newFile');
    discarded.markEnded();
    assert.equal((await discarded.outcome).result, 'rejected');
  });

  it('settles once: a second end does not change it', async () => {
    const s = session();
    s.proposal!.accept();
    s.markEnded();
    s.markEnded('disposed');
    assert.equal((await s.outcome).result, 'accepted');
    assert.equal(s.phase, 'ended');
  });
});
