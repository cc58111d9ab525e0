// The installed extension as a person meets it: its commands in the palette with the contract's
// exact text, and "Qwen: Open Chat" showing the Qwen chat view.
import * as assert from 'node:assert/strict';
import { Workbench } from './driver';

// What the palette shows for each public command (the README's command list).
const PALETTE = [
  'Qwen: Set API Key',
  'Qwen: Clear API Key',
  'Qwen: Select Model',
  'Qwen: Open Chat',
  'Qwen: New Chat',
  'Qwen: Stop Generating',
  'Qwen: Explain Selection',
  'Qwen: Refactor Selection',
  'Qwen: Fix Selection',
  'Qwen: Document Selection',
  'Qwen: Generate Tests',
  'Qwen: Edit Inline',
  'Qwen: Accept Edit',
  'Qwen: Reject Edit',
];

describe('palette and chat view (installed from the .vsix)', function () {
  this.timeout(120_000);
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.launch({ name: 'palette' });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => {});
  });
  after(async () => {
    await wb?.close();
  });

  it('lists every contract command with its exact text', async () => {
    const shown = new Set(await wb.paletteEntries('Qwen:', { keepOpen: true }));
    await wb.screenshot('palette');
    await wb.closeQuickInput();
    // The list renders only the rows that fit: look up whatever the first query did not show.
    for (const title of PALETTE.filter((t) => !shown.has(t))) {
      for (const label of await wb.paletteEntries(title)) shown.add(label);
    }
    const missing = PALETTE.filter((t) => !shown.has(t));
    assert.deepEqual(missing, [], `palette entries missing: ${missing.join(', ')}`);
  });

  it('"Qwen: Open Chat" shows the Qwen chat view', async () => {
    await wb.runCommand('Qwen: Open Chat');
    const title = await waitForValue(() => wb.sideBarTitle(), (t) => /QWEN/i.test(t));
    assert.match(title, /QWEN/i, 'the side bar shows the Qwen container');
    assert.match(title + ' ' + (await wb.sideBarViews()).join(' '), /CHAT/i, 'with its Chat view');
    // The view's content is a webview: it must have loaded and show something, not stay blank.
    await wb.webview(/\S/); // throws when no webview frame with visible text appears
    await wb.screenshot('chat-open');
  });
});

async function waitForValue<T>(get: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await get();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}
