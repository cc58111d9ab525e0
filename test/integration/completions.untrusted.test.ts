// Ghost text in Restricted Mode: whatever the user and the folder say, no provider is registered,
// nothing is sent, and the switch explains why instead of turning anything on.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { QwenTestApi } from '../../src/extension';
import { completionScenario } from '../fake-qwen/fim';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { activateQwen, captureMessages, setUserSetting } from './helpers';

describe('ghost-text completions in an untrusted folder', () => {
  let api: QwenTestApi;
  let server: FakeQwen;

  before(async () => {
    api = await activateQwen();
    server = await startFakeQwen();
    await setUserSetting('qwen.provider', 'custom');
    await setUserSetting('qwen.baseUrl', server.url);
    await setUserSetting('qwen.completions.debounceMs', 0);
    await setUserSetting('qwen.completions.enabled', true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const k of ['qwen.completions.enabled', 'qwen.completions.debounceMs', 'qwen.provider', 'qwen.baseUrl']) await setUserSetting(k, undefined);
    await server.close();
  });

  it('stay off even when the user turned them on: nothing registered, nothing sent', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    assert.equal(api.completions.registered, false);
    server.setScenario(completionScenario(() => 'return 1;'));
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, 'src/math.ts');
    const ed = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const before = ed.document.getText();
    ed.selection = new vscode.Selection(1, 2, 1, 2);
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    await new Promise((r) => setTimeout(r, 500));
    await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
    assert.equal(ed.document.getText(), before);
    // Switching to a custom server makes VS Code list its models (vscode.lm): a GET /models, which
    // carries no code. No completion request went out.
    assert.deepEqual(server.requests.filter((r) => !(r.method === 'GET' && r.path.endsWith('/models'))), []);
    assert.match(api.completions.status.state.text, /circle-slash/);
    assert.match(api.completions.status.state.tooltip, /untrusted/);
  });

  it('the toggle says why instead of turning them on', async () => {
    const msgs = captureMessages();
    try {
      await vscode.commands.executeCommand('qwen.toggleCompletions');
      assert.equal(msgs.info.length, 1);
      assert.match(msgs.info[0]!, /untrusted/);
      assert.equal(vscode.workspace.getConfiguration('qwen').inspect<boolean>('completions.enabled')?.globalValue, true, 'the setting is left alone');
      assert.equal(api.completions.registered, false);
    } finally {
      msgs.dispose();
    }
  });
});
