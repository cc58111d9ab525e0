import * as vscode from 'vscode';
import { SECRET_PREFIX } from './constants';
import type { ProviderId } from './qwen/types';

/** The part of vscode.SecretStorage we use; tests inject a failing one. */
export interface SecretBackend {
  get(key: string): Thenable<string | undefined>;
  store(key: string, value: string): Thenable<void>;
  delete(key: string): Thenable<void>;
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

  constructor(
    private backend: SecretBackend,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly remember: (secret: string) => void = () => undefined,
  ) {}

  /** Tests swap in a failing store to prove the error path. */
  setBackend(backend: SecretBackend): void {
    this.backend = backend;
  }

  async get(provider: ProviderId, envVar: string): Promise<ResolvedKey> {
    let stored: string | undefined;
    try {
      stored = await this.backend.get(SECRET_PREFIX + provider);
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
    try {
      await this.backend.store(SECRET_PREFIX + provider, key);
    } catch (e) {
      throw new SecretStoreUnavailableError('store', e);
    }
    this.changed.fire(provider);
  }

  async delete(provider: ProviderId): Promise<void> {
    try {
      await this.backend.delete(SECRET_PREFIX + provider);
    } catch (e) {
      throw new SecretStoreUnavailableError('delete', e);
    }
    this.changed.fire(provider);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
