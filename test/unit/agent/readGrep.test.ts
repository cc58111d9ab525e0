// grep_search's matching and answer: path:line: text grouped by file, long lines as excerpts
// around the match, a cap that still counts every match, invalid regexes as error sentences, and
// time linear in the text searched.
import * as assert from 'node:assert/strict';
import { compilePattern, excerpt, GrepReport, MAX_MATCH_LINE_CHARS } from '../../../src/agent/read/grep';

const re = (p: string) => {
  const r = compilePattern(p);
  if ('error' in r) throw new Error(r.error);
  return r;
};

describe('agent/read/grep: what grep_search returns', () => {
  it('groups matches by file as path:line: text, with counts in the first line', () => {
    const g = new GrepReport();
    g.add('src/a.ts', 'const user = parseUser(x);\nnothing\r\nparseUser(y)\n', re('parseUser'));
    g.add('src/b.ts', 'no match here\n', re('parseUser'));
    g.add('/other/root/c.ts', 'x\n  return parseUser(z)', re('parseUser'));
    assert.equal(g.matches, 3);
    assert.equal(g.files, 2);
    assert.equal(
      g.render('/parseUser/'),
      ['Found 3 matches in 2 files for /parseUser/:', '', 'src/a.ts:1: const user = parseUser(x);', 'src/a.ts:3: parseUser(y)', '', '/other/root/c.ts:2:   return parseUser(z)'].join('\n'),
    );
  });

  it('no match says so, with the notes', () => {
    const g = new GrepReport();
    g.add('a', 'abc', re('zzz'));
    assert.equal(g.render('/zzz/', ['1 binary or too large file was not searched.']), 'No matches for /zzz/.\n[1 binary or too large file was not searched.]');
  });

  it('an empty file has no lines to match, even for ^', () => {
    const g = new GrepReport();
    g.add('empty', '', re('^'));
    g.add('one', 'x\n', re('^'));
    assert.equal(g.matches, 1);
  });

  it('caps the lines shown, counts every match, and tells the model to narrow', () => {
    const g = new GrepReport(200);
    const text = Array.from({ length: 150 }, (_, i) => `hit ${i}`).join('\n');
    for (const f of ['a', 'b', 'c']) g.add(f, text, re('hit'));
    assert.equal(g.matches, 450);
    assert.equal(g.files, 3);
    const out = g.render('/hit/');
    assert.equal(out.split('\n').filter((l) => /^[abc]:\d+: hit/.test(l)).length, 200);
    assert.match(out, /^Found 450 matches in 3 files for \/hit\/:\n\[Showing the first 200 of 450 matches\. Narrow the search/);
    assert.ok(!out.includes('c:1: '), 'the third file is past the cap');
  });

  it('a long line is shown as an excerpt around its match', () => {
    const line = 'a'.repeat(5000) + 'NEEDLE' + 'b'.repeat(5000);
    const g = new GrepReport();
    g.add('min.js', line, re('NEEDLE'));
    const shown = g.render('/NEEDLE/').split('\n').at(-1)!;
    assert.ok(shown.startsWith('min.js:1: …'));
    assert.ok(shown.includes('NEEDLE'));
    assert.ok(shown.length < MAX_MATCH_LINE_CHARS + 20, String(shown.length));
    assert.equal(excerpt('short', 0), 'short');
    const head = excerpt('NEEDLE' + 'x'.repeat(1000), 0);
    assert.ok(head.startsWith('NEEDLE') && head.endsWith('…'));
  });

  it('an invalid regex is an error sentence; (?i) turns on case-insensitivity', () => {
    const bad = compilePattern('foo(');
    assert.ok('error' in bad);
    assert.match(bad.error, /"foo\(" is not a valid JavaScript regular expression/);
    assert.ok('error' in compilePattern(''));
    assert.ok('error' in compilePattern(42));
    const ci = re('(?i)parseuser');
    assert.ok(ci.test('PARSEUSER'));
    assert.ok(!re('parseuser').test('PARSEUSER'));
  });

  it('is linear: each line goes to the regex once, and together they are the text', () => {
    // Timing is too noisy on a shared machine; count the work instead.
    class Counting extends RegExp {
      calls = 0;
      chars = 0;
      override exec(s: string): RegExpExecArray | null {
        this.calls++;
        this.chars += s.length;
        return super.exec(s);
      }
    }
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 97 === 0 ? `const x${i} = parseUser(a);` : `let y${i} = ${i};`));
    const text = lines.join('\r\n') + '\n';
    const counting = new Counting('parseUser');
    const g = new GrepReport();
    g.add('f', text, counting);
    assert.equal(counting.calls, lines.length);
    assert.equal(counting.chars, lines.join('').length);
    assert.equal(g.matches, Math.ceil(lines.length / 97));
  });
});
