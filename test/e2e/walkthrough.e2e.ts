// The first run as a person meets it, in a fresh profile with the extension installed from the
// .vsix: the walkthrough is listed by Welcome's "Open Walkthrough...", its key step's button opens
// the password box, and the step is marked done once a key is stored (onContext:qwen.hasApiKey).
// The screenshot is evidence for the README, never the assertion.
import * as assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, Workbench } from './driver';

const TITLE = 'Get started with Qwen Coder';
const KEY_STEP = 'Set your API key';

describe('first run: the walkthrough (installed from the .vsix)', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.launch({ name: 'walkthrough' });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => {});
  });
  after(async () => {
    await wb?.close();
  });

  const step = (title: string) => wb.page.locator('.getting-started-step', { hasText: title }).first();

  it('is not opened by itself, and Welcome lists it among the walkthroughs', async () => {
    assert.equal(await wb.page.locator('.gettingStartedContainer').count(), 0, 'activation does not open the walkthrough');
    const labels = await wb.paletteEntries('Welcome: Open Walkthrough', { keepOpen: true });
    assert.ok(labels.includes('Welcome: Open Walkthrough...'), `palette: ${labels.join(' | ')}`);
    const rows = wb.page.locator('.quick-input-widget .monaco-list-row');
    await rows.nth(labels.indexOf('Welcome: Open Walkthrough...')).click();
    // The second pick lists every walkthrough by title.
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: TITLE }).first().waitFor({ timeout: 15_000 });
    await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: TITLE }).first().click();
    await wb.page.locator('.gettingStartedContainer').waitFor({ state: 'visible', timeout: 20_000 });
    await step(KEY_STEP).waitFor({ state: 'visible', timeout: 20_000 });
    const titles = await wb.page.locator('.getting-started-step .step-title').allInnerTexts();
    assert.deepEqual(titles.map((t) => t.trim()), [
      'Pick your provider and region',
      KEY_STEP,
      'Try Explain on a sample',
      'Try Edit Inline',
      'Give the agent a task',
      'Turn on ghost text, if you want it',
    ]);
  });

  it('the key step opens the password box, and is marked done once a key is stored', async () => {
    const key = step(KEY_STEP);
    // VS Code marks a done step on its checkbox (data-done-step-id) with the class `complete`.
    const done = key.locator('[data-done-step-id].complete');
    assert.equal(await done.count(), 0, 'not done before a key is stored');
    await key.click();
    const button = key.locator('.monaco-button, a', { hasText: 'Set API Key' }).first();
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await button.click();
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password box');
    assert.match(await wb.inputPrompt(), /API key for Alibaba Model Studio/);
    await wb.answerInput('sk-e2e-walkthrough-0000');
    await wb.waitForNotification('API key saved', 15_000);
    await done.waitFor({ state: 'attached', timeout: 20_000 });
    assert.equal(await step('Try Edit Inline').locator('[data-done-step-id].complete').count(), 0, 'a step that did not happen is not done');
    const shot = await wb.screenshot('walkthrough');
    copyFileSync(shot, join(REPO, 'media', 'walkthrough.png'));
  });
});
