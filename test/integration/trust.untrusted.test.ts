// Runs with the folder opened in Restricted Mode (QWEN_TEST_TRUST=untrusted).
import * as assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { readSettings } from '../../src/config';
import { isUnavailable } from '../../src/services';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, setUserSetting, waitFor } from './helpers';

describe('untrusted folder', () => {
  let api: QwenTestApi;
  let server: FakeQwen;
  let settingsFile: string;

  before(async () => {
    api = await activateQwen();
    server = await startFakeQwen();
    await setUserSetting('qwen.provider', 'custom');
    await setUserSetting('qwen.baseUrl', server.url);
    await setUserSetting('qwen.model', 'user-chosen-model');
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    mkdirSync(join(folder, '.vscode'), { recursive: true });
    settingsFile = join(folder, '.vscode', 'settings.json');
    // qwen.completions.debounceMs is not restricted: once its workspace value shows, VS Code has read the file.
    writeFileSync(settingsFile, JSON.stringify({ 'qwen.model': 'workspace-chosen-model', 'qwen.completions.enabled': true, 'qwen.completions.debounceMs': 777 }));
    await waitFor('workspace settings loaded', () => vscode.workspace.getConfiguration('qwen').inspect('completions.debounceMs')?.workspaceValue === 777, 10_000);
  });

  after(async () => {
    rmSync(settingsFile, { force: true });
    await setUserSetting('qwen.provider', undefined);
    await setUserSetting('qwen.baseUrl', undefined);
    await setUserSetting('qwen.model', undefined);
    await server.close();
  });

  it('really is untrusted, and the extension still activates', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.ok(api.services);
  });

  it('ignores the folder\'s qwen.model and qwen.completions.enabled', async () => {
    const s = readSettings();
    assert.equal(s.model, 'user-chosen-model', 'the workspace model is ignored; the user\'s applies');
    assert.equal(s.completionsEnabled, false, 'ghost text stays off');
    const cc = await api.services.client({ interactive: false });
    assert.ok(!isUnavailable(cc));
    await cc.client.streamChat({ model: cc.model, messages: [{ role: 'user', content: 'hi' }] }, {});
    const body = server.requests.at(-1)!.body as { model: string };
    assert.equal(body.model, 'user-chosen-model');
  });
});
