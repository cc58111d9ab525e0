// Headless Chromium (Debian's) driving the chat webview the way VS Code hosts it: a stand-in
// for acquireVsCodeApi records what the view posts, and host messages arrive as window
// `message` events.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { HostToWebview, Locale, WebviewToHost } from '../../../src/protocol/messages';
import type { Theme, ViewServer } from './server';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/**
 * One Chromium for every browser test file of a mocha run (each test still gets a fresh
 * context, that is a fresh profile). Each test file is its own bundle with its own copy of
 * this module, hence a global; the root-level hook that closes it is registered once, while
 * mocha loads the files.
 */
const SHARED = Symbol.for('qwen-coder.test.chromium');
type Shared = { browser?: Promise<Browser> };
const registry = ((globalThis as Record<symbol, Shared | undefined>)[SHARED] ??= (() => {
  const r: Shared = {};
  if (typeof after === 'function') {
    after(async () => {
      const browser = r.browser;
      r.browser = undefined;
      await (await browser)?.close();
    });
  }
  return r;
})());

export function sharedChromium(): Promise<Browser> {
  return (registry.browser ??= launchChromium());
}

/** Runs in the page before any of its scripts. */
function standIn(): void {
  const w = window as unknown as Record<string, unknown>;
  const posted: unknown[] = [];
  const violations: string[] = [];
  let state: unknown;
  let acquired = false;
  w.__posted = posted;
  w.__violations = violations;
  w.acquireVsCodeApi = () => {
    if (acquired) throw new Error('acquireVsCodeApi may be called only once');
    acquired = true;
    return {
      // Structured like VS Code's: the host gets a copy, never a live object.
      postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s: unknown) => (state = s),
    };
  };
  document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
}

export interface ViewOptions {
  locale?: Locale;
  theme?: Theme;
  width?: number;
  height?: number;
}

export class ChatPage {
  readonly errors: string[] = [];
  readonly console: string[] = [];

  private constructor(readonly context: BrowserContext, readonly page: Page) {
    page.on('pageerror', (e) => this.errors.push(String(e)));
    page.on('console', (m) => {
      this.console.push(`${m.type()}: ${m.text()}`);
      if (m.type() === 'error') this.errors.push(m.text());
    });
  }

  static async open(browser: Browser, server: ViewServer, options: ViewOptions = {}): Promise<ChatPage> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 380, height: options.height ?? 720 },
      deviceScaleFactor: 1,
    });
    // Short: a missing element should fail a test in seconds, not half a minute.
    context.setDefaultTimeout(5000);
    const page = await context.newPage();
    const view = new ChatPage(context, page);
    await page.addInitScript(standIn);
    await page.goto(server.viewUrl({ locale: options.locale, theme: options.theme }));
    await view.waitForPosted('ready');
    return view;
  }

  /** Delivers a message as the extension host would (webview.postMessage). */
  async send(message: HostToWebview | Record<string, unknown>): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message);
  }

  /** Delivers many messages in one go, each its own event, as a fast stream would. */
  async sendAll(messages: readonly unknown[]): Promise<void> {
    await this.page.evaluate((ms) => {
      for (const m of ms) window.postMessage(m, '*');
    }, messages);
  }

  async posted(): Promise<WebviewToHost[]> {
    return this.page.evaluate(() => (window as unknown as { __posted: WebviewToHost[] }).__posted.slice());
  }

  async postedOfType<T extends WebviewToHost['type']>(type: T): Promise<Extract<WebviewToHost, { type: T }>[]> {
    return (await this.posted()).filter((m): m is Extract<WebviewToHost, { type: T }> => m.type === type);
  }

  async clearPosted(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __posted: unknown[] }).__posted.length = 0;
    });
  }

  async waitForPosted(type: WebviewToHost['type'], count = 1): Promise<WebviewToHost[]> {
    await this.page.waitForFunction(
      ([t, n]) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === t).length >= n,
      [type, count] as const,
      { timeout: 5000 },
    );
    return this.posted();
  }

  async violations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations.slice());
  }

  /** Resolves after the view has had two animation frames to render what it was sent. */
  /**
   * Waits until what was streamed so far is on screen: the first update of a turn renders at once,
   * later ones at the view's frame cadence (45 ms), so this waits one cadence and two frames.
   */
  async streamed(): Promise<void> {
    await this.page.waitForTimeout(50);
    await this.frames();
  }

  async frames(n = 2): Promise<void> {
    await this.page.evaluate((count) => new Promise<void>((ok) => {
      let left = count;
      const step = () => (--left <= 0 ? ok() : requestAnimationFrame(step));
      requestAnimationFrame(step);
    }), n);
  }

  async text(selector: string): Promise<string> {
    return (await this.page.locator(selector).first().textContent()) ?? '';
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
