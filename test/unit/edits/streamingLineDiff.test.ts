import * as assert from 'node:assert/strict';
import { diffLines } from '../../../src/edits/diff';
import { type DiffRun, InlineEditStream, mergeRuns, regionLines, runsFromDiff, StreamingLineDiff } from '../../../src/edits/streamingLineDiff';
import { applyChanges, applyHunks } from '../../../src/edits/rebase';
import { rng, synthCode, synthEdit } from './synth';

function answerFor(code: string, tag = 'ts'): string {
  return `Here is the rewrite:\n\n\`\`\`${tag}\n${code}\`\`\`\n\nIt logs more.\n`;
}

function chunk(text: string, r: () => number, max: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; ) {
    const n = 1 + Math.floor(r() * max);
    out.push(text.slice(i, i + n));
    i += n;
  }
  return out;
}

/** What the view shows must be consistent: new side = lines streamed, old side = a prefix of the original. */
function checkConsistent(runs: readonly DiffRun[], original: readonly string[], streamed: readonly string[], frontier: { orig: number; new: number; pending: number; display: number }) {
  let a = 0;
  let b = 0;
  let d = 0;
  for (const r of runs) {
    assert.equal(r.orig, a);
    assert.equal(r.new, b);
    assert.equal(r.display, d);
    for (let k = 0; k < r.count; k++) {
      if (r.kind === 'same') assert.equal(original[a + k], streamed[b + k]);
    }
    if (r.kind !== 'added') a += r.count;
    if (r.kind !== 'removed') b += r.count;
    d += r.count;
  }
  assert.deepEqual([a, b, d], [frontier.orig, frontier.new, frontier.display]);
  assert.equal(b + frontier.pending, streamed.length);
}

describe('edits/streamingLineDiff: streaming diff', () => {
  const lines = synthCode(120, 3);
  const original = lines.join('\n') + '\n';
  const code = synthEdit(lines, 12, 5).join('\n') + '\n';
  const answer = answerFor(code);
  const opts = { original, languageId: 'typescript', indent: { useTabs: false, size: 2 } };

  it('for every chunking: consistent at each step, chunking-independent, and ends as the full diff', () => {
    const r = rng(1234);
    const finalRuns = runsFromDiff(regionLines(original), regionLines(code));
    for (let round = 0; round < 24; round++) {
      const s = new InlineEditStream(opts);
      const collected: DiffRun[] = [];
      let received = '';
      const checkpoints = new Set(Array.from({ length: 6 }, () => Math.floor(r() * answer.length)));
      for (const c of chunk(answer, r, round % 4 === 0 ? 2 : 40)) {
        const u = s.push(c);
        received += c;
        collected.push(...u.runs);
        assert.equal(u.frontier.partial, s.extractor.partial);
        if ([...checkpoints].some((p) => p <= received.length && p > received.length - c.length)) {
          checkConsistent(mergeRuns(collected), s.diff.original, s.extractor.lines, u.frontier);
          const ref = new InlineEditStream(opts);
          const ru = ref.push(received);
          assert.deepEqual(mergeRuns(collected), mergeRuns(ru.runs));
          assert.deepEqual(u.frontier, ru.frontier);
        }
      }
      const fin = s.finish();
      assert.ok(fin.ok);
      assert.equal(fin.code, code);
      assert.deepEqual(fin.runs, finalRuns);
      assert.deepEqual(fin.hunks, diffLines(original, code));
      // On ordinary edits the greedy stream already shows the final diff: nothing jumps at the end.
      assert.equal(fin.changedAtFinish, false);
    }
  });

  it('never matches a brace or blank line far ahead (no spurious mass deletion mid-stream)', () => {
    const d = new StreamingLineDiff(['a();', 'b();', 'c();', '}']);
    d.pushLine('x();');
    d.pushLine('}');
    // The brace waits (shown as being written) until a distinctive line says where it belongs.
    assert.deepEqual(
      d.runs().map((r) => [r.kind, r.count]),
      [['added', 1]],
    );
    assert.equal(d.frontier().pending, 1);
    assert.equal(d.frontier().orig, 0);
    d.pushLine('c();');
    assert.deepEqual(
      d.runs().map((r) => [r.kind, r.count]),
      [
        ['added', 2],
        ['removed', 2],
        ['same', 1],
      ],
    );
  });

  it('places a closing brace after deleted lines as unchanged, not as added', () => {
    const d = new StreamingLineDiff(['if (a) {', '  one();', '  two();', '}', 'next();']);
    for (const l of ['if (a) {', '}', 'next();']) d.pushLine(l);
    assert.deepEqual(
      d.runs().map((r) => [r.kind, r.count]),
      [
        ['same', 1],
        ['removed', 2],
        ['same', 2],
      ],
    );
  });

  it('random texts full of braces and blank lines: always consistent, and the end is the full diff', () => {
    const r = rng(99);
    const words = ['}', '', '', '  }', 'a();', 'b();', 'c();', '{', 'x = 1;', '});'];
    const pick = () => words[Math.floor(r() * words.length)];
    for (let t = 0; t < 300; t++) {
      const orig = Array.from({ length: Math.floor(r() * 40) }, pick);
      const next = r() < 0.5 ? Array.from({ length: Math.floor(r() * 40) }, pick) : orig.map((l) => (r() < 0.2 ? pick() : l)).concat(r() < 0.3 ? Array(20).fill('') : []);
      const d = new StreamingLineDiff(orig);
      for (let i = 0; i < next.length; i++) {
        d.pushLine(next[i]);
        checkConsistent(d.runs(), orig, next.slice(0, i + 1), d.frontier());
      }
      // The completed stream accounts for every line on both sides, and so does the full diff.
      const streamed = d.streamedFinal();
      checkConsistent(streamed, orig, next, { orig: orig.length, new: next.length, pending: 0, display: streamed.reduce((n, x) => n + x.count, 0) });
      const full = runsFromDiff(orig, next);
      checkConsistent(full, orig, next, { orig: orig.length, new: next.length, pending: 0, display: full.reduce((n, x) => n + x.count, 0) });
    }
  });

  it('a CRLF, tab-indented document streams in its own indentation and ends as the full diff', () => {
    const orig = 'func f() {\r\n\tif a {\r\n\t\tb()\r\n\t}\r\n\treturn\r\n}\r\n';
    const answer2 = '```go\nfunc f() {\n    if a {\n        b()\n        c()\n    }\n    return\n}\n```';
    const o = { original: orig, languageId: 'go', indent: { useTabs: true, size: 4 } };
    const r = rng(77);
    for (let round = 0; round < 25; round++) {
      const s = new InlineEditStream(o);
      for (const c of chunk(answer2, r, 5)) s.push(c);
      assert.deepEqual(s.extractor.lines, ['func f() {', '\tif a {', '\t\tb()', '\t\tc()', '\t}', '\treturn', '}']);
      const fin = s.finish();
      assert.ok(fin.ok);
      assert.equal(fin.code, 'func f() {\r\n\tif a {\r\n\t\tb()\r\n\t\tc()\r\n\t}\r\n\treturn\r\n}\r\n');
      assert.equal(fin.changedAtFinish, false);
      assert.deepEqual(
        fin.runs.map((x) => [x.kind, x.count]),
        [
          ['same', 3],
          ['added', 1],
          ['same', 3],
        ],
      );
      assert.equal(applyHunks(orig, fin.hunks).text, fin.code);
    }
  });

  it('a user edit above the region mid-stream: the hunks land where the region is now', () => {
    const doc = 'header\n' + original + 'footer\n';
    const base = { offset: 7, line: 1, character: 0 };
    const s = new InlineEditStream({ ...opts, base });
    const parts = chunk(answer, rng(5), 30);
    let cur = doc;
    parts.forEach((c, i) => {
      s.push(c);
      if (i === 10) {
        const change = { rangeOffset: 0, rangeLength: 0, text: '// added while streaming\n' };
        cur = applyChanges(cur, [change]);
        assert.equal(s.userChanged([change]), true);
      }
      if (i === 20) {
        const change = { rangeOffset: cur.length, rangeLength: 0, text: 'more footer\n' };
        cur = applyChanges(cur, [change]);
        assert.equal(s.userChanged([change]), true);
      }
    });
    const fin = s.finish();
    assert.ok(fin.ok && !fin.regionConflict);
    assert.equal(fin.rebase.conflicts.length, 0);
    assert.equal(applyHunks(cur, fin.rebase.rebased).text, '// added while streaming\nheader\n' + code + 'footer\nmore footer\n');
  });

  it('a user edit inside the region mid-stream is reported, and nothing may be written there', () => {
    const s = new InlineEditStream({ ...opts, base: { offset: 0, line: 0, character: 0 } });
    s.push(answer.slice(0, 200));
    assert.equal(s.userChanged([{ rangeOffset: 50, rangeLength: 0, text: 'x' }]), false);
    s.push(answer.slice(200));
    const fin = s.finish();
    assert.ok(fin.ok && fin.regionConflict);
  });
});
