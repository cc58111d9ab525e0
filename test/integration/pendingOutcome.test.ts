// Pending edits as a service: a proposal made through the one PendingEdits (as the chat's Apply
// and the agent make them) resolves its awaited outcome with what the user decided, hunk by hunk,
// from the same Accept / Reject commands the user runs; the document holds exactly that.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen } from './helpers';

describe('pending edits: the awaited outcome', function () {
  this.timeout(20_000);
  let api: QwenTestApi;
  let n = 0;

  before(async () => {
    api = await activateQwen();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function open(text: string): Promise<vscode.TextDocument> {
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'outcome', `case${++n}.txt`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return doc;
  }

  const TEXT = 'one\ntwo\nthree\n';
  const hunks = [
    { start: 0, end: 4, oldText: 'one\n', newText: 'ONE\n' },
    { start: 8, end: 14, oldText: 'three\n', newText: 'THREE\n' },
  ];

  it('Accept on one hunk and Reject on the other: partial, naming each, and the text says so', async () => {
    const doc = await open(TEXT);
    const s = await api.pending.proposeDiff(doc, hunks, 'Apply');
    assert.equal(await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString(), [1]), true);
    assert.equal(await vscode.commands.executeCommand('qwen.rejectEdit', doc.uri.toString(), [0]), true);
    assert.deepEqual(await s.outcome, { result: 'partial', accepted: [1], rejected: [0], conflicted: [] });
    assert.equal(doc.getText(), 'one\ntwo\nTHREE\n');
  });

  it('Accept Edit on all: accepted', async () => {
    const doc = await open(TEXT);
    const s = await api.pending.proposeDiff(doc, hunks, 'Apply');
    await vscode.commands.executeCommand('qwen.acceptEdit', doc.uri.toString());
    assert.deepEqual(await s.outcome, { result: 'accepted', accepted: [0, 1], rejected: [], conflicted: [] });
    assert.equal(doc.getText(), 'ONE\ntwo\nTHREE\n');
  });

  it('the user types over a hunk, then rejects the rest: the outcome lists the conflict and the user\'s text stays', async () => {
    const doc = await open(TEXT);
    const s = await api.pending.proposeDiff(doc, hunks, 'Apply');
    const ed = await vscode.window.showTextDocument(doc);
    await ed.edit((b) => b.replace(new vscode.Range(0, 0, 0, 3), 'mine'));
    await vscode.commands.executeCommand('qwen.rejectEdit', doc.uri.toString());
    assert.deepEqual(await s.outcome, { result: 'rejected', accepted: [], rejected: [1], conflicted: [0] });
    assert.equal(doc.getText(), 'mine\ntwo\nthree\n');
  });
});
