// Ghost text as a person sees it in the real workbench: completions turned on in the user's
// settings, a few keys typed in a TypeScript file, the fake server's suggestion shown in grey at
// the cursor (screenshot), Tab accepting it into the text.
import * as assert from 'node:assert/strict';
import { completionScenario } from '../fake-qwen/fim';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { Workbench } from './driver';

const SUGGESTION = 'sorted[sorted.length >> 1];';

describe('ghost-text completion in the workbench', function () {
  this.timeout(120_000);
  let wb: Workbench;
  let server: FakeQwen;

  before(async () => {
    server = await startFakeQwen();
    server.setScenario(completionScenario((user) => (user.includes('return <|cursor|>') ? SUGGESTION : '')));
    wb = await Workbench.launch({
      name: 'completions',
      files: { 'src/stats.ts': 'export function median(values: number[]): number {\n  const sorted = [...values].sort((a, b) => a - b);\n  \n}\n' },
      settings: {
        'qwen.provider': 'custom',
        'qwen.baseUrl': server.url,
        'qwen.model': 'qwen3-coder-plus',
        'qwen.completions.enabled': true,
        'qwen.completions.debounceMs': 100,
        // VS Code turns off every extension's inline completions while this (a driver default) is on
        'chat.disableAIFeatures': false,
      },
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => {});
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('shows the suggestion in grey after the cursor, and Tab accepts it', async () => {
    const page = wb.page;
    await wb.openFile('src/stats.ts');
    await page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    // to the end of line 3 (its indentation)
    await page.keyboard.press('Control+End');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('End');
    // The provider exists once the extension has activated (onStartupFinished, late on a busy
    // machine); keys typed before that never ask it. Its status bar switch says it is there.
    await page.locator('.statusbar-item:has-text("Completions: on")').first().waitFor({ state: 'visible', timeout: 60_000 });
    const t0 = Date.now();
    await page.keyboard.type('return ', { delay: 60 });
    const ghost = page.locator('.editor-group-container.active .monaco-editor .ghost-text-decoration').first();
    await ghost.waitFor({ state: 'visible', timeout: 20_000 }).catch((e) => {
      const seen = server.requests.map((r) => `${r.path} +${r.receivedAt - t0}ms ${r.closedBy ?? 'open'} …${JSON.stringify(String(r.body?.prompt ?? r.body?.messages?.at(-1)?.content ?? '').slice(-60))}`);
      throw new Error(`no ghost text; the server saw ${seen.length} request(s):\n${seen.join('\n')}\n${(e as Error).message}`);
    });
    // The grey text may be drawn in several pieces: read them all, in order.
    const shown = await page.waitForFunction((want) => {
      const parts = Array.from(document.querySelectorAll('.editor-group-container.active .monaco-editor .ghost-text-decoration'));
      const text = parts.map((p) => p.textContent ?? '').join('').replace(/\u00a0/g, ' ');
      return text === want ? text : false;
    }, SUGGESTION, { timeout: 10_000 }).then((h) => h.jsonValue()).catch(async () =>
      page.evaluate(() => Array.from(document.querySelectorAll('.editor-group-container.active .monaco-editor .ghost-text-decoration')).map((p) => p.textContent ?? '').join('|')));
    assert.equal(shown, SUGGESTION);
    await wb.screenshot('ghost-text');
    // the status bar switch says it is on
    assert.ok(await page.locator('.statusbar-item:has-text("Completions")').first().isVisible());
    await page.keyboard.press('Tab');
    await page.waitForFunction(() => !document.querySelector('.editor-group-container.active .monaco-editor .ghost-text-decoration'));
    const text = await wb.editorText();
    assert.ok(text.includes(`  return ${SUGGESTION}`), text);
    await wb.screenshot('accepted');
    assert.equal(server.requests.filter((r) => r.closedBy === 'server').length >= 1, true);
  });
});
