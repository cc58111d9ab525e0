import * as vscode from 'vscode';
import { createNonce, renderWebviewHtml } from '../protocol/html';
import { parseWebviewMessage, type HostToWebview, type Locale } from '../protocol/messages';
import type { Log } from '../log';
import type { ChatController } from './controller';
import type { ContextCollector } from './context';

export function uiLocale(): Locale {
  return vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}

/**
 * The `qwen.chatView` webview: serves the page with a strict CSP, validates every message both
 * ways, and mirrors the controller's state. Holds no conversation state of its own.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly readyWaiters: (() => void)[] = [];
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly controller: ChatController,
    private readonly context: ContextCollector,
    private readonly log: Log,
  ) {
    let pending: ReturnType<typeof setTimeout> | undefined;
    this.subs.push(
      context.onDidChange(() => {
        // Selection changes fire per keystroke: refresh the chips at most every 150 ms.
        if (pending || !this.ready) return;
        pending = setTimeout(async () => {
          pending = undefined;
          await context.refresh();
          this.post({ type: 'context', chips: context.chips() });
        }, 150);
      }),
    );
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [media] };
    const dist = vscode.Uri.joinPath(media, 'dist');
    view.webview.html = renderWebviewHtml({
      cspSource: view.webview.cspSource,
      nonce: createNonce(),
      scriptUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview-style.css')).toString(),
      codiconsUri: view.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'codicons', 'codicon.css')).toString(),
      locale: uiLocale(),
    });
    this.controller.attach((m) => this.post(m));
    view.webview.onDidReceiveMessage(async (raw: unknown) => {
      const parsed = parseWebviewMessage(raw);
      if (!parsed.message) {
        this.log.warn(`Dropped an invalid message from the chat view: ${parsed.reason}`);
        return;
      }
      const m = parsed.message;
      if (m.type === 'ready' || m.type === 'resync') {
        // resync: the view dropped a message it could not take (its own log line says which) and
        // rebuilds from a fresh init, like a page that just loaded.
        if (m.type === 'resync') this.log.warn('The chat view asked for its state again after a message it could not take.');
        await Promise.all([this.context.refresh(), this.controller.restored, this.controller.keyKnown]);
        this.ready = true;
        void view.webview.postMessage({ type: 'init', locale: uiLocale(), state: this.controller.state() } satisfies HostToWebview);
        this.readyWaiters.splice(0).forEach((r) => r());
        this.controller.viewRebuilt();
        return;
      }
      try {
        await this.controller.handle(m);
      } catch (e) {
        this.log.error(e instanceof Error ? e : String(e));
      }
    }, undefined, this.subs);
    view.onDidDispose(() => {
      this.view = undefined;
      this.ready = false;
      this.controller.detach();
    }, undefined, this.subs);
  }

  /** True when a page the user can see got it; a hidden page may be gone and rebuilt at its next `ready`. */
  private post(m: HostToWebview): boolean {
    if (!this.view || !this.ready) return false;
    void this.view.webview.postMessage(m);
    return this.view.visible;
  }

  /** Whether the user can see the view now. */
  get visible(): boolean {
    return !!this.view?.visible;
  }

  /**
   * Reveals the view and waits until its page has said `ready` (commands that stream into it).
   * `preserveFocus`: a view already on screen is left as it is (Explain): moving the keyboard
   * focus into it would take the user out of their editor, and the workbench's focus change delays
   * the turn's first messages to the page by about 10 ms (first-text bench).
   */
  async reveal(opts: { preserveFocus?: boolean } = {}): Promise<void> {
    if (!(opts.preserveFocus && this.view?.visible && this.ready)) await vscode.commands.executeCommand('qwen.chatView.focus');
    if (this.ready) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 10_000);
      this.readyWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  focusInput(text?: string): void {
    this.post({ type: 'focusInput', text });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
