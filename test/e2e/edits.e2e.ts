// Editor edits as a person uses them in the real workbench (code-server, extension installed from
// the .vsix), through the command palette, asserting on the file's text on disk: Refactor shows a
// diff and Accept writes exactly the proposal; Edit Inline streams into the editor (screenshots of
// the inline diff mid-stream and pending), Escape rejects it back to the original bytes, Accept
// keeps it and Ctrl+Z restores the original.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { type Gated, gatedReply as holdingReply } from '../fake-qwen/gatedReply';
import { Workbench } from './driver';
import { MATH, MEAN_GUARDED, GUARDED, MEAN_RAISES, RAISES } from '../shared/mathPy';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const fence = (code: string) => `Here it is:\n\n\`\`\`python\n${code}\n\`\`\`\n`;

async function until<T>(what: string, get: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(150);
  }
}

describe('editor edits in the real workbench (installed from the .vsix)', function () {
  this.timeout(180_000);
  let server: FakeQwen;
  let wb: Workbench;

  let openGate: (() => void) | undefined;
  const disk = (rel: string) => readFileSync(join(wb.folder, rel), 'utf8');

  /** Streams `text`, holding the rest once `hold` has been sent, until `release`. */
  function gatedReply(text: string, hold: string): Gated {
    const g = holdingReply(server, text, hold, { pauseMs: 20, times: 1 });
    openGate = g.release;
    return g;
  }

  async function save(rel: string, expected: string): Promise<void> {
    await wb.page.keyboard.press('Control+S');
    await until(`${rel} on disk to be the expected text`, () => disk(rel) === expected, 15_000).catch(() => {
      assert.equal(disk(rel), expected);
    });
  }

  /** Text drawn after lines by decorations (CSS ::after content, which innerText does not include). */
  const afterTexts = () =>
    wb.page.locator('.editor-group-container.active .view-lines span').evaluateAll((els) =>
      els.map((e) => getComputedStyle(e, '::after').content).filter((c) => c && c !== 'none' && c !== 'normal').map((c) => c.replace(/^"|"$/g, '')),
    );

  /**
   * Opens a file from the Explorer (Quick Open's first row can still be a recently opened file
   * when Enter is pressed).
   */
  async function open(rel: string): Promise<void> {
    const name = rel.split('/').pop()!;
    const row = wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: new RegExp(`^\\s*${name.replace('.', '\\.')}\\s*$`) });
    if (!(await row.count())) {
      for (const dir of rel.split('/').slice(0, -1)) await wb.page.locator('.explorer-folders-view .monaco-list-row', { hasText: dir }).first().click();
    }
    await row.first().dblclick();
    await wb.page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).first().waitFor({ timeout: 15_000 });
    await wb.page.locator('.editor-group-container.active .monaco-editor .view-line').first().waitFor({ timeout: 10_000 });
  }

  const lensTitles = () => wb.page.locator('.editor-group-container.active .codelens-decoration a').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));

  before(async () => {
    server = await startFakeQwen();
    wb = await Workbench.launch({
      name: 'edits',
      files: { 'src/stats.py': MATH, 'src/inline.py': MATH },
      settings: { 'qwen.provider': 'custom', 'qwen.baseUrl': server.url, 'qwen.model': 'qwen3-coder-plus' },
      viewport: { width: 1400, height: 900 },
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => {});
    // A failed test must not leave an answer held open for the next one.
    openGate?.();
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('Refactor Selection shows the proposal in a diff; Accept Edit writes exactly it', async () => {
    await open('src/stats.py');
    await wb.selectLines(5, 9);
    server.setScenario((ctx) => ctx.reply(fence(MEAN_GUARDED), { delay: 10 }), { times: 1 });
    await wb.runCommand('Qwen: Refactor Selection');
    assert.match(await wb.inputPrompt(), /refactor/i);
    await wb.answerInput('return 0 for an empty list');
    const tab = wb.page.locator('.tabs-container .tab', { hasText: /Qwen's proposal/ });
    await tab.first().waitFor({ state: 'visible', timeout: 30_000 });
    await sleep(800);
    await wb.screenshot('refactor-diff');
    const sent = server.requests.at(-1)!.body.messages.map((m: { content: string }) => m.content).join('\n');
    assert.ok(sent.includes('return 0 for an empty list') && sent.includes('    for v in values:\n        total += v'), 'the instruction and the selected code were sent');
    assert.equal(disk('src/stats.py'), MATH, 'nothing written before Accept');

    await wb.runCommand('Qwen: Accept Edit');
    await until('the diff to close', async () => ((await tab.count()) === 0 ? true : undefined));
    await save('src/stats.py', GUARDED);
    await wb.screenshot('refactor-accepted');
  });

  it('Edit Inline streams an inline diff into the editor; Escape rejects it back to the original bytes', async () => {
    await open('src/inline.py');
    await wb.selectLines(5, 9);
    const gate = gatedReply(fence(MEAN_GUARDED), '    total = 0\n');
    await wb.runCommand('Qwen: Edit Inline');
    await wb.answerInput('return 0 for an empty list');
    await gate.reached;
    await until('the first new line in the editor', async () => ((await wb.editorText()).includes('if not values:') ? true : undefined));
    await until('the "writing" CodeLens while it streams', async () => ((await lensTitles()).some((t) => /Qwen is writing/.test(t)) ? true : undefined));
    await sleep(300);
    await wb.screenshot('inline-streaming');
    gate.release();
    await until('Accept/Reject on the hunk', async () => ((await lensTitles()).some((t) => t.endsWith('Accept')) ? true : undefined), 30_000);
    await sleep(400);
    await wb.screenshot('inline-pending');
    const shown = await wb.editorText();
    assert.ok(shown.includes('    if not values:\n        return 0\n    total = 0'), `the editor shows the proposal: ${shown}`);

    // Escape (the first one clears the selection, as always) rejects the pending edit.
    await wb.page.keyboard.press('Escape');
    await sleep(200);
    if ((await wb.editorText()).includes('if not values')) await wb.page.keyboard.press('Escape');
    await until('the original back in the editor', async () => (!(await wb.editorText()).includes('if not values') ? true : undefined));
    await save('src/inline.py', MATH);
    await until('the CodeLens to go', async () => ((await lensTitles()).length === 0 ? true : undefined));
    await wb.screenshot('inline-rejected');
  });

  it('Edit Inline that replaces lines marks the removed ones; Accept Edit keeps it; Ctrl+Z restores the original', async () => {
    await wb.selectLines(5, 9);
    server.setScenario((ctx) => ctx.reply(fence(MEAN_RAISES), { delay: 10 }), { times: 1 });
    await wb.runCommand('Qwen: Edit Inline');
    await wb.answerInput('raise ValueError on an empty list, use sum()');
    await until('Accept/Reject on the hunks', async () => ((await lensTitles()).some((t) => t.endsWith('Accept')) ? true : undefined), 30_000);
    // The removed lines are not in the buffer: a marker where they were shows them.
    const removed = await until('the removed-lines marker', async () => (await afterTexts()).find((t) => t.includes('− total = 0')));
    assert.match(removed, /\(\+\d+ more\)/, 'it says how many more lines were removed');
    await sleep(300);
    await wb.screenshot('inline-pending-replaced');
    await wb.runCommand('Qwen: Accept Edit');
    await until('the CodeLens to go', async () => ((await lensTitles()).length === 0 ? true : undefined));
    await save('src/inline.py', RAISES);
    await wb.screenshot('inline-accepted');
    await wb.page.keyboard.press('Control+Z');
    await until('the original after one Undo', async () => (!(await wb.editorText()).includes('raise ValueError') ? true : undefined));
    await save('src/inline.py', MATH);
  });
});
