import * as assert from 'node:assert/strict';
import { diffLines } from '../../../src/edits/diff';
import { PendingProposal } from '../../../src/edits/pending';
import { applyChanges, applyHunks, type ContentChange, rebaseHunks, StaleTextError, touches } from '../../../src/edits/rebase';
import { rng } from './synth';

const doc = 'zero\none\ntwo\nthree\nfour\nfive\n';
// Replace "two" (offsets 9..13) and insert after "four".
const proposal = 'zero\none\nTWO\nthree\nfour\nfour and a half\nfive\n';

function at(text: string, needle: string): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return i;
}

describe('edits/rebase: which user edits touch a hunk', () => {
  const span = { start: 9, end: 13 }; // "two\n"
  const c = (rangeOffset: number, rangeLength: number, text = 'x'): ContentChange => ({ rangeOffset, rangeLength, text });
  it('typing at the end of the line above does not; joining onto it or typing at its start does', () => {
    assert.equal(touches(span, c(7, 0)), false); // "one|"
    assert.equal(touches(span, c(8, 1, '')), true); // deletes the line break before "two"
    assert.equal(touches(span, c(9, 0)), true); // "|two"
  });
  it('typing right after its last line break does not; inside it does', () => {
    assert.equal(touches(span, c(13, 0)), false); // "|three"
    assert.equal(touches(span, c(13, 5, '')), false); // deletes "three"
    assert.equal(touches(span, c(11, 0)), true);
    assert.equal(touches(span, c(12, 1, '')), true); // deletes its line break
  });
  it('an insertion hunk (empty span) is touched by typing at its point', () => {
    assert.equal(touches({ start: 9, end: 9 }, c(9, 0)), true);
    assert.equal(touches({ start: 9, end: 9 }, c(10, 0)), false);
  });
});

describe('edits/rebase: carrying hunks over user edits', () => {
  it('moves hunks below an edit, leaves hunks above it, refuses hunks it touches', () => {
    const hunks = diffLines(doc, proposal);
    assert.equal(hunks.length, 2);
    let cur = doc;
    const changes: ContentChange[] = [];
    const edit = (c: ContentChange) => {
      changes.push(c);
      cur = applyChanges(cur, [c]);
    };
    edit({ rangeOffset: 0, rangeLength: 0, text: '// header\n' }); // above both
    edit({ rangeOffset: at(cur, 'five') + 4, rangeLength: 0, text: '!' }); // below both
    const r = rebaseHunks(hunks, changes);
    assert.equal(r.conflicts.length, 0);
    assert.equal(applyHunks(cur, r.rebased).text, '// header\nzero\none\nTWO\nthree\nfour\nfour and a half\nfive!\n');

    edit({ rangeOffset: at(cur, 'two') + 1, rangeLength: 1, text: 'W' }); // inside the first hunk
    const r2 = rebaseHunks(hunks, changes);
    assert.deepEqual(r2.conflicts, [hunks[0]]);
    assert.equal(applyHunks(cur, r2.rebased).text, '// header\nzero\none\ntWo\nthree\nfour\nfour and a half\nfive!\n');
  });

  it('applies in order within one event, as the extension host does (VS Code lists multi-cursor edits bottom-up)', () => {
    const hunks = diffLines(doc, proposal);
    const changes = [
      { rangeOffset: at(doc, 'five') + 4, rangeLength: 0, text: ' <' },
      { rangeOffset: 0, rangeLength: 0, text: '> ' },
    ];
    const cur = applyChanges(doc, changes);
    const r = rebaseHunks(hunks, changes);
    assert.equal(applyHunks(cur, r.rebased).text, '> zero\none\nTWO\nthree\nfour\nfour and a half\nfive <\n');
  });

  it('refuses to write where the expected text is gone', () => {
    assert.throws(() => applyHunks('zero\nONE\n', [{ start: 5, end: 9, oldText: 'one\n', newText: 'x\n' }]), StaleTextError);
  });

  it('apply then inverse restores byte for byte, with random edits in CRLF and LF', () => {
    const r = rng(17);
    for (let t = 0; t < 500; t++) {
      const eol = t % 2 ? '\r\n' : '\n';
      const lines = Array.from({ length: 5 + Math.floor(r() * 20) }, (_, i) => `line ${i} ${'x'.repeat(Math.floor(r() * 5))}`);
      const a = lines.join(eol) + (r() < 0.5 ? eol : '');
      const changed = lines.map((l) => (r() < 0.2 ? l + ' changed' : l)).filter(() => r() > 0.1);
      if (r() < 0.3) changed.splice(Math.floor(r() * changed.length), 0, 'inserted');
      const b = changed.join(eol) + (r() < 0.5 ? eol : '');
      const applied = applyHunks(a, diffLines(a, b));
      assert.equal(applied.text, b);
      assert.equal(applyHunks(applied.text, applied.inverse).text, a);
    }
  });
});

describe('edits/pending: one proposal on a live document', () => {
  /** A document that reports its changes like VS Code, and a proposal fed every one of them. */
  function setup(showing: 'old' | 'new' = 'old') {
    const state = { text: showing === 'old' ? doc : proposal };
    const p = new PendingProposal(diffLines(doc, proposal), { showing });
    const change = (changes: ContentChange[]) => {
      state.text = applyChanges(state.text, changes);
      return p.onDidChange(changes);
    };
    /** Applies edits the way a WorkspaceEdit does: bottom-up changes, pre-edit offsets. */
    const write = (edits: Array<{ start: number; end: number; text: string }>) =>
      change([...edits].sort((x, y) => y.start - x.start).map((e) => ({ rangeOffset: e.start, rangeLength: e.end - e.start, text: e.text })));
    const type = (after: string, text: string) => change([{ rangeOffset: at(state.text, after) + after.length, rangeLength: 0, text }]);
    return { p, state, write, type };
  }

  it('diff mode: accept all writes the proposal around the user\'s edits, and one hunk only when asked', () => {
    const { p, state, write, type } = setup();
    type('zero', ' (user)');
    write(p.accept([1]));
    assert.equal(state.text, 'zero (user)\none\ntwo\nthree\nfour\nfour and a half\nfive\n');
    write(p.accept());
    assert.equal(state.text, 'zero (user)\none\nTWO\nthree\nfour\nfour and a half\nfive\n');
    assert.ok(p.settled);
  });

  it('inline mode: show, user types elsewhere, reject restores the original exactly', () => {
    const { p, state, write, type } = setup();
    write(p.show());
    assert.equal(state.text, proposal);
    type('five\n', 'six\n');
    write(p.reject());
    assert.equal(state.text, doc + 'six\n');
    assert.ok(p.settled);
  });

  it('inline mode: a hunk the user typed into is never written over', () => {
    const { p, state, write, type } = setup('new');
    const conflicts = type('four and', ' three quarters');
    assert.deepEqual(conflicts, [1]);
    write(p.reject());
    assert.equal(state.text, 'zero\none\ntwo\nthree\nfour\nfour and three quarters a half\nfive\n');
    assert.equal(p.hunks[1].state, 'conflict');
  });

  it('recognises its own edits reported top-down too, and refuses a second decision before they arrive', () => {
    const { p, state, type } = setup();
    const edits = p.show();
    assert.throws(() => p.reject());
    // Top-down with offsets adjusted as each applies.
    let shift = 0;
    const changes: ContentChange[] = [];
    for (const e of edits) {
      changes.push({ rangeOffset: e.start + shift, rangeLength: e.end - e.start, text: e.text });
      shift += e.text.length - (e.end - e.start);
    }
    state.text = applyChanges(state.text, changes);
    assert.deepEqual(p.onDidChange(changes), []);
    assert.equal(state.text, proposal);
    type('zero', '!');
    const back = p.reject();
    state.text = applyChanges(state.text, [...back].reverse().map((e) => ({ rangeOffset: e.start, rangeLength: e.end - e.start, text: e.text })));
    assert.equal(state.text, 'zero!' + doc.slice(4));
  });
});
