// The block splitter runs in plain Node: it is pure. Its promise is that cutting where it cuts
// never changes the rendering, whatever the chunking. Checked against marked itself.
import * as assert from 'node:assert/strict';
import { Marked } from 'marked';
import { BlockSplitter } from '../../src/webview/blockSplitter';
import { chunk, generateAnswer } from './support/corpus';

const marked = new Marked({ gfm: true, async: false });
const render = (s: string) => marked.parse(s) as string;

function cutsOf(text: string, size: number): number[] {
  const splitter = new BlockSplitter();
  const cuts: number[] = [];
  for (const piece of chunk(text, size)) splitter.feed(piece, cuts);
  return cuts;
}

function segments(text: string, cuts: number[]): string[] {
  const out: string[] = [];
  let from = 0;
  for (const c of cuts) {
    out.push(text.slice(from, c));
    from = c;
  }
  if (from < text.length) out.push(text.slice(from));
  return out;
}

function assertSafe(text: string, cuts: number[]): void {
  const parts = segments(text, cuts);
  assert.equal(parts.map(render).join(''), render(text));
}

describe('webview: block splitter', () => {
  const corpus = generateAnswer(60_000, 3);

  it('cuts the same places however the stream is chunked', () => {
    const reference = cutsOf(corpus, corpus.length);
    assert.ok(reference.length > 100, `only ${reference.length} cuts in a 60 KB answer`);
    for (const size of [1, 4, 7, 64, 1000]) assert.deepEqual(cutsOf(corpus, size), reference, `chunks of ${size}`);
  });

  it('never cuts where it would change the rendering (a long generated answer)', () => {
    assertSafe(corpus, cutsOf(corpus, 4));
  });

  const cases: [string, string, string[]][] = [
    ['paragraphs', 'One.\n\nTwo.\n\nThree.\n', ['One.\n\n', 'Two.\n\n', 'Three.\n']],
    ['a loose list stays whole', '- a\n\n- b\n\n  more of b\n\nAfter.\n', ['- a\n\n- b\n\n  more of b\n\n', 'After.\n']],
    ['an ordered list with a code block inside', '1. Run:\n\n   ```bash\n   npm i\n\n   npm t\n   ```\n\n2. Done\n\nEnd\n',
      ['1. Run:\n\n   ```bash\n   npm i\n\n   npm t\n   ```\n\n2. Done\n\n', 'End\n']],
    ['a fence interrupts a paragraph and ends a block', 'Look:\n```js\nlet a;\n\n\nlet b;\n```\nAfter\n', ['Look:\n', '```js\nlet a;\n\n\nlet b;\n```\n', 'After\n']],
    ['a longer closing fence; a shorter one is content', '````md\n```\ninner\n```\n````\nx\n', ['````md\n```\ninner\n```\n````\n', 'x\n']],
    ['tilde fences', '~~~\n# not a heading\n~~~\n', ['~~~\n# not a heading\n~~~\n']],
    ['headings stand alone', 'Intro\n# Title\nText under it\n', ['Intro\n', '# Title\n', 'Text under it\n']],
    ['a setext heading is not split from its text', 'Title\n=====\n\nBody\n', ['Title\n=====\n\n', 'Body\n']],
    ['a table stays whole', '| a | b |\n| - | - |\n| 1 | 2 |\n\nNext\n', ['| a | b |\n| - | - |\n| 1 | 2 |\n\n', 'Next\n']],
    ['lazy continuation is not a cut', '> quote\nlazy line\n\nNew\n', ['> quote\nlazy line\n\n', 'New\n']],
    ['indented code after a blank line stays with it', 'Text\n\n    code\n\nMore\n', ['Text\n\n    code\n\n', 'More\n']],
    ['#hashtag is not a heading', 'a\n#hashtag\n', ['a\n#hashtag\n']],
    ['CRLF line ends', 'One.\r\n\r\nTwo.\r\n', ['One.\r\n\r\n', 'Two.\r\n']],
    ['an unclosed fence swallows the rest', 'Before\n\n```py\nx = 1\n\nNot prose\n', ['Before\n\n', '```py\nx = 1\n\nNot prose\n']],
    ['Chinese text', '第一段。\n\n第二段，含`代码`。\n', ['第一段。\n\n', '第二段，含`代码`。\n']],
  ];

  for (const [name, text, expected] of cases) {
    it(name, () => {
      for (const size of [1, 3, text.length]) {
        const cuts = cutsOf(text, size);
        assert.deepEqual(segments(text, cuts), expected, `chunks of ${size}`);
      }
      assertSafe(text, cutsOf(text, 1));
    });
  }

  it('reports the language of an open column-0 fence once its first line is complete', () => {
    const s = new BlockSplitter();
    const cuts: number[] = [];
    s.feed('Intro\n\n```type', cuts);
    assert.equal(s.openIsFence, true);
    assert.equal(s.openFence, null);
    s.feed('script\nconst', cuts);
    assert.deepEqual(s.openFence, { language: 'typescript', contentStart: 'Intro\n\n```typescript\n'.length });
  });

  it('holds back only a line that might still close the fence or start a block', () => {
    const s = new BlockSplitter();
    const cuts: number[] = [];
    s.feed('```js\nlet a = 1;\n``', cuts);
    assert.equal(s.stableEnd, '```js\nlet a = 1;\n'.length, 'a possible closing fence is held back');
    s.feed('x', cuts);
    assert.equal(s.stableEnd, s.offset, 'decided: content');
    s.feed('\n```\n\n- item', cuts);
    assert.equal(cuts.length, 1);
    assert.equal(s.stableEnd, s.offset);
  });
});
