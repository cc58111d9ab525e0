import * as assert from 'node:assert/strict';
import { type DiffBase, diffLines, diffSequences, type Position } from '../../../src/edits/diff';
import { applyHunks } from '../../../src/edits/rebase';
import { rng, synthCode, synthEdit } from './synth';

function offsetAt(doc: string, p: Position): number {
  let off = 0;
  for (let l = 0; l < p.line; l++) off = doc.indexOf('\n', off) + 1;
  return off + p.character;
}

function randomText(r: () => number, n: number, eol: string): string {
  const words = ['a', 'b', 'c', '}', '', '  return x;', 'foo()', '\tbar'];
  let s = '';
  for (let i = 0; i < n; i++) s += words[Math.floor(r() * words.length)] + eol;
  return r() < 0.3 ? s + 'tail' : s;
}

describe('edits/diff', () => {
  it('hunks rebuild the proposal exactly, for random texts (LF, CRLF, no final newline)', () => {
    const r = rng(3);
    for (let t = 0; t < 1500; t++) {
      const eol = t % 3 === 0 ? '\r\n' : '\n';
      const a = randomText(r, Math.floor(r() * 25), eol);
      const b = randomText(r, Math.floor(r() * 25), eol);
      const hunks = diffLines(a, b);
      assert.equal(applyHunks(a, hunks).text, b, JSON.stringify({ a, b }));
      for (let i = 1; i < hunks.length; i++) assert.ok(hunks[i].origStart > hunks[i - 1].origEnd, 'hunks are sorted and never touch');
    }
  });

  it('gives document offsets, line numbers and editor ranges that agree with the document', () => {
    const r = rng(5);
    for (let t = 0; t < 300; t++) {
      const before = 'header line\nsecond\n';
      const prefix = t % 2 ? 'x = ' : '';
      const a = randomText(r, 1 + Math.floor(r() * 15), '\n');
      const b = randomText(r, Math.floor(r() * 15), '\n');
      const doc = before + prefix + a + 'footer\n';
      const base: DiffBase = { offset: before.length + prefix.length, line: 2, character: prefix.length };
      for (const h of diffLines(a, b, base)) {
        assert.equal(doc.slice(h.start, h.end), h.oldText);
        assert.equal(offsetAt(doc, h.range.start), h.start);
        assert.equal(offsetAt(doc, h.range.end), h.end);
        assert.equal(h.range.start.line, h.origStart);
      }
    }
  });

  it('reports a one-line change in a big file as one one-line hunk', () => {
    const lines = synthCode(2000);
    const a = lines.join('\n') + '\n';
    const changed = [...lines];
    changed[1234] = changed[1234] + ' // edited';
    const hunks = diffLines(a, changed.join('\n') + '\n');
    assert.equal(hunks.length, 1);
    assert.deepEqual([hunks[0].origStart, hunks[0].origEnd, hunks[0].newStart, hunks[0].newEnd], [1234, 1235, 1234, 1235]);
  });

  it('finds each of 200 edits of a 5,000-line file as its own hunk', () => {
    const lines = synthCode(5000);
    const a = lines.join('\n') + '\n';
    const b = synthEdit(lines, 200).join('\n') + '\n';
    const hunks = diffLines(a, b);
    assert.equal(hunks.length, 200);
    assert.equal(applyHunks(a, hunks).text, b);
  });

  it('aligns on unique lines rather than on braces and blanks', () => {
    const a = ['function a() {', '  one();', '}', '', 'function b() {', '  two();', '}', ''];
    const b = ['function a() {', '  one();', '}', '', 'function n() {', '  nu();', '}', '', 'function b() {', '  two();', '}', ''];
    assert.deepEqual(diffSequences(a, b), [{ aStart: 4, aEnd: 4, bStart: 4, bEnd: 8 }]);
  });

  it('handles empty sides and identical texts', () => {
    assert.deepEqual(diffLines('same\n', 'same\n'), []);
    const ins = diffLines('', 'a\nb\n');
    assert.equal(ins.length, 1);
    assert.deepEqual([ins[0].start, ins[0].end, ins[0].newText], [0, 0, 'a\nb\n']);
    const del = diffLines('a\nb', '');
    assert.deepEqual([del[0].start, del[0].end, del[0].oldText, del[0].range.end], [0, 3, 'a\nb', { line: 1, character: 1 }]);
  });

  it('stays fast and exact when two large texts share only common lines', () => {
    // No unique anchors and many edits: the gap falls back to one replacement instead of O(D²).
    const r = rng(9);
    const pick = () => ['}', '', '{', 'end', 'x'][Math.floor(r() * 5)] + '\n';
    let a = '';
    let b = '';
    for (let i = 0; i < 6000; i++) a += pick();
    for (let i = 0; i < 6000; i++) b += pick();
    const t0 = Date.now();
    const hunks = diffLines(a, b);
    assert.ok(Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
    assert.equal(applyHunks(a, hunks).text, b);
  });
});
