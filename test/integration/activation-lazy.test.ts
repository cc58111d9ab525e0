// Activation loads only out/extension.js; the rest (out/core.js) loads at the first use. Runs first
// in the suite (file order), before any other test has used the extension.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PROVIDERS } from '../../src/qwen/providers';
import { activateQwen } from './helpers';

const qwenCommands = async () => (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('qwen.')).sort();

describe('activation: the core loads on first use', () => {
  it("vscode.lm lists a preset's models from the catalog without loading the core", async function () {
    const api = await activateQwen();
    if (api.coreLoaded) this.skip(); // another suite ran first in this host (QWEN_TEST_SUITE order)
    const models = await vscode.lm.selectChatModels({ vendor: 'qwen' });
    assert.deepEqual(models.map((m) => m.id), PROVIDERS['dashscope-intl'].models, 'the default provider\'s models');
    assert.equal(api.coreLoaded, false, 'listing them needed no core');
  });

  it('registers a stand-in for every command the core has, and a stand-in runs the real command', async function () {
    const api = await activateQwen();
    if (api.coreLoaded) this.skip(); // another suite ran first in this host (QWEN_TEST_SUITE order)
    const before = await qwenCommands();
    // The stand-in loads the core and runs the real command with the same arguments: its result
    // is the core's (no pending edits yet), not the stand-in's.
    const pending = await vscode.commands.executeCommand('qwen.internal.pendingEdits');
    assert.equal(api.coreLoaded, true, 'running a command loaded the core');
    assert.deepEqual(pending, []);
    assert.deepEqual(await qwenCommands(), before, 'the core registered exactly the commands that had stand-ins');
    assert.ok(api.logLines().some((l) => /Loaded the rest of Qwen Coder in [\d.]+ ms \(first use: qwen\.internal\.pendingEdits\)/.test(l)));
  });
});
