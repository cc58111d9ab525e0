// read_file's slicing: plain text (no line numbers), the note that says how to read on, offsets
// and limits as the model gives them, long lines cut.
import * as assert from 'node:assert/strict';
import { firstArg, wholeNumberArg } from '../../../src/agent/read/args';
import { DEFAULT_LINE_LIMIT, MAX_LINE_CHARS, sliceLines, splitLines } from '../../../src/agent/read/lines';

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('agent/read/lines: what read_file returns', () => {
  it('a short file comes back whole, exactly, with no note', () => {
    const s = sliceLines('a\r\nb\n\nc\n');
    assert.ok(!('error' in s));
    assert.equal(s.content, 'a\nb\n\nc');
    assert.deepEqual([s.startLine, s.endLine, s.totalLines], [1, 4, 4]);
  });

  it('a final newline ends the last line; without one the last line still counts', () => {
    assert.deepEqual(splitLines('x\ny\n'), ['x', 'y']);
    assert.deepEqual(splitLines('x\ny'), ['x', 'y']);
    assert.deepEqual(splitLines(''), []);
  });

  it('a 2,500-line file shows the first 2,000 with a note saying how to read on', () => {
    const s = sliceLines(numbered(2500));
    assert.ok(!('error' in s));
    const lines = s.content.split('\n');
    assert.equal(lines[0], '[Showing lines 1-2000 of 2500. Use offset and limit to read more (the next line is offset 2000).]');
    assert.equal(lines[1], 'line 1');
    assert.equal(lines.at(-1), `line ${DEFAULT_LINE_LIMIT}`);
    assert.equal(lines.length, DEFAULT_LINE_LIMIT + 1);
    assert.deepEqual([s.startLine, s.endLine, s.totalLines], [1, 2000, 2500]);
  });

  it('offset is 0-based and limit counts lines', () => {
    const s = sliceLines(numbered(2500), 2490, 5);
    assert.ok(!('error' in s));
    assert.equal(s.content, '[Showing lines 2491-2495 of 2500. Use offset and limit to read more (the next line is offset 2495).]\nline 2491\nline 2492\nline 2493\nline 2494\nline 2495');
    const tail = sliceLines(numbered(2500), 2400);
    assert.ok(!('error' in tail));
    assert.match(tail.content, /^\[Showing lines 2401-2500 of 2500\. Use offset and limit to read other lines\.\]\nline 2401\n/);
    assert.ok(tail.content.endsWith('\nline 2500'));
  });

  it('an offset past the end is an error naming the file length', () => {
    const s = sliceLines(numbered(10), 10);
    assert.ok('error' in s);
    assert.match(s.error, /past the end of the file, which has 10 lines/);
  });

  it('an empty file says so', () => {
    const s = sliceLines('');
    assert.ok(!('error' in s));
    assert.equal(s.content, '[The file is empty.]');
    assert.equal(s.totalLines, 0);
  });

  it('a line longer than the cap is cut and the note says so', () => {
    const long = 'x'.repeat(MAX_LINE_CHARS + 500);
    const s = sliceLines(`short\n${long}\n`);
    assert.ok(!('error' in s));
    const lines = s.content.split('\n');
    assert.equal(lines[0], '[1 line was longer than 2000 characters and was cut.]');
    assert.equal(lines[2]!.startsWith('x'.repeat(MAX_LINE_CHARS) + '… [line cut'), true);
    assert.ok(lines[2]!.length < MAX_LINE_CHARS + 100);
    assert.equal(s.cutLines, 1);
  });

  it('numbers may come as strings; anything else is an error sentence', () => {
    assert.equal(wholeNumberArg(undefined, 'offset', 0), undefined);
    assert.equal(wholeNumberArg(7, 'offset', 0), 7);
    assert.equal(wholeNumberArg(' 12 ', 'offset', 0), 12);
    assert.deepEqual(wholeNumberArg(-1, 'offset', 0), { error: 'offset must be a whole number of at least 0; it was -1.' });
    assert.ok(typeof wholeNumberArg(0, 'limit', 1) === 'object');
    assert.ok(typeof wholeNumberArg(1.5, 'limit', 1) === 'object');
    assert.ok(typeof wholeNumberArg('ten', 'limit', 1) === 'object');
    assert.equal(firstArg({ absolute_path: 'a' }, 'file_path', 'absolute_path'), 'a');
    assert.equal(firstArg({ file_path: 'f', absolute_path: 'a' }, 'file_path', 'absolute_path'), 'f');
  });
});
