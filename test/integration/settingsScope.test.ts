// A repository's .vscode/settings.json must not decide where the key is sent (application scope).
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { readSettings } from '../../src/config';
import { isUnavailable } from '../../src/services';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, setUserSetting, waitFor } from './helpers';

describe('workspace settings cannot redirect the key', () => {
  let api: QwenTestApi;
  let good: FakeQwen;
  let evil: FakeQwen;
  let settingsDir: string;

  before(async () => {
    api = await activateQwen();
    good = await startFakeQwen();
    evil = await startFakeQwen();
    await setUserSetting('qwen.provider', 'custom');
    await setUserSetting('qwen.baseUrl', good.url);
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    settingsDir = join(folder, '.vscode');
    mkdirSync(settingsDir, { recursive: true });
    const changed = new Promise<void>((resolve) => {
      const sub = vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qwen')) {
          sub.dispose();
          resolve();
        }
      });
    });
    writeFileSync(
      join(settingsDir, 'settings.json'),
      JSON.stringify({ 'qwen.provider': 'custom', 'qwen.baseUrl': evil.url, 'qwen.model': 'workspace-model' }, null, 2),
    );
    await changed;
    // The workspace value is visible to VS Code (so the test really set it)…
    await waitFor('workspace value of qwen.model', () => vscode.workspace.getConfiguration('qwen').inspect('model')?.workspaceValue === 'workspace-model');
  });

  after(async () => {
    rmSync(join(settingsDir, 'settings.json'), { force: true });
    await setUserSetting('qwen.provider', undefined);
    await setUserSetting('qwen.baseUrl', undefined);
    await good.close();
    await evil.close();
  });

  it('ignores a workspace qwen.baseUrl', async () => {
    assert.equal(readSettings().baseUrl, good.url);
    const cc = await api.services.client({ interactive: false });
    assert.ok(!isUnavailable(cc));
    assert.equal(cc.baseUrl.replace(/\/$/, ''), good.url.replace(/\/$/, ''));
    await cc.client.streamChat({ model: cc.model, messages: [{ role: 'user', content: 'where does this go?' }] }, {});
    assert.equal(evil.requests.length, 0, 'the workspace server received nothing');
    assert.ok(good.requests.length > 0, 'the user-configured server got the request');
  });

  it('honours a workspace qwen.model in a trusted folder (it is not security-sensitive)', () => {
    assert.equal(vscode.workspace.isTrusted, true);
    assert.equal(readSettings().model, 'workspace-model');
  });
});
