import * as vscode from 'vscode';
import { affectsQwen } from '../config';
import { isUnavailable, type ClientUnavailable, type Services } from '../services';
import type { CompletionTarget } from './backend';

const UNAVAILABLE_RECHECK_MS = 10_000;

interface Resolving {
  at: number;
  unavailable: boolean;
  value: Promise<CompletionTarget | ClientUnavailable>;
}

/**
 * The client and model completions use, looked up once and kept until a setting or the key
 * changes: one client means one keep-alive connection, so a completion skips the TCP and TLS
 * handshakes. The client is Services' (the chat streams on the same one): only Services retires
 * and disposes it. Never asks the user anything (ghost text stays silent).
 */
export class CompletionClientSource implements vscode.Disposable {
  private current?: Resolving;
  private readonly subs: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** the settings or the key changed: cached suggestions may no longer be right */
  readonly onDidChange = this.changed.event;

  constructor(private readonly services: Services) {
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => affectsQwen(e) && this.invalidate()),
      services.keys.onDidChange(() => this.invalidate()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidate()),
    );
  }

  get(): Promise<CompletionTarget | ClientUnavailable> {
    const c = this.current;
    // A missing key or refused address is looked at again now and then (an environment or an approval may have changed).
    if (c && !(c.unavailable && c.at + UNAVAILABLE_RECHECK_MS < Date.now())) return c.value;
    const entry: Resolving = { at: Date.now(), unavailable: false, value: undefined! };
    entry.value = this.resolve(entry);
    this.current = entry;
    return entry.value;
  }

  private resolve(entry: Resolving): Promise<CompletionTarget | ClientUnavailable> {
    return this.services.client({ interactive: false }).then(
      async (ctx) => {
        if (isUnavailable(ctx)) {
          entry.unavailable = true;
          return ctx;
        }
        const { settings, preset } = ctx;
        let model = settings.completionsModel || preset.fastCoderModel || ctx.model;
        if (!model) {
          // A custom server and no model named: ask it once which it serves, rather than on every completion.
          model = await ctx.client.listModels().then((ids) => ids[0] ?? '', () => '');
        }
        const extra = vscode.workspace.getConfiguration('qwen').get<unknown>('context.exclude');
        return {
          client: ctx.client,
          preset,
          model,
          baseUrl: ctx.baseUrl,
          exclude: Array.isArray(extra) ? extra.filter((x): x is string => typeof x === 'string') : undefined,
        };
      },
      (e: unknown): ClientUnavailable => {
        this.services.log.warn(`completions: no client: ${String(e)}`);
        entry.unavailable = true;
        return { unavailable: 'badBaseUrl' };
      },
    );
  }

  invalidate(): void {
    this.current = undefined;
    this.changed.fire();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
