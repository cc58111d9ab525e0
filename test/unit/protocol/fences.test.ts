import * as assert from 'node:assert/strict';
import {
  BACKTICK,
  fenceRun,
  indentColumns,
  infoString,
  isClosingFence,
  mayBecomeClosingFence,
  openingFence,
  skipIndent,
  TILDE,
} from '../../../src/protocol/fences';

const open = (line: string) => {
  const f = openingFence(line);
  return f && { char: f.char, len: f.len, indent: f.indent, info: infoString(line, f) };
};

describe('protocol/fences: opening fences', () => {
  it('reads ``` and ~~~ of three or more, with their info string', () => {
    assert.deepEqual(open('```'), { char: BACKTICK, len: 3, indent: 0, info: '' });
    assert.deepEqual(open('~~~python'), { char: TILDE, len: 3, indent: 0, info: 'python' });
    assert.deepEqual(open('`````md'), { char: BACKTICK, len: 5, indent: 0, info: 'md' });
    assert.deepEqual(open('~~~~~~'), { char: TILDE, len: 6, indent: 0, info: '' });
  });

  it('is not fooled by two characters, another character first, or a mixed run', () => {
    assert.equal(openingFence('``'), null);
    assert.equal(openingFence('~~'), null);
    assert.equal(openingFence('x```'), null);
    assert.equal(openingFence('- ```'), null);
    assert.equal(openingFence(''), null);
    assert.equal(openingFence('``~'), null);
    // a run of three, then the other character: it belongs to the info string
    assert.deepEqual(open('```~~'), { char: BACKTICK, len: 3, indent: 0, info: '~~' });
  });

  it('keeps info strings with spaces and attributes whole, trimmed', () => {
    assert.equal(open('```ts title="a b.ts" {1,3}  ')?.info, 'ts title="a b.ts" {1,3}');
    assert.equal(open('``` {.rust .numberLines}')?.info, '{.rust .numberLines}');
    assert.equal(open('~~~ python  linenums="1"')?.info, 'python  linenums="1"');
    assert.equal(open('```ts:src/a.ts\r')?.info, 'ts:src/a.ts');
  });

  it('refuses a backtick in a backtick fence\'s info string (inline code), allows it after ~~~', () => {
    assert.equal(openingFence('```x```'), null);
    assert.equal(openingFence('```js `a`'), null);
    assert.deepEqual(open('~~~ a`b'), { char: TILDE, len: 3, indent: 0, info: 'a`b' });
  });

  it('reads indented fences at any depth and reports their columns (tabs to the next multiple of 4)', () => {
    const f = openingFence('   ```bash')!;
    assert.deepEqual([f.indent, f.at, f.infoStart], [3, 3, 6]);
    assert.equal(openingFence('    ~~~')!.indent, 4);
    assert.equal(openingFence('\t```')!.indent, 4);
    assert.equal(openingFence('  \t```')!.indent, 4);
    assert.equal(openingFence(' \t ```')!.indent, 5);
  });

  it('reads a line inside a larger string without its line end', () => {
    const text = 'Intro\n  ```py extra\ncode\n';
    const f = openingFence(text, 6, text.indexOf('\n', 6))!;
    assert.deepEqual([f.char, f.len, f.indent, f.at], [BACKTICK, 3, 2, 8]);
    assert.equal(infoString(text, f, text.indexOf('\n', 6)), 'py extra');
    // a backtick beyond the line's end does not count
    const t2 = '```js\n`x`';
    assert.ok(openingFence(t2, 0, 5));
    assert.equal(openingFence(t2), null);
  });

  it('fenceRun: the run a line starts with, for a line still being written', () => {
    assert.equal(fenceRun('``'), 2);
    assert.equal(fenceRun('  ~~~~ x'), 4);
    assert.equal(fenceRun('```a`b'), 3);
    assert.equal(fenceRun('text'), 0);
    assert.equal(fenceRun('   '), 0);
    assert.equal(fenceRun('ab```', 2), 3);
  });
});

describe('protocol/fences: closing fences', () => {
  const ticks = openingFence('```ts')!;
  const tildes = openingFence('~~~~')!;

  it('closes with the same character, at least as long, then only spaces', () => {
    assert.ok(isClosingFence('```', ticks));
    assert.ok(isClosingFence('`````', ticks));
    assert.ok(isClosingFence('```   \t', ticks));
    assert.ok(isClosingFence('```\r', ticks), 'a CR before the line end is the line end');
    assert.ok(isClosingFence('~~~~', tildes));
    assert.ok(isClosingFence('~~~~~~~', tildes));
  });

  it('does not close with a shorter run, the other character, or text after it', () => {
    assert.ok(!isClosingFence('``', ticks));
    assert.ok(!isClosingFence('~~~', tildes));
    assert.ok(!isClosingFence('~~~', ticks));
    assert.ok(!isClosingFence('````', tildes));
    assert.ok(!isClosingFence('```ts', ticks), 'a closing fence has no info string');
    assert.ok(!isClosingFence('``` x', ticks));
    assert.ok(!isClosingFence('```~', ticks));
    assert.ok(!isClosingFence('', ticks));
    assert.ok(!isClosingFence('   ', ticks));
    assert.ok(!isClosingFence('a```', ticks));
  });

  it('closes at any indentation unless told the most', () => {
    assert.ok(isClosingFence('      ```', ticks));
    assert.ok(isClosingFence('   ```', ticks, 0, 6, 3));
    assert.ok(!isClosingFence('    ```', ticks, 0, 7, 3));
    assert.ok(!isClosingFence('\t```', ticks, 0, 4, 3), 'a tab is four columns');
  });

  it('reads a line inside a larger string', () => {
    const text = 'code\n```\nmore';
    assert.ok(isClosingFence(text, ticks, 5, 8));
    assert.ok(!isClosingFence(text, ticks, 5, 10), 'the line end and what follows are not spaces');
  });

  it('a line still being written may become a closing fence, until it cannot', () => {
    const may = (s: string, max?: number) => mayBecomeClosingFence(s, ticks, 0, s.length, max);
    for (const s of ['', '  ', '`', '``', '```', '````', '``` ', '  ``']) assert.ok(may(s), JSON.stringify(s));
    for (const s of ['x', '`` ', '`x', '```x', '~', '``` a', '  ~~']) assert.ok(!may(s), JSON.stringify(s));
    assert.ok(may('   `', 3));
    assert.ok(!may('    ', 3), 'already indented too far');
    assert.ok(!may('    `', 3));
  });
});

describe('protocol/fences: indentation', () => {
  it('skips spaces and tabs, and counts columns with tab stops of 4', () => {
    assert.equal(skipIndent('  \tx'), 3);
    assert.equal(skipIndent('x'), 0);
    assert.equal(skipIndent('   '), 3);
    assert.equal(skipIndent('a  b', 1, 3), 3);
    assert.equal(indentColumns('  \tx'), 4);
    assert.equal(indentColumns('\t\t'), 8);
    assert.equal(indentColumns('     x'), 5);
    assert.equal(indentColumns('x  '), 0);
    assert.equal(indentColumns('ab  c', 2), 2);
  });
});
