// Agent tasks in the real extension host, started with Qwen: New Agent Task against the fake
// server's scripted tool calls: what reaches the disk and when, what the user typed meanwhile, what
// runs only after approval and what the model is told, and Undo Agent Task.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FakeQwen, ScenarioContext } from '../fake-qwen/server';
import { dashscopeStream } from '../fake-qwen/sse';
import { toolCallStream, type ScriptedCall } from '../fake-qwen/toolCalls';
import type { ToolCallPart } from '../../src/protocol/messages';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, captureMessages, endEditTest, setUserSetting, stopFakeQwen, useFakeQwen, waitFor } from './helpers';

const root = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;

describe('agent tasks', function () {
  this.timeout(60_000);
  let api: QwenTestApi;
  let server: FakeQwen;
  const cleanups: Array<() => unknown> = [];

  before(async () => {
    api = await activateQwen();
    server = await useFakeQwen();
    // VS Code for the web saves after a delay by default; desktop does not. These tests decide
    // what reaches the disk, so nothing may be saved behind their back.
    await setUserSetting('files.autoSave', 'off');
  });
  after(async () => {
    await setUserSetting('qwen.agent.autoApproveEdits', undefined);
    await setUserSetting('qwen.agent.autoApproveCommands', undefined);
    await setUserSetting('files.autoSave', undefined);
    await stopFakeQwen(server);
  });
  beforeEach(() => server.reset());
  afterEach(async () => {
    await vscode.commands.executeCommand('qwen.stop');
    // New Agent Task leaves the composer in Agent mode, as a user would see it; the suites after
    // this one ask questions.
    api.chat.setMode('ask');
    await endEditTest(cleanups);
  });

  /** One scripted answer per request, in order: calls, or a final text. */
  function script(...steps: Array<ScriptedCall[] | string>) {
    let n = 0;
    server.setScenario(async (ctx: ScenarioContext) => {
      const s = steps[Math.min(n++, steps.length - 1)]!;
      await ctx.sse(typeof s === 'string' ? dashscopeStream('qwen3-coder-plus', s) : toolCallStream(s));
    });
  }

  /** Written through VS Code's file system, so its view of the file is current before the task starts. */
  async function fixture(rel: string, text: string): Promise<string> {
    const file = join(root(), rel);
    await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(text));
    cleanups.push(() => rmSync(file, { force: true }));
    return file;
  }

  const lastTurn = () => api.chat.turns().at(-1)!;
  const rowsNow = () => api.chat.turns().at(-1)?.parts.filter((p): p is ToolCallPart => p.kind === 'toolCall') ?? [];
  const rows = () => lastTurn().parts.filter((p): p is ToolCallPart => p.kind === 'toolCall');
  const posts = () => server.requests.filter((r) => r.method === 'POST');
  const toolResults = (i: number): string[] =>
    posts()[i]!.body.messages.filter((m: any) => m.role === 'tool').map((m: any) => (Array.isArray(m.content) ? m.content.map((p: any) => p.text).join('') : m.content));
  const start = (task: string) => {
    const done = Promise.resolve(vscode.commands.executeCommand('qwen.newAgentTask', task));
    return done;
  };
  const pendingEdits = async () => (await vscode.commands.executeCommand<Array<{ uri: string; proposalText?: string }>>('qwen.internal.pendingEdits')) ?? [];

  it('reads, proposes an edit that touches the disk only on Accept (then saved), runs a command only after approval, and the model gets each result', async () => {
    const file = await fixture('agent/calc.js', 'function add(a, b) {\n  return a - b;\n}\nmodule.exports = { add };\n');
    const marker = join(root(), 'agent', 'ran.txt');
    cleanups.push(() => rmSync(marker, { force: true }));
    const cmd = `node -e "require('fs').writeFileSync('ran.txt', String(require('./calc.js').add(2, 3))); console.log('sum is', require('./calc.js').add(2, 3))"`;
    script(
      [{ name: 'read_file', args: JSON.stringify({ file_path: 'agent/calc.js' }) }],
      [{ name: 'edit', args: JSON.stringify({ file_path: 'agent/calc.js', old_string: 'return a - b;', new_string: 'return a + b;' }) }],
      [{ name: 'run_shell_command', args: JSON.stringify({ command: cmd, directory: 'agent' }) }],
      'Fixed `add` and checked it.',
    );
    const task = start('fix add in agent/calc.js');

    // the edit waits as a pending diff; the disk is untouched
    await waitFor('the pending edit', async () => (await pendingEdits()).length === 1 && rowsNow().at(-1)?.status === 'pending', 15_000);
    assert.equal(readFileSync(file, 'utf8'), 'function add(a, b) {\n  return a - b;\n}\nmodule.exports = { add };\n');
    assert.ok(api.services.streams.isStreaming, 'Stop stays available while the task waits');
    await vscode.commands.executeCommand('qwen.agent.approve');

    // accepted: written and saved, so the command that runs next sees it
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file)!;
    await waitFor('the saved edit', () => readFileSync(file, 'utf8').includes('a + b') && !doc.isDirty, 10_000);

    // the command waits for approval and has not run
    await waitFor('the command row', () => rowsNow().some((r) => r.name === 'run_shell_command' && r.status === 'pending'), 10_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(existsSync(marker), false, 'nothing runs before approval');
    await vscode.commands.executeCommand('qwen.agent.approve');
    await task;

    assert.equal(readFileSync(marker, 'utf8'), '5');
    assert.equal(lastTurn().status, 'done');
    assert.equal(lastTurn().answer.trim().endsWith('Fixed `add` and checked it.'), true);
    assert.deepEqual(rows().map((r) => [r.name, r.status]), [['read_file', 'done'], ['edit', 'done'], ['run_shell_command', 'done']]);
    const results = toolResults(3);
    assert.match(results[0]!, /return a - b;/);
    assert.match(results[2]!, /sum is 5/);
    assert.match(results[2]!, /exit code:? 0/i);
  });

  it('Reject (Reject Edit from another editor) leaves the file untouched and the model is told; typing while the edit waits loses nothing', async () => {
    const file = await fixture('agent/keep.js', 'const x = 1;\nconst y = 2;\n');
    script([{ name: 'edit', args: JSON.stringify({ file_path: 'agent/keep.js', old_string: 'const y = 2;', new_string: 'const y = 3;' }) }], 'OK, leaving it.');
    const task = start('change y');
    await waitFor('the pending edit', async () => (await pendingEdits()).length === 1 && rowsNow().at(-1)?.status === 'pending', 15_000);
    // the user types in the same file meanwhile
    const doc = await vscode.workspace.openTextDocument(file);
    const we = new vscode.WorkspaceEdit();
    we.insert(doc.uri, new vscode.Position(0, 0), '// mine\n');
    assert.ok(await vscode.workspace.applyEdit(we));
    // Reject Edit from an editor that has no proposal of its own acts on the task's waiting edit.
    const other = await fixture('agent/other.txt', 'unrelated\n');
    await vscode.window.showTextDocument(vscode.Uri.file(other));
    await vscode.commands.executeCommand('qwen.rejectEdit');
    await task;
    assert.equal(doc.getText(), '// mine\nconst x = 1;\nconst y = 2;\n', 'the typing is kept, the edit is not applied');
    assert.equal(readFileSync(file, 'utf8'), 'const x = 1;\nconst y = 2;\n', 'nothing was written to disk');
    assert.equal(rows()[0]!.status, 'denied');
    assert.match(toolResults(1)[0]!, /reject|declin/i);
  });

  it('a skipped command never runs and the model is told', async () => {
    const marker = join(root(), 'skipped.txt');
    cleanups.push(() => rmSync(marker, { force: true }));
    script([{ name: 'run_shell_command', args: JSON.stringify({ command: `node -e "require('fs').writeFileSync('skipped.txt','x')"` }) }], 'Fine.');
    const task = start('make a file');
    await waitFor('the command row', () => rowsNow().some((r) => r.status === 'pending'), 15_000);
    await vscode.commands.executeCommand('qwen.agent.deny');
    await task;
    assert.equal(existsSync(marker), false);
    assert.match(toolResults(1)[0]!, /declined/i);
  });

  it('Stop while a command waits denies it and ends the task', async () => {
    script([{ name: 'run_shell_command', args: '{"command":"echo hi"}' }], 'never');
    const task = start('say hi');
    await waitFor('the command row', () => rowsNow().some((r) => r.status === 'pending'), 15_000);
    await vscode.commands.executeCommand('qwen.stop');
    await task;
    assert.equal(lastTurn().status, 'stopped');
    assert.equal(rows()[0]!.status, 'denied');
    assert.equal(posts().length, 1);
    assert.equal(api.services.streams.isStreaming, false);
  });

  it('Undo Agent Task restores two edited files and deletes a created one, keeping what the user typed since', async () => {
    await setUserSetting('qwen.agent.autoApproveEdits', true);
    cleanups.push(() => setUserSetting('qwen.agent.autoApproveEdits', undefined));
    const a = await fixture('agent/a.txt', 'alpha\none\n');
    const b = await fixture('agent/b.txt', 'beta\ntwo\nthree\nfour\nfive\n');
    const c = join(root(), 'agent', 'c.txt');
    cleanups.push(() => rmSync(c, { force: true }));
    script(
      [{ name: 'edit', args: JSON.stringify({ file_path: 'agent/a.txt', old_string: 'one', new_string: 'ONE' }) }],
      [{ name: 'edit', args: JSON.stringify({ file_path: 'agent/b.txt', old_string: 'five', new_string: 'FIVE' }) }],
      [{ name: 'write_file', args: JSON.stringify({ file_path: 'agent/c.txt', content: 'new file\n' }) }],
      'Done.',
    );
    await start('shout');
    assert.equal(readFileSync(a, 'utf8'), 'alpha\nONE\n');
    assert.equal(readFileSync(b, 'utf8'), 'beta\ntwo\nthree\nfour\nFIVE\n');
    assert.equal(readFileSync(c, 'utf8'), 'new file\n');
    // the user edits b far from the agent's change
    const docB = await vscode.workspace.openTextDocument(b);
    const we = new vscode.WorkspaceEdit();
    we.replace(docB.uri, new vscode.Range(0, 0, 0, 4), 'BETA');
    assert.ok(await vscode.workspace.applyEdit(we));
    await docB.save();

    const messages = captureMessages();
    try {
      await vscode.commands.executeCommand('qwen.agent.undoTask');
    } finally {
      messages.dispose();
    }
    assert.equal(readFileSync(a, 'utf8'), 'alpha\none\n');
    assert.equal(readFileSync(b, 'utf8'), 'BETA\ntwo\nthree\nfour\nfive\n');
    assert.equal(existsSync(c), false);
  });
});
