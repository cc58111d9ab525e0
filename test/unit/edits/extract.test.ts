import * as assert from 'node:assert/strict';
import { chooseBlock, extractReplacement, findCodeBlocks, StreamingExtractor } from '../../../src/edits/extract';
import { normalizeCode } from '../../../src/edits/fitCode';
import { rng } from './synth';

const py = { useTabs: false, size: 4 };

describe('edits/extract: finding blocks', () => {
  it('finds ``` and ~~~ blocks with their tags, and an unclosed last block', () => {
    const blocks = findCodeBlocks('a\n```ts title="x"\nconst a = 1;\n```\nb\n~~~\nplain\n~~~\n```python\nx = 1\n');
    assert.deepEqual(
      blocks.map((b) => [b.lang, b.code, b.complete]),
      [
        ['ts', 'const a = 1;', true],
        ['', 'plain', true],
        ['python', 'x = 1', false],
      ],
    );
  });

  it('does not take inline ```code``` for a fence, and ignores a closing fence being typed', () => {
    assert.equal(findCodeBlocks('use ```x``` here').length, 0);
    const [b] = findCodeBlocks('```js\nf();\n``');
    assert.equal(b.code, 'f();');
    assert.equal(b.complete, false);
  });

  it('reads CRLF answers', () => {
    const [b] = findCodeBlocks('```go\r\nx := 1\r\ny := 2\r\n```\r\n');
    assert.equal(b.code, 'x := 1\ny := 2');
    assert.ok(b.complete);
  });

  it('takes the language from path-like info strings', () => {
    assert.deepEqual(findCodeBlocks('```ts:src/a.ts\nx\n```\n```src/b.py\ny\n```\n').map((b) => b.lang), ['ts', 'py']);
  });
});

describe('edits/extract: choosing among several blocks', () => {
  it('prefers the selection\'s language, then untagged, and says why', () => {
    const blocks = findCodeBlocks('```bash\nnpm i left-pad and a long command line here\n```\n```\nuntagged();\n```\n```typescript\nconst x = 1;\n```\n');
    const c = chooseBlock(blocks, 'typescript');
    assert.equal(c.index, 2);
    assert.match(c.why, /typescript/);
    assert.equal(chooseBlock(blocks, 'python').index, 1);
  });

  it('takes the largest block of the language, skipping one that repeats the original', () => {
    const original = 'def f():\n    return 1\n';
    const answer = '```python\ndef f():\n    return 1\n```\nbetter:\n```python\ndef f():\n    return 2\n```\nand a helper:\n```python\nX = 0\n```\n';
    const c = chooseBlock(findCodeBlocks(answer), 'python', original);
    assert.equal(c.index, 1);
    assert.match(c.why, /skipping a copy of the original/);
  });
});

describe('edits/extract: fitting the code to the document', () => {
  it('refuses an answer with no code block (prose must never land in a file)', () => {
    const r = extractReplacement('I cannot help with that.', { original: 'x = 1\n' });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, 'no-code-block');
  });

  it('accepts a bare answer only when asked to', () => {
    const r = extractReplacement('x = 2\n', { original: 'x = 1\n', allowBare: true });
    assert.ok(r.ok);
    assert.equal(r.code, 'x = 2\n');
  });

  it('an empty block deletes the selection', () => {
    const r = extractReplacement('```python\n```', { original: '    pass\n', languageId: 'python' });
    assert.ok(r.ok);
    assert.equal(r.code, '');
  });

  it('writes the document\'s EOL whatever the model used', () => {
    const r = extractReplacement('```js\r\na();\r\nb();\r\n```', { original: 'a();\n' });
    assert.ok(r.ok && r.code === 'a();\nb();\n');
    const r2 = extractReplacement('```js\na();\nb();\n```', { original: 'a();\r\n' });
    assert.ok(r2.ok && r2.code === 'a();\r\nb();\r\n');
  });

  it('keeps the final newline policy of the selection', () => {
    assert.equal(normalizeCode('x = 2\n\n', { original: 'x = 1' }), 'x = 2');
    assert.equal(normalizeCode('x = 2', { original: 'x = 1\n' }), 'x = 2\n');
  });

  it('a selection starting mid-line does not repeat the text before it', () => {
    // `    total = ` is in the document; the selection is the expression. The model wrote it
    // as if the statement started at column 0, so its continuation moves with the statement.
    const code = normalizeCode('compute(a,\n    b)', { original: 'compute(a, b)', linePrefix: '    total = ', indent: py });
    assert.equal(code, 'compute(a,\n        b)');
    // A blank prefix is indentation: the model's copy of it is not repeated.
    const code2 = normalizeCode('if x:\n    y()', { original: 'if x:\n            z()\n', linePrefix: '        ', indent: py });
    assert.equal(code2, 'if x:\n            y()\n');
  });

  it('re-indents code returned at column 0 to the selection\'s base, in tabs for a tab document', () => {
    const code = normalizeCode('if (a) {\n    b();\n}', { original: '\t\tif (a) {\n\t\t\tc();\n\t\t}\n', indent: { useTabs: true, size: 4 } });
    assert.equal(code, '\t\tif (a) {\n\t\t\tb();\n\t\t}\n');
  });
});

describe('edits/extract: streaming', () => {
  const answer = 'Install first:\n```bash\npip install x\n```\nThen:\n```python\ndef f(a):\n\n    return a + 1\n```\nDone.\n';
  const opts = { original: '    def f(a):\n        return a\n', languageId: 'python', indent: py };

  function stateOf(e: StreamingExtractor) {
    return { lines: [...e.lines], partial: e.partial, state: e.state };
  }

  it('streams the block in the selection\'s language, fitted, skipping the shell block', () => {
    const e = new StreamingExtractor(opts);
    for (const ch of answer) e.push(ch);
    assert.deepEqual(e.lines, ['    def f(a):', '', '        return a + 1']);
    assert.equal(e.state, 'closed');
    const fin = e.finish();
    assert.ok(fin.ok);
    assert.equal(fin.code, e.codeSoFar() + '\n');
  });

  it('its state depends only on the text received, not on the chunking', () => {
    const r = rng(42);
    for (let round = 0; round < 30; round++) {
      const e = new StreamingExtractor(opts);
      for (let i = 0; i < answer.length; ) {
        const n = 1 + Math.floor(r() * 9);
        e.push(answer.slice(i, i + n));
        i += n;
        const ref = new StreamingExtractor(opts);
        ref.push(answer.slice(0, Math.min(i, answer.length)));
        assert.deepEqual(stateOf(e), stateOf(ref));
      }
    }
  });

  it('shows the line being written, but not a closing fence being typed', () => {
    const e = new StreamingExtractor({ original: 'x = 1\n', languageId: 'python' });
    e.push('```python\nx = 2\ny = f(');
    assert.equal(e.partial, 'y = f(');
    assert.equal(e.codeSoFar(), 'x = 2\ny = f(');
    e.push(')\n``');
    assert.equal(e.partial, '');
    assert.deepEqual(e.lines, ['x = 2', 'y = f()']);
  });

  it('stays cheap on a very long line (its head only is shown)', () => {
    const e = new StreamingExtractor({ original: 'x\n' });
    e.push('```\n');
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 200_000; i++) e.push('ab');
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.equal(e.partial.length, 2000);
    assert.ok(ms < 1500, `${ms} ms for 200,000 chunks of one line`);
  });
});
