// What every suite of the chat page sets up the same way: one view server and the shared Chromium
// for the suite, a fresh page for each test (with the initial state when asked), and, when asked,
// no page errors or CSP violations left by a test that passed.
import * as assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { viewState } from '../fixtures';
import { ChatPage, sharedChromium } from './browser';
import { startViewServer, type ViewServer } from './server';

export interface ChatPageHooks {
  /** send `init` with an empty conversation before each test */
  init?: boolean;
  /** after a passed test: no page errors, and with 'csp' no CSP violations either */
  check?: 'errors' | 'csp';
}

/** Registers the suite's hooks; `use` receives each test's page and the suite's server and browser. */
export function chatPageHooks(opts: ChatPageHooks, use: (view: ChatPage, server: ViewServer, browser: Browser) => void): void {
  let server: ViewServer;
  let browser: Browser;
  let view: ChatPage | undefined;
  before(async () => {
    server = await startViewServer();
    browser = await sharedChromium();
  });
  after(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    view = await ChatPage.open(browser, server);
    if (opts.init) await view.send({ type: 'init', locale: 'en', state: viewState() });
    use(view, server, browser);
  });
  afterEach(async function () {
    if (!view) return;
    if (opts.check && this.currentTest?.state === 'passed') {
      assert.deepEqual(view.errors, [], 'no page errors');
      if (opts.check === 'csp') assert.deepEqual(await view.violations(), [], 'no CSP violations');
    }
    await view.close();
    view = undefined;
  });
}
