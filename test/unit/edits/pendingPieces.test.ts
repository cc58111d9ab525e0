// VS Code may report one of our writes as several smaller edits (seen when the document is open in
// a text editor: `LINE FOUR` written over `line 4` arrives as `FOUR` over `4`, then `LINE` over
// `line`). The proposal must still know them as its own: the hunk is accepted, not a conflict.
import * as assert from 'node:assert/strict';
import { PendingProposal } from '../../../src/edits/pending';
import { applyChanges, type ContentChange } from '../../../src/edits/rebase';

describe('edits/pending: our write reported in pieces', () => {
  const doc = 'line 1\nline 2\nline 3\nline 4\nline 5\n';
  const hunk = { start: 21, end: 28, oldText: 'line 4\n', newText: 'LINE FOUR\n' };

  function run(pieces: (p: PendingProposal) => ContentChange[]) {
    const p = new PendingProposal([hunk]);
    let text = doc;
    // the user typed above it first
    const typed: ContentChange[] = [{ rangeOffset: 6, rangeLength: 0, text: ' (typed)' }];
    text = applyChanges(text, typed);
    p.onDidChange(typed, () => text);
    assert.deepEqual(p.accept(), [{ start: 29, end: 36, text: 'LINE FOUR\n' }]);
    const changes = pieces(p);
    text = applyChanges(text, changes);
    const conflicts = p.onDidChange(changes, () => text);
    return { p, text, conflicts };
  }

  it('pieces inside the region, last first, that add up to what we wrote: accepted, written, settled', () => {
    const { p, text, conflicts } = run(() => [
      { rangeOffset: 34, rangeLength: 1, text: 'FOUR' },
      { rangeOffset: 29, rangeLength: 4, text: 'LINE' },
    ]);
    assert.equal(text, 'line 1 (typed)\nline 2\nline 3\nLINE FOUR\nline 5\n');
    assert.deepEqual(conflicts, []);
    assert.equal(p.hunks[0]!.state, 'accepted');
    assert.equal(p.hunks[0]!.showing, 'new');
    assert.deepEqual([p.hunks[0]!.start, p.hunks[0]!.end], [29, 39]);
    assert.ok(p.settled);
  });

  it('pieces that do not give what we wrote (someone else typed there in the same event): the user\'s text, a conflict', () => {
    const { p, text } = run(() => [
      { rangeOffset: 34, rangeLength: 1, text: 'FIVE' },
      { rangeOffset: 29, rangeLength: 4, text: 'LINE' },
    ]);
    assert.equal(text, 'line 1 (typed)\nline 2\nline 3\nLINE FIVE\nline 5\n');
    assert.equal(p.hunks[0]!.state, 'conflict');
    assert.ok(p.settled);
  });

  it('the exact write, reported as sent, is still recognised as before', () => {
    const { p } = run((q) => q.hunks.map(() => ({ rangeOffset: 29, rangeLength: 7, text: 'LINE FOUR\n' })));
    assert.equal(p.hunks[0]!.showing, 'new');
    assert.equal(p.hunks[0]!.state, 'accepted');
  });
});
