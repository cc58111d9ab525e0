// An agent task in a folder opened in Restricted Mode: no shell tool is offered at all, and an edit
// still waits for review even when the user turned auto-approval on.
import * as assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FakeQwen, ScenarioContext } from '../fake-qwen/server';
import { dashscopeStream } from '../fake-qwen/sse';
import { toolCallStream } from '../fake-qwen/toolCalls';
import type { ToolCallPart } from '../../src/protocol/messages';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, setUserSetting, stopFakeQwen, useFakeQwen, waitFor } from './helpers';

describe('agent in an untrusted folder', function () {
  this.timeout(60_000);
  let api: QwenTestApi;
  let server: FakeQwen;

  before(async () => {
    api = await activateQwen();
    server = await useFakeQwen();
    await setUserSetting('files.autoSave', 'off');
    await setUserSetting('qwen.agent.autoApproveEdits', true);
  });
  after(async () => {
    api.chat.setMode('ask');
    await setUserSetting('qwen.agent.autoApproveEdits', undefined);
    await setUserSetting('files.autoSave', undefined);
    await stopFakeQwen(server);
  });

  it('offers no run_shell_command, refuses one the model calls anyway, and still asks before an edit', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const file = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, 'agent-untrusted.txt');
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode('one\n'));
    let n = 0;
    server.setScenario(async (ctx: ScenarioContext) => {
      const steps = [
        () => toolCallStream([{ name: 'run_shell_command', args: '{"command":"echo pwned > pwned.txt"}' }]),
        () => toolCallStream([{ name: 'edit', args: JSON.stringify({ file_path: 'agent-untrusted.txt', old_string: 'one', new_string: 'two' }) }]),
        () => dashscopeStream('qwen3-coder-plus', 'Done.'),
      ];
      await ctx.sse(steps[Math.min(n++, 2)]!());
    });
    const task = Promise.resolve(vscode.commands.executeCommand('qwen.newAgentTask', 'try things'));
    const rows = () => api.chat.turns().at(-1)?.parts.filter((p): p is ToolCallPart => p.kind === 'toolCall') ?? [];
    await waitFor('the edit waiting for review', () => rows().some((r) => r.name === 'edit' && r.status === 'pending'), 20_000);
    assert.equal(readFileSync(file, 'utf8'), 'one\n', 'auto-approval does not apply in Restricted Mode');
    await vscode.commands.executeCommand('qwen.agent.deny');
    await task;
    const first = server.requests.filter((r) => r.method === 'POST')[0]!;
    const offered = first.body.tools.map((t: { function: { name: string } }) => t.function.name);
    assert.ok(!offered.includes('run_shell_command'), `offered: ${offered}`);
    assert.ok(offered.includes('read_file') && offered.includes('edit'));
    assert.equal(rows()[0]!.status, 'error');
    assert.match(rows()[0]!.result ?? '', /not available/);
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.throws(() => readFileSync(join(root, 'pwned.txt')));
    rmSync(file, { force: true });
  });
});
