// A small Playwright driver for the real VS Code workbench (code-server in headless Chromium), for
// end-to-end tests that use the extension the way a person does: the palette, the editor,
// notifications and the chat webview. Screenshots are evidence for people, never assertions.
//
//   const wb = await Workbench.launch({ name: 'palette' });
//   await wb.runCommand('Qwen: Open Chat');
//   const chat = await wb.webview(/Qwen/);
//   await wb.screenshot('chat-open');
//   await wb.close();
//
// The extension is installed from a .vsix (QWEN_TEST_VSIX, default ./qwen-coder.vsix, made by
// `npm run package`), or loaded from the repository with QWEN_E2E_EXTENSION=dev (which needs the
// smoke-test driver, so toasts are hidden there: notifications() falls back to the center).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Frame, Page } from 'playwright-core';

export const REPO = resolve(__dirname, '..', '..', '..');
export const SCREENSHOTS = join(REPO, 'test-results', 'screenshots');

interface CodeServer {
  url: string;
  port: number;
  child: { pid?: number; on(ev: 'exit', fn: (code: number | null) => void): void };
  stop(): Promise<void>;
  output(): string;
}
interface Harness {
  ensureCodeServer(): Promise<unknown>;
  startCodeServer(o: { tools?: unknown; scratch: string; trust?: boolean; smokeDriver?: boolean; env?: Record<string, string>; log?: (s: string) => void }): Promise<CodeServer>;
  installVsix(vsix: string, o: { tools?: unknown; scratch: string }): Promise<string>;
  /** the base workbench settings every test window shares, then these */
  writeUserSettings(scratch: string, settings?: Record<string, unknown>): void;
  launchBrowser(profileDir: string, o?: { viewport?: { width: number; height: number } }): Promise<BrowserContext>;
  workbenchUrl(server: CodeServer, o: { folder?: string; payload?: [string, string][] }): string;
  remoteUri(server: CodeServer, absPath: string): string;
  makeWorkspace(prefix?: string, extra?: Record<string, string>): string;
}

/** The harness is plain ESM shared with the launcher; load it at run time rather than bundle it. */
async function harness(): Promise<Harness> {
  const load = (f: string) => import(pathToFileURL(join(REPO, 'test', 'vscode', f)).href);
  const [install, cs, ws] = await Promise.all([load('install.mjs'), load('code-server.mjs'), load('workspace.mjs')]);
  return { ...install, ...cs, ...ws } as Harness;
}

export interface LaunchOptions {
  /** Used in screenshot names and temp folder names. */
  name?: string;
  /** Folder to open; default: a fresh copy of the sample workspace (plus `files`). */
  folder?: string;
  /** Extra files for the sample workspace: relative path -> text. */
  files?: Record<string, string>;
  /** User settings written before start. */
  settings?: Record<string, unknown>;
  /** Added to the extension host's environment (e.g. a fake server's URL, an API key variable). */
  env?: Record<string, string>;
  /** false = leave workspace trust on: the folder opens in restricted mode. */
  trust?: boolean;
  extension?: 'vsix' | 'dev';
  /** Wait until the extension's contributions are in the workbench (default true). */
  waitForQwen?: boolean;
  viewport?: { width: number; height: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


export class Workbench {
  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly server: CodeServer,
    readonly folder: string,
    readonly name: string,
    private readonly scratch: string,
    private readonly ownFolder: boolean,
    readonly browserLog: string[],
  ) {}

  static async launch(opts: LaunchOptions = {}): Promise<Workbench> {
    const h = await harness();
    const tools = await h.ensureCodeServer();
    const name = opts.name ?? 'e2e';
    const scratch = mkdtempSync(join(tmpdir(), `qwen-e2e-${name}-`));
    const folder = opts.folder ?? h.makeWorkspace(`qwen-e2e-ws-${name}-`, opts.files ?? {});
    let server: CodeServer | undefined;
    let context: BrowserContext | undefined;
    try {
      h.writeUserSettings(scratch, opts.settings);
      const mode = opts.extension ?? (process.env.QWEN_E2E_EXTENSION === 'dev' ? 'dev' : 'vsix');
      if (mode === 'vsix') {
        const vsix = resolve(process.env.QWEN_TEST_VSIX || join(REPO, 'qwen-coder.vsix'));
        if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first (or set QWEN_E2E_EXTENSION=dev)`);
        await h.installVsix(vsix, { tools, scratch });
      }
      // The workbench honours a development-path payload only with the smoke-test driver on, which
      // also hides notification toasts: in dev mode, read them from the notification center.
      server = await h.startCodeServer({ tools, scratch, trust: opts.trust ?? true, smokeDriver: mode === 'dev', env: opts.env ?? {} });
      context = await h.launchBrowser(join(scratch, 'browser'), { viewport: opts.viewport ?? { width: 1400, height: 1000 } });
      const page = context.pages()[0] ?? (await context.newPage());
      const browserLog: string[] = [];
      page.on('console', (m) => {
        browserLog.push(`[${m.type()}] ${m.text()}`);
        if (browserLog.length > 500) browserLog.shift();
      });
      const payload: [string, string][] | undefined = mode === 'dev' ? [['extensionDevelopmentPath', h.remoteUri(server, REPO)]] : undefined;
      await page.goto(h.workbenchUrl(server, { folder, payload }), { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      // The Qwen activity-bar entry appears once the extension host has reported the extension's
      // contributions; before that the palette does not list its commands.
      if (opts.waitForQwen ?? true) {
        await page.locator('.part.activitybar .action-item .action-label[aria-label^="Qwen"]').waitFor({ state: 'attached', timeout: 90_000 });
      }
      return new Workbench(page, context, server, folder, name, scratch, opts.folder === undefined, browserLog);
    } catch (e) {
      await context?.close().catch(() => {});
      await server?.stop().catch(() => {});
      rmSync(scratch, { recursive: true, force: true });
      if (opts.folder === undefined) rmSync(folder, { recursive: true, force: true });
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    await this.server.stop();
    // QWEN_E2E_KEEP=1 keeps the profile (logs: user-data/logs/*/exthost*/output_logging_*/*Qwen.log)
    if (process.env.QWEN_E2E_KEEP) console.log(`[e2e] kept ${this.scratch}`);
    else rmSync(this.scratch, { recursive: true, force: true });
    if (this.ownFolder) rmSync(this.folder, { recursive: true, force: true });
  }

  // ---- command palette ----

  private async openPalette(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    for (let attempt = 0; ; attempt++) {
      if (!(await input.isVisible())) {
        await this.page.keyboard.press('F1');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
      }
      try {
        // fill() replaces the palette's own '>', so it is part of the text.
        await input.fill(text, { timeout: 5_000 });
        return;
      } catch (e) {
        // A quick input that was closing (Go to Line, just used) looked visible a moment ago.
        if (attempt >= 2) throw e;
        await this.closeQuickInput();
      }
    }
  }

  async closeQuickInput(): Promise<void> {
    const w = this.page.locator('.quick-input-widget');
    if (await w.isVisible()) await this.page.keyboard.press('Escape');
    await w.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
  }

  /** The labels the quick-input list shows now (only rows the list has rendered). */
  async quickPickLabels(): Promise<string[]> {
    return this.page.locator('.quick-input-widget .monaco-list-row .label-name').evaluateAll((els) =>
      els.map((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ').trim()));
  }

  /** Palette entries matching `query`, as the user would see them after typing it. */
  async paletteEntries(query: string, { keepOpen = false, settleMs = 300 } = {}): Promise<string[]> {
    await this.openPalette(`>${query}`);
    await this.page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 10_000 }).catch(() => {});
    await sleep(settleMs);
    const labels = await this.quickPickLabels();
    if (!keepOpen) await this.closeQuickInput();
    return labels;
  }

  /**
   * Runs a palette command by its exact title ("Qwen: Open Chat"); fails if no entry has that text.
   * Retries for a while: right after a reload the palette lists contributed commands only once the
   * extension host has read the manifests again, which on a busy 2-core machine took over 15 s.
   */
  async runCommand(title: string, timeoutMs = 45_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      await this.openPalette(`>${title}`);
      const rows = this.page.locator('.quick-input-widget .monaco-list-row');
      await rows.first().waitFor({ timeout: 5_000 }).catch(() => {});
      const labels = await this.quickPickLabels();
      const i = labels.indexOf(title);
      if (i >= 0) {
        await rows.nth(i).click();
        await this.page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => {});
        return;
      }
      if (Date.now() > end) {
        await this.closeQuickInput();
        throw new Error(`no palette entry titled "${title}" (saw: ${labels.join(' | ') || 'nothing'})`);
      }
      await sleep(300); // contributions may still be arriving from the extension host
    }
  }

  /** Answers an open input box / quick pick: types the text and presses Enter. */
  async answerInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(text);
    await input.press('Enter');
  }

  /** The prompt / title text of the open input box. */
  async inputPrompt(): Promise<string> {
    const w = this.page.locator('.quick-input-widget');
    await w.waitFor({ state: 'visible', timeout: 10_000 });
    return (await w.innerText()).replace(/\u00a0/g, ' ');
  }

  // ---- editor ----

  /** Opens a workspace file with Quick Open. */
  async openFile(relPath: string): Promise<void> {
    await this.page.locator('.monaco-workbench').focus().catch(() => {});
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(relPath);
    await this.page.locator('.quick-input-widget .monaco-list-row').first().waitFor({ timeout: 10_000 });
    await input.press('Enter');
    const base = relPath.split('/').pop()!;
    await this.page.locator(`.tabs-container .tab.active[aria-label*="${base}"], .tabs-container .tab.active:has-text("${base}")`).first().waitFor({ timeout: 10_000 });
    await this.page.locator('.editor-group-container.active .monaco-editor .view-line').first().waitFor({ timeout: 10_000 });
  }

  /** The visible text of the active editor, lines in order (non-breaking spaces turned back). */
  async editorText(): Promise<string> {
    return this.page.evaluate(() => {
      const editor = document.querySelector('.editor-group-container.active .monaco-editor') ?? document.querySelector('.monaco-editor');
      if (!editor) return '';
      const lines = Array.from(editor.querySelectorAll<HTMLElement>('.view-lines .view-line'));
      lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
      return lines.map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).join('\n');
    });
  }

  /** Clicks into the active editor and selects lines [from, to] (1-based, inclusive) with the keyboard. */
  async selectLines(from: number, to: number): Promise<void> {
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').click();
    await this.page.keyboard.press('Control+G');
    // Go to Line opens with ':' typed; fill() replaces it, and without it the box is Quick Open.
    await this.answerInput(`:${from}`);
    await this.page.keyboard.press('Home');
    await this.page.keyboard.press('Home');
    for (let i = from; i < to; i++) await this.page.keyboard.press('Shift+ArrowDown');
    await this.page.keyboard.press('Shift+End');
    // The status bar says "Ln 9, Col 2 (97 selected)" once the selection is there.
    await this.page.locator('.statusbar-item', { hasText: /\(\d+ selected\)/ }).first().waitFor({ timeout: 5_000 });
  }

  // ---- notifications ----

  /** Texts of the notifications on screen: toasts, and the notification center's list when it is open. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message, .notifications-center .notification-list-item-message').evaluateAll((els) =>
      els.map((e) => (e.textContent ?? '').replace(/\u00a0/g, ' ').trim()));
  }

  /** Opens the notification center (every notification, including those whose toast has gone). */
  async showNotificationCenter(): Promise<void> {
    if (await this.page.locator('.notifications-center.visible').isVisible().catch(() => false)) return;
    await this.runCommand('Notifications: Show Notifications');
    await this.page.locator('.notifications-center').waitFor({ state: 'visible', timeout: 5_000 });
  }

  /** Waits for a toast whose text matches; returns its text. */
  async waitForNotification(match: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const test = (s: string) => (typeof match === 'string' ? s.includes(match) : match.test(s));
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.notifications()).find(test);
      if (found) return found;
      if (Date.now() > end) throw new Error(`no notification matching ${match} (saw: ${(await this.notifications()).join(' | ') || 'none'})`);
      await sleep(200);
    }
  }

  /** Clicks a button of the toast whose text matches. */
  async clickNotificationButton(match: RegExp | string, button: string): Promise<void> {
    await this.waitForNotification(match);
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: match });
    await toast.locator('.monaco-button', { hasText: button }).first().click();
  }

  // ---- views and webviews ----

  /** The title of the side bar part (e.g. "QWEN: CHAT" or "EXPLORER"), upper-cased as shown. */
  async sideBarTitle(): Promise<string> {
    const t = this.page.locator('.part.sidebar .composite.title');
    if (!(await t.isVisible())) return '';
    return (await t.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Drags the side bar's edge until the side bar is about `width` pixels wide; returns its new width. */
  async resizeSideBar(width: number): Promise<number> {
    const bar = this.page.locator('.part.sidebar');
    const box = await bar.boundingBox();
    if (!box) throw new Error('the side bar is not visible');
    const y = box.y + box.height / 2;
    // The sash sits on the side bar's right edge (side bar on the left, as by default).
    await this.page.mouse.move(box.x + box.width, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
    // Off the sash, so its hover highlight is gone from later screenshots.
    await this.page.mouse.move(box.x + width + 200, y);
    await sleep(500);
    return (await bar.boundingBox())?.width ?? 0;
  }

  /** Titles of the view panes in the side bar. */
  async sideBarViews(): Promise<string[]> {
    return this.page.locator('.part.sidebar .pane-header .title').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  }

  /** The content frames of every webview now in the page. */
  async webviewFrames(): Promise<Frame[]> {
    const out: Frame[] = [];
    for (const f of this.page.frames()) {
      // The inner frame is created as `pending-frame` and renamed `active-frame` once loaded;
      // Playwright keeps the name it first saw, so ask the element for its current id.
      if (!f.parentFrame()?.url().includes('/webview/browser/pre/')) continue;
      const id = await f.frameElement().then((el) => el.getAttribute('id')).catch(() => null);
      if (id === 'active-frame' || f.name() === 'active-frame') out.push(f);
    }
    return out;
  }

  /**
   * The webview content frame whose text matches. Webviews are an `iframe.webview.ready` holding an
   * inner `active-frame`, in an overlay outside the view's DOM, so they are found among the page's frames.
   */
  async webview(match: RegExp | string = /[\s\S]*/, timeoutMs = 20_000): Promise<Frame> {
    const test = (s: string) => (typeof match === 'string' ? s.includes(match) : match.test(s));
    const end = Date.now() + timeoutMs;
    let seen: string[] = [];
    for (;;) {
      seen = [];
      for (const f of await this.webviewFrames()) {
        const text = await f.evaluate(() => document.body?.innerText ?? '').catch(() => null);
        if (text === null) continue;
        seen.push(text.slice(0, 120));
        if (test(text)) return f;
      }
      if (Date.now() > end) throw new Error(`no webview matching ${match} (webviews seen: ${seen.length ? seen.map((s) => JSON.stringify(s)).join(', ') : 'none'})`);
      await sleep(200);
    }
  }

  /** Types into an element of a page or webview frame (fill replaces; type=true sends key presses). */
  async typeInto(target: Page | Frame, selector: string, text: string, { type = false, enter = false } = {}): Promise<void> {
    const el = target.locator(selector).first();
    await el.waitFor({ state: 'visible', timeout: 10_000 });
    if (type) {
      await el.click();
      await el.pressSequentially(text);
    } else {
      await el.fill(text);
    }
    if (enter) await el.press('Enter');
  }

  // ---- the window itself ----

  /** Reloads the window: a new renderer and a new extension host, as after "Developer: Reload Window". */
  async reload(): Promise<void> {
    await this.page.reload({ waitUntil: 'domcontentloaded' });
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await this.page.locator('.part.activitybar .action-item .action-label[aria-label^="Qwen"]').waitFor({ state: 'attached', timeout: 90_000 });
  }

  /**
   * VS Code's own activation figure for an extension, as "Developer: Show Running Extensions" shows
   * it ("Activation: 70ms" = loading its code + running activate()), once it has activated.
   */
  async activationMs(displayName: string, timeoutMs = 60_000): Promise<number> {
    await this.runCommand('Developer: Show Running Extensions');
    const end = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.page.locator('.runtime-extensions-editor .monaco-list-row').evaluateAll((els) =>
        els.map((e) => [e.querySelector('.name')?.textContent ?? '', e.querySelector('.activation-time')?.textContent ?? ''] as const));
      const time = rows.find(([name]) => name === displayName)?.[1].match(/Activation: (\d+(?:\.\d+)?)ms/);
      if (time) return Number(time[1]);
      if (Date.now() > end) throw new Error(`${displayName} did not show an activation time (rows: ${rows.map((r) => r.join(' ')).join('; ')})`);
      await sleep(250);
    }
  }

  // ---- evidence ----

  /** Saves test-results/screenshots/<test name>-<step>.png and returns its path. */
  async screenshot(step: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${this.name}-${step}.png`.replace(/[^\w.-]+/g, '_'));
    // Webview icon fonts arrive a moment after the text: let them, so the picture shows what a person sees.
    const fonts = Promise.all(this.page.frames().map((f) => f.evaluate(() => document.fonts.ready.then(() => undefined)).catch(() => undefined)));
    await Promise.race([fonts, sleep(2000)]);
    await this.page.screenshot({ path });
    return path;
  }
}
