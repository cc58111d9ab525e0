import * as vscode from 'vscode';
import { SECRET_PREFIX } from './constants';
import type { ProviderId } from './qwen/types';

/** The part of vscode.SecretStorage we use; tests inject a failing one. */
export interface SecretBackend {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
  /** SecretStorage's own event: a key changed, in this window or another */
  onDidChange?: vscode.Event<{ key: string }>;
}

/** SecretStorage itself failed (typically: no keyring on Linux). Never falls back to plaintext. */
export class SecretStoreUnavailableError extends Error {
  constructor(readonly operation: 'read' | 'store' | 'delete', cause: unknown) {
    super(
      operation === 'store'
        ? vscode.l10n.t('Your API key was not saved: VS Code could not reach the system keyring. Install and unlock a keyring (for example gnome-keyring or KWallet), or set the key in an environment variable instead.')
        : vscode.l10n.t('VS Code could not read your API key from the system keyring. Install and unlock a keyring (for example gnome-keyring or KWallet), or set the key in an environment variable instead.'),
    );
    this.name = 'SecretStoreUnavailableError';
    // Keep the cause for the log, but never its text in `message` (it may echo the value).
    (this as { cause?: unknown }).cause = cause;
  }
}

export type KeySource = 'secret' | 'env' | 'none';

export interface ResolvedKey {
  key?: string;
  source: KeySource;
  envVar?: string;
}

/** One secret per provider, with the provider's environment variable as the fallback (README, "Configure a key"). */
export class KeyStore {
  private readonly changed = new vscode.EventEmitter<ProviderId>();
  readonly onDidChange = this.changed.event;
  /**
   * What the secret store holds per provider (undefined: nothing), once read. Reading SecretStorage
   * is a round trip to the workbench (about 10 ms) that every request would otherwise pay before
   * it is sent; the store's change event (any window) and our own writes keep this current.
   */
  private readonly cache = new Map<ProviderId, string | undefined>();
  /** bumped on every change of a provider's secret: a read that started before one is not cached */
  private readonly generation = new Map<ProviderId, number>();
  private watching: vscode.Disposable | undefined;
  /** bumped when the store itself is replaced */
  private epoch = 0;

  constructor(
    private backend: SecretBackend,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly remember: (secret: string) => void = () => undefined,
  ) {
    this.watch();
  }

  /** Tests swap in a failing store to prove the error path. */
  setBackend(backend: SecretBackend): void {
    this.backend = backend;
    this.cache.clear();
    // A read still in flight from the old store must not fill the cache for the new one.
    this.epoch++;
    this.watch();
  }

  private watch(): void {
    this.watching?.dispose();
    this.watching = this.backend.onDidChange?.((e) => {
      if (!e.key.startsWith(SECRET_PREFIX)) return;
      const provider = e.key.slice(SECRET_PREFIX.length) as ProviderId;
      this.forget(provider);
      this.changed.fire(provider);
    });
  }

  private forget(provider: ProviderId): void {
    this.cache.delete(provider);
    this.generation.set(provider, (this.generation.get(provider) ?? 0) + 1);
  }

  private async readStored(provider: ProviderId): Promise<string | undefined> {
    if (this.cache.has(provider)) return this.cache.get(provider);
    const gen = this.generation.get(provider) ?? 0;
    const epoch = this.epoch;
    const stored = await this.backend.get(SECRET_PREFIX + provider);
    if ((this.generation.get(provider) ?? 0) === gen && this.epoch === epoch) this.cache.set(provider, stored);
    return stored;
  }

  async get(provider: ProviderId, envVar: string): Promise<ResolvedKey> {
    let stored: string | undefined;
    try {
      stored = await this.readStored(provider);
    } catch (e) {
      const fromEnv = this.env[envVar];
      // A broken keyring should not block a user who exported the variable.
      if (fromEnv) {
        this.remember(fromEnv);
        return { key: fromEnv, source: 'env', envVar };
      }
      throw new SecretStoreUnavailableError('read', e);
    }
    if (stored) {
      this.remember(stored);
      return { key: stored, source: 'secret' };
    }
    const fromEnv = this.env[envVar]?.trim();
    if (fromEnv) {
      this.remember(fromEnv);
      return { key: fromEnv, source: 'env', envVar };
    }
    return { source: 'none', envVar };
  }

  async set(provider: ProviderId, key: string): Promise<void> {
    this.remember(key);
    this.forget(provider);
    try {
      await this.backend.store(SECRET_PREFIX + provider, key);
    } catch (e) {
      throw new SecretStoreUnavailableError('store', e);
    }
    this.forget(provider);
    this.changed.fire(provider);
  }

  async delete(provider: ProviderId): Promise<void> {
    this.forget(provider);
    try {
      await this.backend.delete(SECRET_PREFIX + provider);
    } catch (e) {
      throw new SecretStoreUnavailableError('delete', e);
    }
    this.forget(provider);
    this.changed.fire(provider);
  }

  dispose(): void {
    this.watching?.dispose();
    this.changed.dispose();
  }
}
