import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { Commands } from './constants';
import { activeModel, activePreset, type QwenSettings } from './config';
import type { SettingsCache } from './settingsCache';
import { KeyStore, SecretStoreUnavailableError } from './secrets';
import type { Log } from './log';
import type { StreamTracker } from './streams';
import { BaseUrlError, PROVIDERS, QwenClient, QwenError, checkTransport, resolveBaseUrl, type ProviderPreset } from './qwen';
import { errorText } from './qwen/messages';
import type { ClientConfig } from './qwen/types';
import { ModelListCache } from './qwen/modelLists';

const APPROVED_HTTP_HOSTS = 'qwen.approvedHttpHosts';
/** A replaced client's connections are all closed this long after (a request still running on it may finish first). */
const RETIRE_AFTER_MS = 30_000;

export interface ClientContext {
  client: QwenClient;
  settings: QwenSettings;
  preset: ProviderPreset;
  /** the model id to use for chat and commands */
  model: string;
  baseUrl: string;
}

/** Why no client could be made; the caller already told the user (interactive) or stays silent. */
export type ClientUnavailable = { unavailable: 'missingKey' | 'badBaseUrl' | 'insecureHttp' | 'secretStore' };

/**
 * Builds clients from settings + SecretStorage on demand, so a changed setting or key applies
 * to the next request with no reload. Owns the "where may the key go" decisions.
 */
export class Services implements vscode.Disposable {
  /** what servers listed at GET /models, shared by every client this makes (a new key keeps it) */
  private readonly modelLists = new ModelListCache();
  /** the active custom server's models, for lists that must not wait long or fail (vscode.lm) */
  readonly serverModels = new ServerModels(this);

  /**
   * One client while its configuration stays the same, so requests share its kept-alive
   * connections (a chat turn after a completion skips the TCP, TLS and proxy CONNECT handshakes).
   * A client per request also left each one's idle sockets open until the server dropped them.
   */
  private shared?: { fingerprint: string; client: QwenClient };
  /**
   * Clients replaced by a changed configuration, until they are disposed. Only Services retires
   * and disposes a client: the chat and completions hold the same one, and a consumer that
   * disposed it on its own schedule would cut the other's stream.
   */
  private readonly retired = new Map<QwenClient, ReturnType<typeof setTimeout>>();

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: Log,
    readonly keys: KeyStore,
    readonly streams: StreamTracker,
    private readonly cache: SettingsCache,
  ) {}

  dispose(): void {
    this.shared?.client.dispose();
    this.shared = undefined;
    for (const [client, timer] of this.retired) {
      clearTimeout(timer);
      client.dispose();
    }
    this.retired.clear();
  }

  settings(): Readonly<QwenSettings> {
    return this.cache.settings();
  }

  preset(settings = this.settings()): ProviderPreset {
    return activePreset(settings);
  }

  modelFor(settings = this.settings()): string {
    return activeModel(settings);
  }

  /**
   * A client for the active provider, or the reason there is none. With `interactive`, the user is
   * told what is missing (with a button to fix it); without, nothing is shown (ghost text).
   */
  async client(opts: { interactive: boolean }): Promise<ClientContext | ClientUnavailable> {
    const settings = this.settings();
    const preset = PROVIDERS[settings.provider];
    let baseUrl: string;
    try {
      baseUrl = resolveBaseUrl({ provider: settings.provider, baseUrl: settings.baseUrl || undefined });
    } catch (e) {
      if (opts.interactive) {
        const open = vscode.l10n.t('Open Settings');
        // User-info in the URL is refused, never sent: the sentence says where keys go, without echoing them.
        const message = e instanceof BaseUrlError && e.reason === 'credentials'
          ? errorText(new QwenError({ kind: 'config', code: 'base-url-credentials' }), vscode.env.language)
          : vscode.l10n.t('Set "qwen.baseUrl" to your server\'s OpenAI-compatible address (for example http://localhost:11434/v1) to use a custom provider.');
        void vscode.window
          .showErrorMessage(message, open)
          .then((a) => a === open && vscode.commands.executeCommand('workbench.action.openSettings', 'qwen.baseUrl'));
      }
      return { unavailable: 'badBaseUrl' };
    }

    if (!(await this.transportAllowed(baseUrl, opts.interactive))) return { unavailable: 'insecureHttp' };

    let key: string | undefined;
    try {
      key = (await this.keys.get(settings.provider, preset.envVar)).key;
    } catch (e) {
      if (e instanceof SecretStoreUnavailableError) {
        this.log.error(`SecretStorage read failed: ${String((e as { cause?: unknown }).cause)}`);
        if (opts.interactive) void vscode.window.showErrorMessage(e.message);
        return { unavailable: 'secretStore' };
      }
      throw e;
    }
    if (!key && preset.requiresKey) {
      if (opts.interactive) this.reportMissingKey(preset);
      return { unavailable: 'missingKey' };
    }

    const proxy = this.cache.proxySettings();
    const config: ClientConfig = {
      provider: settings.provider,
      baseUrl: settings.baseUrl || undefined,
      apiKey: key,
      proxy: proxy.proxy,
      noProxy: proxy.noProxy,
      strictSSL: proxy.strictSSL,
      maxRetries: settings.maxRetries,
      firstByteTimeoutMs: settings.firstByteTimeoutMs,
      idleTimeoutMs: settings.idleTimeoutMs,
      userAgent: `qwen-coder-vscode/${this.context.extension.packageJSON.version as string} vscode/${vscode.version}`,
      modelLists: this.modelLists,
      log: (level, message) => this.log.write(level, message),
    };
    return { client: this.clientFor(config), settings, preset, model: this.modelFor(settings), baseUrl };
  }

  private clientFor(config: ClientConfig): QwenClient {
    // Hashed: the key is part of what makes a client, but need not sit in one more string.
    const { log: _log, modelLists: _lists, ...identity } = config;
    const fingerprint = createHash('sha256').update(JSON.stringify(identity)).digest('hex');
    if (this.shared?.fingerprint !== fingerprint) {
      // Requests still streaming on the old client finish; its idle connections close now.
      if (this.shared) this.retire(this.shared.client);
      this.shared = { fingerprint, client: new QwenClient(config) };
    }
    return this.shared.client;
  }

  private retire(client: QwenClient): void {
    client.retire();
    const timer = setTimeout(() => {
      this.retired.delete(client);
      client.dispose();
    }, RETIRE_AFTER_MS);
    timer.unref?.();
    this.retired.set(client, timer);
  }

  reportMissingKey(preset: ProviderPreset): void {
    const set = vscode.l10n.t('Set API Key');
    void vscode.window
      .showWarningMessage(
        vscode.l10n.t('No API key for {0}. Set one to start using Qwen (nothing was sent).', preset.label),
        set,
      )
      .then((a) => a === set && vscode.commands.executeCommand(Commands.setApiKey));
  }

  /**
   * HTTPS always; plain http to loopback always (local servers); plain http elsewhere only after the
   * user agreed for that host, since the key would cross the network unencrypted.
   */
  private async transportAllowed(baseUrl: string, interactive: boolean): Promise<boolean> {
    const verdict = checkTransport(baseUrl);
    if (verdict.ok) return true;
    const approved = this.context.globalState.get<string[]>(APPROVED_HTTP_HOSTS, []);
    if (approved.includes(verdict.host)) return true;
    if (!interactive) return false;
    const allow = vscode.l10n.t('Allow for {0}', verdict.host);
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} uses plain http: your API key and code would travel unencrypted to {1}. Send anyway?', baseUrl, verdict.host),
      { modal: true },
      allow,
    );
    if (choice !== allow) return false;
    await this.context.globalState.update(APPROVED_HTTP_HOSTS, [...approved, verdict.host]);
    return true;
  }
}

export function isUnavailable(x: ClientContext | ClientUnavailable): x is ClientUnavailable {
  return 'unavailable' in x;
}

/** How long a list may take before it is taken as empty. */
const LIST_TIMEOUT_MS = 5000;
/** After a failed or empty list, the server is asked again only after this long: it may have been started since. */
const EMPTY_RETRY_MS = 30_000;

/**
 * The active custom server's models, as a list that never fails and never waits long. The fetch is
 * the client's listModels, whose list every client of the same provider and address shares (the
 * chat's picker reads the same one): storing a key fetches nothing. A server that failed or listed
 * nothing is asked again after a pause, not at every look.
 */
export class ServerModels {
  private empty?: { key: string; at: number };

  constructor(private readonly services: Services) {}

  async list(): Promise<string[]> {
    const settings = this.services.settings();
    const key = `${settings.provider}\n${settings.baseUrl}`;
    if (this.empty?.key === key && Date.now() - this.empty.at < EMPTY_RETRY_MS) return [];
    let ids: string[] = [];
    try {
      const cc = await this.services.client({ interactive: false });
      if (!isUnavailable(cc)) ids = (await cc.client.listModels({ signal: AbortSignal.timeout(LIST_TIMEOUT_MS) })).slice(0, 200);
    } catch (e) {
      this.services.log.debug(`the server's model list is unavailable: ${String((e as Error)?.message ?? e)}`);
    }
    this.empty = ids.length ? undefined : { key, at: Date.now() };
    return ids;
  }
}
