import * as assert from 'node:assert/strict';
import { applyEdit, fitContent, usesCrlf } from '../../../src/agent/editText';

function ok(r: ReturnType<typeof applyEdit>): { text: string; replacements: number } {
  if ('error' in r) assert.fail(`expected a result, got the error: ${r.error}`);
  return r;
}
function err(r: ReturnType<typeof applyEdit>): string {
  if (!('error' in r)) assert.fail(`expected an error, got: ${JSON.stringify(r.text)}`);
  return r.error;
}

describe('agent/editText: applyEdit as Qwen Code edits', () => {
  it('replaces the one occurrence', () => {
    assert.deepEqual(ok(applyEdit('a\nfoo()\nb\n', 'foo()', 'bar()', false)), { text: 'a\nbar()\nb\n', replacements: 1 });
  });

  it('says old_string was not found, and how to get it right', () => {
    const e = err(applyEdit('a\n  foo()\n', 'foo( )', 'x', false));
    assert.match(e, /not found/);
    assert.match(e, /read the file again/i);
    assert.match(e, /indentation/);
  });

  it('says old_string is not unique, how many times it occurs, and the two ways out', () => {
    const e = err(applyEdit('x = 1\nx = 1\nx = 1\n', 'x = 1', 'x = 2', false));
    assert.match(e, /not unique/);
    assert.match(e, /3 times/);
    assert.match(e, /replace_all/);
    assert.match(e, /surrounding lines/);
  });

  it('replace_all replaces every occurrence and counts them', () => {
    assert.deepEqual(ok(applyEdit('x = 1\ny\nx = 1\n', 'x = 1', 'x = 2', true)), { text: 'x = 2\ny\nx = 2\n', replacements: 2 });
  });

  it('writes $& and $1 in new_string as they are (no regex replacement)', () => {
    assert.equal(ok(applyEdit('price = 1\n', '1', "'$&' + '$1' + $$", false)).text, "price = '$&' + '$1' + $$\n");
    assert.equal(ok(applyEdit('a.b\naxb\n', 'a.b', 'c', false)).text, 'c\naxb\n');
  });

  it('matches LF old_string in a CRLF file and writes CRLF', () => {
    const file = 'one\r\ntwo\r\nthree\r\n';
    assert.equal(ok(applyEdit(file, 'two\nthree', 'TWO\nTHREE\nFOUR', false)).text, 'one\r\nTWO\r\nTHREE\r\nFOUR\r\n');
    // already CRLF: matched as written, nothing doubled
    assert.equal(ok(applyEdit(file, 'two\r\n', '2\r\n', false)).text, 'one\r\n2\r\nthree\r\n');
  });

  it('leaves an LF file LF', () => {
    assert.equal(ok(applyEdit('a\nb\n', 'a\n', 'x\n', false)).text, 'x\nb\n');
    assert.equal(usesCrlf('a\nb\n'), false);
    assert.equal(usesCrlf('a\r\nb\r\nc\n'), true);
  });

  it('keeps a byte order mark, which is never part of the match', () => {
    assert.equal(ok(applyEdit('\uFEFFconst a = 1;\n', 'const a', 'let a', false)).text, '\uFEFFlet a = 1;\n');
    assert.equal(ok(applyEdit('\uFEFFx\n', '\uFEFFx', 'y', false)).text, '\uFEFFy\n');
  });

  it('handles CJK and astral characters', () => {
    const r = ok(applyEdit('// 你好，世界 😀\nconst 名字 = "张三";\n', '名字 = "张三"', '名字 = "李四"', false));
    assert.equal(r.text, '// 你好，世界 😀\nconst 名字 = "李四";\n');
    assert.match(err(applyEdit('你好\n', '您好', 'x', false)), /not found/);
  });

  it('an empty old_string fills an empty file, and is refused for a file with text (write_file is for that)', () => {
    assert.deepEqual(ok(applyEdit('', '', 'new file\n', false)), { text: 'new file\n', replacements: 1 });
    assert.match(err(applyEdit('has text\n', '', 'x', false)), /write_file/);
  });

  it('refuses an edit that changes nothing', () => {
    assert.match(err(applyEdit('a\n', 'a', 'a', false)), /identical/);
  });

  it('counts non-overlapping occurrences', () => {
    assert.match(err(applyEdit('aaaa', 'aa', 'b', false)), /2 times/);
    assert.equal(ok(applyEdit('aaaa', 'aa', 'b', true)).text, 'bb');
  });
});

describe('agent/editText: fitContent for write_file', () => {
  it('takes the line breaks and BOM of the file it replaces', () => {
    assert.equal(fitContent('a\nb\n', 'x\r\ny\r\n'), 'a\r\nb\r\n');
    assert.equal(fitContent('a\nb\n', '\uFEFFx\n'), '\uFEFFa\nb\n');
    assert.equal(fitContent('\uFEFFa\n', undefined), 'a\n');
    assert.equal(fitContent('a\n', undefined), 'a\n');
  });
});
