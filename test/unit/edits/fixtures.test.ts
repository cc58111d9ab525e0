// The whole answer-to-file path on fixture files: extract the code from the answer, diff it
// against the selection as it was, carry the hunks over the user's edits, apply, compare.

import * as assert from 'node:assert/strict';
import { diffLines } from '../../../src/edits/diff';
import { extractReplacement } from '../../../src/edits/extract';
import { InlineEditStream } from '../../../src/edits/streamingLineDiff';
import { applyChanges, applyHunks, rebaseHunks } from '../../../src/edits/rebase';
import { rng } from './synth';
import { changeFor, type FixtureCase, loadFixtures } from './loadFixtures';

function selectionOf(c: FixtureCase): { text: string; offset: number; line: number } {
  if (!c.selection) return { text: c.original, offset: 0, line: 0 };
  const eol = c.crlf ? '\r\n' : '\n';
  const lines = c.original.split(eol);
  const offset = lines.slice(0, c.selection.startLine).reduce((n, l) => n + l.length + eol.length, 0);
  const text = lines.slice(c.selection.startLine, c.selection.endLine).map((l) => l + eol).join('');
  return { text, offset, line: c.selection.startLine };
}

describe('edits: fixture triples (original, answer, expected)', () => {
  const cases = loadFixtures();
  it('finds the fixtures', () => assert.ok(cases.length >= 15, `only ${cases.length} fixtures`));

  for (const c of cases) {
    it(c.name, () => {
      const sel = selectionOf(c);
      const res = extractReplacement(c.answer, { original: sel.text, languageId: c.languageId, indent: c.indent });
      assert.ok(res.ok, 'no code extracted');
      if (c.truncated !== undefined) assert.equal(res.truncated, c.truncated);
      if (c.why) assert.match(res.why, new RegExp(c.why));

      const hunks = diffLines(sel.text, res.code, { offset: sel.offset, line: sel.line, character: 0 });
      // The user's edits since the request, as the editor reports them.
      let doc = c.original;
      const changes = c.userEdits.map((e) => {
        const ch = changeFor(doc, c.crlf ? e.find.replace(/\n/g, '\r\n') : e.find, c.crlf ? e.replace.replace(/\n/g, '\r\n') : e.replace);
        doc = applyChanges(doc, [ch]);
        return ch;
      });
      const { rebased, conflicts } = rebaseHunks(hunks, changes);
      assert.equal(conflicts.length, c.conflicts ?? 0, 'conflicts');
      const applied = applyHunks(doc, rebased);
      assert.equal(applied.text, c.expected);
      // Reject after accept: the inverse gives back the document byte for byte.
      assert.equal(applyHunks(applied.text, applied.inverse).text, doc);
    });
  }
});

describe('edits: fixtures streamed through the inline diff', () => {
  for (const c of loadFixtures()) {
    it(`${c.name}: every chunking ends in the same code and the full diff${c.streamDiffers ? '' : ', already shown while streaming'}`, () => {
      const sel = selectionOf(c);
      const opts = { original: sel.text, languageId: c.languageId, indent: c.indent, base: { offset: sel.offset, line: sel.line, character: 0 } };
      const expectedCode = extractReplacement(c.answer, opts);
      assert.ok(expectedCode.ok);
      const r = rng(c.name.length * 7919);
      for (let round = 0; round < 12; round++) {
        const s = new InlineEditStream(opts);
        for (let i = 0; i < c.answer.length; ) {
          const n = 1 + Math.floor(r() * (round % 2 ? 3 : 12));
          s.push(c.answer.slice(i, i + n));
          i += n;
        }
        const fin = s.finish();
        assert.ok(fin.ok);
        assert.equal(fin.code, expectedCode.code);
        assert.deepEqual(fin.hunks, diffLines(sel.text, expectedCode.code, opts.base));
        // Nothing jumps at the end, unless only the whole answer can tell.
        assert.equal(fin.changedAtFinish, !!c.streamDiffers);
      }
    });
  }
});
