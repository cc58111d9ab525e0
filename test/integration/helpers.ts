// Shared by the integration suites that run inside the real extension host.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from '../../src/constants';
import type { QwenTestApi } from '../../src/extension';
import { startFakeQwen, type FakeQwen, type FakeQwenOptions } from '../fake-qwen/server';

export async function activateQwen(): Promise<QwenTestApi> {
  const ext = vscode.extensions.getExtension<QwenTestApi | undefined>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const api = await ext.activate();
  assert.ok(api, 'activate() returns the test API in test mode');
  return api;
}

type Fn = (...args: never[]) => unknown;

/**
 * Replaces a vscode.window function for one test. The test files live inside the extension under
 * test, so they share its `vscode` API object: the extension calls the replacement.
 */
export function stubWindow<K extends keyof typeof vscode.window>(name: K, impl: (typeof vscode.window)[K] extends Fn ? (...args: Parameters<(typeof vscode.window)[K]>) => unknown : never): () => void {
  const w = vscode.window as unknown as Record<string, unknown>;
  const original = w[name];
  w[name] = impl;
  return () => {
    w[name] = original;
  };
}

/** Records the messages the extension shows, by kind, and restores the originals on `dispose`. */
export function captureMessages(): { info: string[]; warn: string[]; error: string[]; dispose(): void } {
  const info: string[] = [];
  const warn: string[] = [];
  const error: string[] = [];
  const restore = [
    stubWindow('showInformationMessage', ((m: string) => { info.push(m); return Promise.resolve(undefined); }) as never),
    stubWindow('showWarningMessage', ((m: string) => { warn.push(m); return Promise.resolve(undefined); }) as never),
    stubWindow('showErrorMessage', ((m: string) => { error.push(m); return Promise.resolve(undefined); }) as never),
  ];
  return { info, warn, error, dispose: () => restore.forEach((r) => r()) };
}

export async function setUserSetting(key: string, value: unknown): Promise<void> {
  const dot = key.indexOf('.');
  await vscode.workspace.getConfiguration(key.slice(0, dot)).update(key.slice(dot + 1), value, vscode.ConfigurationTarget.Global);
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let opened = 0;

/** A new file under `folder` of the workspace with `text`, open in an editor (each call a new name). */
export async function openNewFile(folder: string, text: string, ext = 'py'): Promise<vscode.TextEditor> {
  const root = vscode.workspace.workspaceFolders![0]!.uri;
  const uri = vscode.Uri.joinPath(root, folder, `case${++opened}.${ext}`);
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The fake server as the user's provider for one suite: `custom` at its address, qwen3-coder-plus. */
export async function useFakeQwen(opts?: FakeQwenOptions): Promise<FakeQwen> {
  const server = await startFakeQwen(opts);
  await setUserSetting('qwen.provider', 'custom');
  await setUserSetting('qwen.baseUrl', server.url);
  await setUserSetting('qwen.model', 'qwen3-coder-plus');
  return server;
}

/** Puts the provider settings back and closes the server. */
export async function stopFakeQwen(server: FakeQwen): Promise<void> {
  for (const k of ['qwen.provider', 'qwen.baseUrl', 'qwen.model']) await setUserSetting(k, undefined);
  await server.close();
}

/**
 * After an edit test: its own cleanups, every pending edit rejected, nothing left dirty or open
 * for the suites that run after it.
 */
export async function endEditTest(cleanups: Array<() => unknown>): Promise<void> {
  while (cleanups.length) await cleanups.pop()!();
  const pending = (await vscode.commands.executeCommand<Array<{ uri: string }>>('qwen.internal.pendingEdits')) ?? [];
  for (const s of pending) await vscode.commands.executeCommand('qwen.rejectEdit', s.uri);
  for (const doc of vscode.workspace.textDocuments) if (doc.isDirty && doc.uri.scheme === 'file') await doc.save();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
