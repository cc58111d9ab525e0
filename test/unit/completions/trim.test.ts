// What ghost text shows for a model's answer: the cursor's context decides how much of it fits.
import * as assert from 'node:assert/strict';
import { cleanAnswer, cutAtSuffix, dropRepeatedLinePrefix, fitSuggestion, isInsideWord, isMidLine, stripLineSuffixOverlap } from '../../../src/completions/trim';
import type { CompletionMode } from '../../../src/completions/mode';

/** The document with the suggestion inserted at `|`. */
function apply(doc: string, raw: string, mode: CompletionMode = 'chat', maxLines = 8): { suggestion: string; text: string } {
  const at = doc.indexOf('|');
  const prefix = doc.slice(0, at);
  const suffix = doc.slice(at + 1);
  const suggestion = fitSuggestion(raw, { prefix, suffix, mode, maxLines });
  return { suggestion, text: prefix + suggestion + suffix };
}

describe('completions: fitting the answer', () => {
  it('keeps a plain end-of-line completion as is', () => {
    assert.equal(apply('const x = |\n', '42;').text, 'const x = 42;\n');
  });

  it('unwraps a chat answer in a code fence, and drops a stray closing fence', () => {
    assert.equal(cleanAnswer('```ts\nreturn a + b;\n```\nThis adds them.', 'chat'), 'return a + b;');
    assert.equal(cleanAnswer('```\nx\n', 'chat'), 'x\n');
    assert.equal(cleanAnswer('return 1;\n```', 'chat'), 'return 1;');
    // FIM models write code, where a fence may be real (markdown)
    assert.equal(cleanAnswer('```ts\nx\n```', 'fim'), '```ts\nx\n```');
  });

  it('cuts at special tokens and at an echoed cursor marker; normalises CRLF', () => {
    assert.equal(cleanAnswer('a + b;<|endoftext|>garbage', 'fim'), 'a + b;');
    assert.equal(cleanAnswer('foo()<|fim_suffix|>}', 'fim'), 'foo()');
    assert.equal(cleanAnswer('x = 1<|cursor|>\n}', 'chat'), 'x = 1');
    assert.equal(cleanAnswer('a\r\nb\r\n', 'fim'), 'a\nb\n');
  });

  it('drops a line start the chat model wrote again', () => {
    assert.equal(dropRepeatedLinePrefix('  return x;', '  '), 'return x;');
    assert.equal(dropRepeatedLinePrefix('const total = 0;', 'const to'), 'tal = 0;');
    assert.equal(dropRepeatedLinePrefix('return x;', '  re'), 'turn x;');
    // one character is too little evidence
    assert.equal(dropRepeatedLinePrefix('x + 1', 'x'), 'x + 1');
    assert.equal(apply('  const to|\n', 'const total = 0;').text, '  const total = 0;\n');
    // FIM never repeats: the same text is meant literally
    assert.equal(apply('  re|\n', 'return x;', 'fim').text, '  rereturn x;\n');
  });

  it('mid-line: one line, without the brackets and quotes already after the cursor', () => {
    assert.ok(isMidLine(')\n}'));
    assert.ok(!isMidLine('  \n}'));
    assert.equal(apply('print(|)\n', 'a, b)').text, 'print(a, b)\n');
    assert.equal(apply('print(|)\n', 'foo(a))\nmore()').text, 'print(foo(a))\n');
    // a call that closes its own bracket keeps it
    assert.equal(apply('print(|)\n', 'foo(a)').text, 'print(foo(a))\n');
    assert.equal(apply('f(|);\n', 'x, y);').text, 'f(x, y);\n');
    assert.equal(apply('s = "|"\n', 'hello"').text, 's = "hello"\n');
    assert.equal(apply('x = |;\n', '5;').text, 'x = 5;\n');
    assert.equal(stripLineSuffixOverlap('a', ')'), 'a');
  });

  it('mid-line: an answer that starts on a new line offers nothing', () => {
    assert.equal(apply('f(|)\n', '\n  a)').suggestion, '');
  });

  it('multi-line: stops where the answer repeats the next line of code (indentation counts)', () => {
    const doc = 'function f(a) {\n  |\n}\n';
    assert.equal(apply(doc, 'return a;\n}\n').text, 'function f(a) {\n  return a;\n}\n');
    assert.equal(apply(doc, 'if (a) {\n    go();\n  }\n  return a;\n}\n\nfunction g() {}').text, 'function f(a) {\n  if (a) {\n    go();\n  }\n  return a;\n}\n');
    // an inner closing brace at another indentation is not the suffix's
    assert.equal(cutAtSuffix('if (a) {\n  b();\n  }', '  ', '\n}', 8), 'if (a) {\n  b();\n  }');
  });

  it('multi-line: a first line that is the next line itself leaves nothing', () => {
    assert.equal(apply('function f(a) {\n  return a;\n|\n}\n', '}').suggestion, '');
  });

  it('multi-line: at most maxLines lines, trailing blank lines dropped', () => {
    const many = Array.from({ length: 20 }, (_, i) => `line${i}();`).join('\n');
    assert.equal(apply('|', many, 'fim', 3).suggestion, 'line0();\nline1();\nline2();');
    assert.equal(apply('x|', ';\n\n\n', 'fim').suggestion, ';');
  });

  it('whitespace alone is no suggestion', () => {
    assert.equal(apply('a|', '   \n\n').suggestion, '');
    assert.equal(apply('a|', '').suggestion, '');
  });

  it('a leading newline is kept at the end of a line (the code continues below)', () => {
    assert.equal(apply('if (a) {|\n}', '\n  go();').text, 'if (a) {\n  go();\n}');
  });

  it('knows when the cursor is inside a word', () => {
    assert.ok(isInsideWord('fo', 'o'));
    assert.ok(!isInsideWord('foo', ')'));
    assert.ok(!isInsideWord('foo ', 'bar'));
    assert.ok(!isInsideWord('', 'x'));
  });
});
