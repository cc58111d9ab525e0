// The view as users see it, in dark, light and high-contrast themes and at sidebar widths,
// saved to test-results/screenshots/webview-*.png (look at them). Also checked: nothing spills
// sideways at narrow widths.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ChatPage, sharedChromium } from './support/browser';
import { repoRoot, startViewServer, type Theme, type ViewServer } from './support/server';
import { doneTurn, fileChip, selectionChip, streamingTurn, viewState } from './fixtures';

const ANSWER = `The overflow comes from \`readChunk\`: it trusts \`header.length\` and never checks it against the buffer.

## Fix

1. Validate the length before slicing.
2. Return early on an empty buffer.

\`\`\`ts
export function readChunk(buf: Uint8Array, at: number): Chunk | undefined {
  const length = buf[at] | (buf[at + 1] << 8);
  if (at + 2 + length > buf.length) return undefined; // 截断的数据块
  return { length, body: buf.subarray(at + 2, at + 2 + length) };
}
\`\`\`

| Case | Before | After |
| --- | ---: | --- |
| empty buffer | throws | \`undefined\` |
| truncated | reads past the end | \`undefined\` |

> **Note:** the caller already handles \`undefined\`, see [the docs](https://example.com/docs).`;

const REASONING = 'The user points at a buffer overflow. Look at how `length` is read: two bytes, little-endian, then used unchecked…';

describe('webview: screenshots (Chromium)', function () {
  this.timeout(60_000);
  let server: ViewServer;
  let browser: Browser;
  const dir = join(repoRoot(), 'test-results', 'screenshots');

  before(async () => {
    mkdirSync(dir, { recursive: true });
    server = await startViewServer();
    browser = await sharedChromium();
  });
  after(async () => {
    await server?.close();
  });

  async function conversation(theme: Theme, width: number, locale: 'en' | 'zh-cn' = 'en'): Promise<ChatPage> {
    const view = await ChatPage.open(browser, server, { theme, width, height: 900, locale });
    await view.send({
      type: 'init',
      locale,
      state: viewState({
        context: [selectionChip, fileChip],
        thinking: { capability: 'optional', enabled: true, budget: 8192, maxBudget: 38_912 },
        turns: [doneTurn('t1', locale === 'zh-cn' ? '为什么 readChunk 会越界读取？' : 'Why does readChunk read past the end?', ANSWER, {
          context: [selectionChip],
          reasoning: REASONING,
          model: 'qwen3-coder-plus',
        })],
      }),
    });
    await view.send({ type: 'turnStart', turn: streamingTurn('t2', locale === 'zh-cn' ? '再加一个测试' : 'Add a test for the truncated case', { model: 'qwen3-coder-plus', context: [fileChip] }) });
    await view.send({ type: 'delta', turnId: 't2', reasoning: 'A test with a buffer whose declared length exceeds what is there.', text: 'Here is a test:\n\n```ts\nit(\'returns undefined for a truncated chunk\', () => {\n  const buf = Uint8Array.of(5, 0, 1, 2);\n' });
    await view.frames(3);
    await view.page.waitForTimeout(150); // codicon font
    return view;
  }

  async function noSidewaysSpill(view: ChatPage): Promise<void> {
    const spill = await view.page.evaluate(() => {
      const s = document.querySelector('.conversation')!;
      return { page: document.documentElement.scrollWidth - window.innerWidth, conversation: s.scrollWidth - s.clientWidth };
    });
    assert.deepEqual(spill, { page: 0, conversation: 0 });
  }

  for (const [theme, width] of [['dark', 400], ['light', 400], ['hc', 400], ['dark', 260]] as const) {
    it(`${theme} theme, ${width}px wide`, async () => {
      const view = await conversation(theme, width);
      await noSidewaysSpill(view);
      await view.page.screenshot({ path: join(dir, `webview-${theme}-${width}.png`), fullPage: false });
      assert.deepEqual(view.errors, []);
      await view.close();
    });
  }

  it('Chinese, light, with an error and the history list', async () => {
    const view = await conversation('light', 360, 'zh-cn');
    await view.send({ type: 'turnError', turnId: 't2', error: { message: '请求被服务商的内容审核拒绝。', actions: ['removeFlagged', 'retry'] } });
    await view.frames();
    await view.page.screenshot({ path: join(dir, 'webview-zh-cn-light-error.png') });
    await view.page.locator('button[aria-controls="history"]').click();
    await view.page.screenshot({ path: join(dir, 'webview-zh-cn-light-history.png') });
    assert.deepEqual(view.errors, []);
    await view.close();
  });

  it('empty view, @-mentions and the large-context question', async () => {
    const view = await ChatPage.open(browser, server, { theme: 'dark', width: 400, height: 600 });
    await view.send({ type: 'init', locale: 'en', state: viewState({ context: [selectionChip] }) });
    await view.send({ type: 'ask', requestId: 'r1', question: { kind: 'largeContext', tokens: 182_000, costUsd: 0.36, contextWindow: 262_144 } });
    await view.page.getByRole('combobox', { name: 'Ask Qwen' }).click();
    await view.page.keyboard.type('compare with @pars');
    const req = (await view.postedOfType('requestMentions')).pop()!;
    await view.send({ type: 'mentionCandidates', requestId: req.requestId, items: [
      { id: 'a', kind: 'file', label: 'parser.ts', detail: 'src/parser.ts' },
      { id: 'b', kind: 'editor', label: 'parse-args.ts', detail: 'src/cli/parse-args.ts' },
      { id: 'c', kind: 'file', label: 'parser.test.ts', detail: 'test/unit/parser.test.ts' },
    ] });
    await view.frames();
    await view.page.waitForTimeout(150);
    await view.page.screenshot({ path: join(dir, 'webview-dark-empty-mentions.png') });
    assert.deepEqual(view.errors, []);
    await view.close();
  });
});
