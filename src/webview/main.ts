// Entry point of the chat webview (bundled by esbuild to media/dist/webview.js).
// Every message from the host is validated. One that fails is logged and never leaves the view
// stale or empty: the view asks the host for a fresh init, and says so when that fails too.
import { LocaleSchema, parseHostMessage } from '../protocol/messages';
import { ChatApp } from './app';
import { connectHost } from './host';
import { setLocale } from './l10n';

/** Enough to notice a misbehaving host without flooding its log. */
const MAX_INVALID_LOGS = 20;
/** How long the fresh state may take before the view says it has none (the host answers in milliseconds). */
const RESYNC_TIMEOUT_MS = 10_000;

const host = connectHost();
const root = document.getElementById('app') ?? document.body;
// Words shown before any init arrives (the error line) follow the page's locale.
const pageLocale = LocaleSchema.safeParse(root.getAttribute('data-locale'));
if (pageLocale.success) setLocale(pageLocale.data);
const app = new ChatApp(root, host);
let invalidLogged = 0;
let resyncTimer: ReturnType<typeof setTimeout> | undefined;
let resyncPending = false;

function askForFreshState(): void {
  resyncPending = true;
  clearTimeout(resyncTimer);
  resyncTimer = setTimeout(() => giveUp(), RESYNC_TIMEOUT_MS);
  host.post({ type: 'resync' });
}

function giveUp(): void {
  resyncPending = false;
  clearTimeout(resyncTimer);
  app.showBroken(askForFreshState);
}

function typeOf(data: unknown): string | undefined {
  const type = typeof data === 'object' && data !== null ? (data as { type?: unknown }).type : undefined;
  return typeof type === 'string' ? type : undefined;
}

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  const whole = parsed.message?.type === 'init' || (parsed.message?.type === 'state' && app.built);
  if (parsed.message) {
    try {
      app.handle(parsed.message);
    } catch (e) {
      // A bug here must not take the view down silently: the host's log gets it.
      app.log('error', `failed to apply '${parsed.message.type}': ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      if (whole) return resyncPending ? giveUp() : askForFreshState();
      return;
    }
    if (whole) {
      resyncPending = false;
      clearTimeout(resyncTimer);
      app.clearBroken();
    }
    return;
  }
  if (invalidLogged < MAX_INVALID_LOGS) {
    invalidLogged++;
    app.log('warn', `invalid message dropped: ${parsed.reason}`);
  }
  // The answer to our request failed too: asking again would loop. Its words still follow the
  // host's language when that much of it was readable.
  if (resyncPending && typeOf(event.data) === 'init') {
    const locale = LocaleSchema.safeParse((event.data as { locale?: unknown }).locale);
    if (locale.success) setLocale(locale.data);
    giveUp();
  }
  else if (!resyncPending) askForFreshState();
});

host.post({ type: 'ready' });
