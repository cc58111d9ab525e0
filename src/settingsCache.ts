// Qwen's settings and VS Code's proxy settings, read once and kept until a setting or the
// workspace's trust changes. Every request read them again: a dozen `inspect` calls, about a
// millisecond of the extension host in front of each request. Built first in activate(), so its
// listener runs before any other that reads settings when they change.
import * as vscode from 'vscode';
import { Settings } from './constants';
import { readProxySettings, readSettings, type ProxySettings, type QwenSettings } from './config';

export class SettingsCache implements vscode.Disposable {
  private qwen: Readonly<QwenSettings> | undefined;
  private proxy: Readonly<ProxySettings> | undefined;
  private readonly subs: vscode.Disposable[];

  constructor() {
    this.subs = [
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(Settings.section) || e.affectsConfiguration('http')) this.forget();
      }),
      // Restricted settings read the workspace's values only once it is trusted.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.forget()),
    ];
  }

  settings(): Readonly<QwenSettings> {
    return (this.qwen ??= Object.freeze(readSettings()));
  }

  proxySettings(): Readonly<ProxySettings> {
    return (this.proxy ??= Object.freeze(readProxySettings()));
  }

  forget(): void {
    this.qwen = this.proxy = undefined;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
