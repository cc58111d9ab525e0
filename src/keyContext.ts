// The `qwen.hasApiKey` context key: true while a key for the active provider is stored (or set in
// its environment variable). The walkthrough's key step completes on it (`onContext:`), so it must
// follow Set and Clear API Key and a change of provider. Reads the key store only: no core, no request.
import * as vscode from 'vscode';
import { ContextKeys, Settings } from './constants';
import { activePreset, readSettings } from './config';
import type { KeyStore } from './secrets';

export class KeyContext implements vscode.Disposable {
  /** what was last given to setContext (undefined before the first check ends) */
  value: boolean | undefined;
  private seq = 0;
  private latest: Promise<void> = Promise.resolve();
  private readonly subs: vscode.Disposable[];

  constructor(private readonly keys: KeyStore) {
    this.subs = [
      keys.onDidChange(() => void this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${Settings.section}.${Settings.provider}`) && void this.refresh()),
    ];
    void this.refresh();
  }

  /** Checks the key store again; a later check wins over an earlier one that ends after it. */
  refresh(): Promise<void> {
    const n = ++this.seq;
    this.latest = (async () => {
      const preset = activePreset(readSettings());
      let has = false;
      try {
        has = (await this.keys.get(preset.id, preset.envVar)).source !== 'none';
      } catch {
        has = false; // no keyring: the commands say so when used
      }
      if (n !== this.seq) return;
      this.value = has;
      await vscode.commands.executeCommand('setContext', ContextKeys.hasApiKey, has);
    })();
    return this.latest;
  }

  /** Resolves once the latest check (and any started while waiting) has ended. */
  async settled(): Promise<void> {
    for (let seen: Promise<void> | undefined; seen !== this.latest; ) await (seen = this.latest);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
