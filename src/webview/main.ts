// Entry point of the chat webview (bundled by esbuild to media/dist/webview.js).
// Every message from the host is validated; an invalid one is logged and dropped.
import { parseHostMessage } from '../protocol/messages';
import { ChatApp } from './app';
import { connectHost } from './host';

/** Enough to notice a misbehaving host without flooding its log. */
const MAX_INVALID_LOGS = 20;

const host = connectHost();
const root = document.getElementById('app') ?? document.body;
const app = new ChatApp(root, host);
let invalidLogged = 0;

window.addEventListener('message', (event: MessageEvent) => {
  const parsed = parseHostMessage(event.data);
  if (parsed.message) {
    try {
      app.handle(parsed.message);
    } catch (e) {
      // A bug here must not take the view down silently: the host's log gets it.
      app.log('error', `failed to apply '${parsed.message.type}': ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  } else if (invalidLogged < MAX_INVALID_LOGS) {
    invalidLogged++;
    app.log('warn', `invalid message dropped: ${parsed.reason}`);
  }
});

host.post({ type: 'ready' });
