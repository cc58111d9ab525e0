import * as vscode from 'vscode';
import { Settings } from './constants';
import { PROVIDERS, type ProviderPreset } from './qwen/providers';
import { PROVIDER_IDS, type ProviderId } from './qwen/types';

export interface QwenSettings {
  provider: ProviderId;
  /** '' = the preset's URL */
  baseUrl: string;
  /** '' = the provider's default model */
  model: string;
  completionsEnabled: boolean;
  completionsModel: string;
  completionsDebounceMs: number;
  maxRetries: number;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
}

export interface ProxySettings {
  proxy?: string;
  noProxy?: string[];
  strictSSL: boolean;
}

/**
 * Settings that decide where the key goes are read from the user's own settings only.
 * VS Code already ignores workspace values of `application` settings; reading `globalValue`
 * keeps that true even if a future scope change or a policy slipped through.
 */
function userOnly<T>(cfg: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const i = cfg.inspect<T>(key);
  return i?.globalValue ?? i?.defaultValue;
}

/** Restricted settings (package.json `restrictedConfigurations`) ignore the workspace in untrusted folders. */
function trustedOrUser<T>(cfg: vscode.WorkspaceConfiguration, key: string): T | undefined {
  if (vscode.workspace.isTrusted) return cfg.get<T>(key);
  return userOnly<T>(cfg, key);
}

function num(v: unknown, fallback: number, min: number, max: number): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

export function readSettings(): QwenSettings {
  const cfg = vscode.workspace.getConfiguration(Settings.section);
  const rawProvider = userOnly<string>(cfg, Settings.provider);
  const provider = (PROVIDER_IDS as readonly string[]).includes(rawProvider ?? '') ? (rawProvider as ProviderId) : 'dashscope-intl';
  const baseUrl = String(userOnly<string>(cfg, Settings.baseUrl) ?? '').trim();
  return {
    provider,
    baseUrl,
    model: String(trustedOrUser<string>(cfg, Settings.model) ?? '').trim(),
    completionsEnabled: vscode.workspace.isTrusted && trustedOrUser<boolean>(cfg, Settings.completionsEnabled) === true,
    completionsModel: String(trustedOrUser<string>(cfg, Settings.completionsModel) ?? '').trim(),
    completionsDebounceMs: num(cfg.get(Settings.completionsDebounceMs), 150, 0, 5000),
    maxRetries: num(userOnly(cfg, Settings.maxRetries), 3, 0, 10),
    firstByteTimeoutMs: num(userOnly(cfg, Settings.firstByteTimeoutSeconds), 60, 1, 600) * 1000,
    idleTimeoutMs: num(userOnly(cfg, Settings.idleTimeoutSeconds), 60, 1, 600) * 1000,
  };
}

/** VS Code's own proxy settings, so the client goes where the rest of the editor goes. */
export function readProxySettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = userOnly<string>(http, 'proxy')?.trim();
  const noProxy = userOnly<string[]>(http, 'noProxy');
  return {
    proxy: proxy || undefined,
    noProxy: Array.isArray(noProxy) && noProxy.length ? noProxy : undefined,
    strictSSL: userOnly<boolean>(http, 'proxyStrictSSL') !== false,
  };
}

export function affectsQwen(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(Settings.section) || e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.noProxy');
}

// The provider preset and the model the settings name. Nothing here loads the client, so the
// status bar can show them from activation on.

export function activePreset(settings: QwenSettings = readSettings()): ProviderPreset {
  return PROVIDERS[settings.provider];
}

/** The model id for chat and commands: qwen.model, else the provider's default. */
export function activeModel(settings: QwenSettings = readSettings()): string {
  return settings.model || PROVIDERS[settings.provider].defaultModel;
}
