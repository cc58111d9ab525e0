// The agent's `edit` and `write_file` tools and Undo Agent Task in the real extension host: a
// change reaches the file on disk only when the user accepts it (then it is saved); Reject and
// Stop leave it untouched and the model is told; typing while an edit waits loses nothing; a
// secret or a path leading outside is refused with nothing written; a new file is created only
// on accept; Undo restores edited files, deletes created ones and keeps the user's later typing,
// also from a store freshly read from disk (a window reload).
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { QwenTestApi } from '../../src/extension';
import { Checkpoints } from '../../src/agent/checkpoints';
import type { ToolCallRequest, ToolOutcome, ToolRunContext } from '../../src/agent/types';
import type { ToolFacts } from '../../src/protocol/messages';
import { checkpointFiles } from '../../src/agent/vscode/checkpointStore';
import { EditTools } from '../../src/agent/vscode/editTools';
import { undoLastTask, type UndoAsk } from '../../src/agent/vscode/undoTask';
import { ContentGate } from '../../src/policy/vscode/contentGate';
import { activateQwen, captureMessages, endEditTest, waitFor } from './helpers';

describe('agent edits: edit, write_file and Undo Agent Task', function () {
  this.timeout(40_000);
  let api: QwenTestApi;
  let gate: ContentGate;
  let ws: string;
  let outside: string;
  let cpDir: string;
  let store: Checkpoints;
  let tools: EditTools;
  let autoApprove = false;
  let conversation = 'conv-1';
  let n = 0;
  const cleanups: Array<() => unknown> = [];
  const progress: Array<{ status: string; facts?: ToolFacts }> = [];

  const rel = (p: string) => `agentEdits/${p}`;
  const abs = (p: string) => join(ws, 'agentEdits', p);
  const disk = (p: string) => readFileSync(abs(p), 'utf8');
  const write = (p: string, text: string) => {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  };
  /** a fresh file under agentEdits/ with `text` on disk */
  const file = (text: string, ext = 'ts') => {
    const name = `case${++n}.${ext}`;
    write(abs(name), text);
    return name;
  };

  function ctx(taskId = 'task-1', signal = new AbortController().signal): ToolRunContext {
    return { signal, taskId, progress: (status, facts) => progress.push({ status, facts }) };
  }
  const call = (name: 'edit' | 'write_file', args: Record<string, unknown>): ToolCallRequest => ({ id: `call-${++n}`, name, args });

  /** Starts a call and waits until its proposal is shown and awaited. */
  async function proposed(c: ToolCallRequest, context = ctx()): Promise<{ result: Promise<ToolOutcome> }> {
    const before = progress.length;
    const result = tools.run(c, context);
    // a result before the proposal is shown is a failure of the test's premise: report it
    const early = await Promise.race([result, waitFor('the edit to wait for the user', () => tools.waiting() && progress.length > before, 10_000).then(() => undefined)]);
    if (early) assert.fail(`the call ended without waiting: ${JSON.stringify(early)}`);
    return { result };
  }

  before(async () => {
    api = await activateQwen();
    gate = new ContentGate();
    ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    outside = mkdtempSync(join(tmpdir(), 'qwen-agent-outside-'));
    cpDir = mkdtempSync(join(tmpdir(), 'qwen-agent-checkpoints-'));
    store = new Checkpoints(checkpointFiles(vscode.Uri.file(cpDir)));
    tools = new EditTools({
      pending: api.pending,
      gate,
      folders: () => [ws],
      checkpoints: store,
      autoApprove: () => autoApprove,
      conversationId: () => conversation,
    });
  });

  after(() => {
    gate.dispose();
    rmSync(outside, { recursive: true, force: true });
    rmSync(cpDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    autoApprove = false;
    await endEditTest(cleanups);
  });

  it('an edit leaves the file unchanged on disk until Accept Edit in its diff; then the file is saved with it', async () => {
    const name = file('const a = 1;\nconst b = 2;\nconst c = 3;\n');
    const { result } = await proposed(call('edit', { file_path: rel(name), old_string: 'const b = 2;', new_string: 'const b = 20;\nconst bb = 21;' }));
    assert.equal(progress.at(-1)?.status, 'pending');
    assert.deepEqual(progress.at(-1)?.facts, { path: rel(name), added: 2, removed: 1 });
    assert.equal(disk(name), 'const a = 1;\nconst b = 2;\nconst c = 3;\n', 'nothing reaches the disk while it waits');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === abs(name));
    assert.equal(doc?.getText(), 'const a = 1;\nconst b = 2;\nconst c = 3;\n', 'nor the document');
    // Accept Edit from the palette, with the diff active
    await waitFor('the diff to be active', () => vscode.window.activeTextEditor?.document.uri.scheme === 'qwen-proposal');
    assert.equal(await vscode.commands.executeCommand('qwen.acceptEdit'), true);
    const out = await result;
    assert.equal(out.status, 'done');
    assert.match(out.content, /accepted/);
    assert.equal(disk(name), 'const a = 1;\nconst b = 20;\nconst bb = 21;\nconst c = 3;\n');
    assert.equal(doc?.isDirty, false);
    assert.equal(tools.waiting(), undefined);
    assert.deepEqual(out.facts, { path: rel(name), added: 2, removed: 1 });
  });

  it('Reject leaves the file untouched and tells the model the user declined', async () => {
    const name = file('x = 1\n', 'py');
    const { result } = await proposed(call('edit', { file_path: rel(name), old_string: 'x = 1', new_string: 'x = 2' }));
    assert.ok(await api.pending.decide(tools.waiting()!, false));
    const out = await result;
    assert.deepEqual({ status: out.status, content: out.content }, { status: 'denied', content: 'The user rejected this edit; the file is unchanged.' });
    assert.equal(disk(name), 'x = 1\n');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === abs(name));
    assert.equal(doc?.isDirty ?? false, false);
    assert.deepEqual(await store.lastTask('never'), undefined);
  });

  it('typing into the file while the edit waits loses nothing: accepted, the saved file has both', async () => {
    const name = file('line 1\nline 2\nline 3\nline 4\nline 5\n');
    const doc = await vscode.workspace.openTextDocument(abs(name));
    await vscode.window.showTextDocument(doc, { preview: false });
    const { result } = await proposed(call('edit', { file_path: rel(name), old_string: 'line 4', new_string: 'LINE FOUR' }));
    // the user goes back to the file and types above and below the proposal while it waits
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(0, 6), ' (typed first)')));
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(5, 0), 'typed line 6\n')));
    assert.ok(await api.pending.decide(tools.waiting()!, true));
    const out = await result;
    assert.equal(out.status, 'done', out.content);
    const expected = 'line 1 (typed first)\nline 2\nline 3\nLINE FOUR\nline 5\ntyped line 6\n';
    assert.equal(doc.getText(), expected);
    assert.equal(disk(name), expected, 'accepting saved it, the typing included');
  });

  it('old_string missing or not unique: an error result naming which, and nothing proposed or written', async () => {
    const name = file('dup();\ndup();\nother();\n');
    const missing = await tools.run(call('edit', { file_path: rel(name), old_string: 'absent();', new_string: 'x' }), ctx());
    assert.equal(missing.status, 'error');
    assert.match(missing.content, /not found/);
    const twice = await tools.run(call('edit', { file_path: rel(name), old_string: 'dup();', new_string: 'once();' }), ctx());
    assert.equal(twice.status, 'error');
    assert.match(twice.content, /not unique: it occurs 2 times/);
    assert.equal(api.pending.all().length, 0);
    assert.equal(disk(name), 'dup();\ndup();\nother();\n');
    // replace_all is the way out
    autoApprove = true;
    const all = await tools.run(call('edit', { file_path: rel(name), old_string: 'dup();', new_string: 'once();', replace_all: true }), ctx());
    assert.equal(all.status, 'done');
    assert.equal(disk(name), 'once();\nonce();\nother();\n');
  });

  it('refuses a secret, a symlink that leads outside and a path outside, writing nothing', async () => {
    write(join(outside, 'plain.txt'), 'outside text\n');
    write(join(outside, 'dir', 'keep.txt'), 'keep\n');
    write(abs('.env'), 'TOKEN=abc\n');
    symlinkSync(join(outside, 'plain.txt'), abs('link.txt'));
    symlinkSync(join(outside, 'dir'), abs('linkdir'));
    cleanups.push(() => rmSync(abs('link.txt'), { force: true }), () => rmSync(abs('linkdir'), { force: true }));
    autoApprove = true; // even without review, nothing may be written
    const results = [
      await tools.run(call('edit', { file_path: rel('link.txt'), old_string: 'outside text', new_string: 'changed' }), ctx()),
      await tools.run(call('write_file', { file_path: rel('link.txt'), content: 'overwritten\n' }), ctx()),
      await tools.run(call('write_file', { file_path: rel('linkdir/new.txt'), content: 'planted\n' }), ctx()),
      await tools.run(call('edit', { file_path: rel('.env'), old_string: 'abc', new_string: 'stolen' }), ctx()),
      await tools.run(call('write_file', { file_path: rel('.env.local'), content: 'TOKEN=x\n' }), ctx()),
      await tools.run(call('write_file', { file_path: '../escape.txt', content: 'x\n' }), ctx()),
      await tools.run(call('write_file', { file_path: join(outside, 'abs.txt'), content: 'x\n' }), ctx()),
    ];
    for (const r of results) assert.equal(r.status, 'error', r.content);
    assert.match(results[0]!.content, /outside the workspace/);
    assert.match(results[2]!.content, /outside the workspace/);
    assert.match(results[3]!.content, /keeps away from Qwen/);
    assert.equal(readFileSync(join(outside, 'plain.txt'), 'utf8'), 'outside text\n');
    assert.equal(existsSync(join(outside, 'dir', 'new.txt')), false);
    assert.equal(readFileSync(abs('.env'), 'utf8'), 'TOKEN=abc\n');
    assert.equal(existsSync(abs('.env.local')), false);
    assert.equal(existsSync(join(ws, '..', 'escape.txt')), false);
    assert.equal(existsSync(join(outside, 'abs.txt')), false);
    assert.equal(api.pending.all().length, 0);
  });

  it('write_file of a new file creates it only on Accept; Reject creates nothing', async () => {
    const target = `new/dir${++n}/created.ts`;
    const { result } = await proposed(call('write_file', { file_path: rel(target), content: 'export const created = true;\n' }));
    assert.equal(existsSync(abs(target)), false, 'not created while it waits');
    await waitFor('the proposed file to be active', () => vscode.window.activeTextEditor?.document.uri.scheme === 'untitled');
    assert.equal(await vscode.commands.executeCommand('qwen.acceptEdit'), true);
    const out = await result;
    assert.equal(out.status, 'done');
    assert.equal(out.facts?.created, true);
    assert.equal(disk(target), 'export const created = true;\n');

    const other = `new/dir${++n}/declined.ts`;
    const second = await proposed(call('write_file', { file_path: rel(other), content: 'no\n' }));
    assert.ok(await api.pending.decide(tools.waiting()!, false));
    const declined = await second.result;
    assert.equal(declined.status, 'denied');
    assert.match(declined.content, /rejected/);
    assert.equal(existsSync(abs(other)), false);
  });

  it('write_file over an existing file proposes its whole new text as a diff, keeping its CRLF line breaks', async () => {
    const name = file('one\r\ntwo\r\n');
    const { result } = await proposed(call('write_file', { file_path: rel(name), content: 'one\ntwo\nthree\n' }));
    assert.equal(disk(name), 'one\r\ntwo\r\n');
    assert.ok(await api.pending.decide(tools.waiting()!, true));
    assert.equal((await result).status, 'done');
    assert.equal(disk(name), 'one\r\ntwo\r\nthree\r\n');
  });

  it('Stop while an edit waits: the diff is rejected and closed, the result says so, the file is unchanged', async () => {
    const name = file('keep me\n');
    const stop = new AbortController();
    const { result } = await proposed(call('edit', { file_path: rel(name), old_string: 'keep me', new_string: 'changed' }), ctx('task-stop', stop.signal));
    stop.abort();
    const out = await result;
    assert.equal(out.status, 'denied');
    assert.match(out.content, /stopped/);
    assert.equal(api.pending.all().length, 0);
    await waitFor('the diff to close', () => !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'qwen-proposal')));
    assert.equal(disk(name), 'keep me\n');
  });

  it('auto-approved: written at once as one undo step, saved, and said so', async () => {
    const name = file('a\nb\n');
    autoApprove = true;
    const out = await tools.run(call('edit', { file_path: rel(name), old_string: 'b', new_string: 'B' }), ctx());
    assert.equal(out.status, 'done');
    assert.equal(out.facts?.autoApproved, true);
    assert.equal(disk(name), 'a\nB\n');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === abs(name))!;
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), 'a\nb\n', 'one Undo takes it back');
  });

  it('auto-approve never writes .vscode/ or .git/ unreviewed (they can run code without a command)', async () => {
    autoApprove = true;
    const target = `.vscode/case${++n}.json`;
    const { result } = await proposed(call('write_file', { file_path: target, content: '{"tasks": []}\n' }));
    assert.equal(existsSync(join(ws, target)), false);
    assert.ok(await api.pending.decide(tools.waiting()!, false));
    assert.equal((await result).status, 'denied');
    assert.equal(existsSync(join(ws, target)), false);
  });

  it('Undo Agent Task restores two edited files and deletes a created one, keeping what the user typed since, from the store on disk', async () => {
    conversation = 'conv-undo';
    const task = 'task-undo';
    const x = file('x1\nx2\nx3\nx4\nx5\n');
    const y = file('y1\ny2\n');
    const z = `made${++n}.ts`;
    const accept = async (c: ToolCallRequest) => {
      const { result } = await proposed(c, ctx(task));
      assert.ok(await api.pending.decide(tools.waiting()!, true));
      assert.equal((await result).status, 'done');
    };
    await accept(call('edit', { file_path: rel(x), old_string: 'x2', new_string: 'X2 by the task' }));
    await accept(call('edit', { file_path: rel(x), old_string: 'x4', new_string: 'X4 by the task' }));
    await accept(call('edit', { file_path: rel(y), old_string: 'y2\n', new_string: 'Y2\nY3\n' }));
    await accept(call('write_file', { file_path: rel(z), content: 'created by the task\n' }));
    assert.equal(disk(x), 'x1\nX2 by the task\nx3\nX4 by the task\nx5\n');
    assert.equal(disk(z), 'created by the task\n');

    // the user types in x since (unsaved, away from the task's lines)
    const xd = await vscode.workspace.openTextDocument(abs(x));
    const we = new vscode.WorkspaceEdit();
    we.insert(xd.uri, new vscode.Position(5, 0), 'x6 typed by the user\n');
    assert.ok(await vscode.workspace.applyEdit(we));

    // a reload: a new store reads the checkpoints from disk
    const reloaded = new Checkpoints(checkpointFiles(vscode.Uri.file(cpDir)));
    const asked: string[] = [];
    const ask: UndoAsk = {
      overlap: async (f) => (asked.push(`overlap ${f}`), 'keep'),
      deleteEdited: async (f) => (asked.push(`delete ${f}`), true),
    };
    const msgs = captureMessages();
    cleanups.push(() => msgs.dispose());
    const report = await undoLastTask(reloaded, 'conv-undo', ask);
    assert.deepEqual(asked, [], 'nothing overlapped, nothing to ask');
    assert.deepEqual(report.restored.sort(), [abs(x), abs(y)].sort());
    assert.deepEqual(report.deleted, [abs(z)]);
    assert.equal(disk(x), 'x1\nx2\nx3\nx4\nx5\nx6 typed by the user\n', 'the task undone, the typing kept, saved');
    assert.equal(disk(y), 'y1\ny2\n');
    assert.equal(existsSync(abs(z)), false);
    assert.match(msgs.info.join('\n'), /2 files restored, 1 deleted/);
    // a second undo has nothing left from this conversation
    assert.equal((await undoLastTask(reloaded, 'conv-undo', ask)).nothing, true);
  });

  it('Undo Agent Task asks before overwriting the user\'s edits on the task\'s lines; Keep My Edits keeps them and undoes the rest', async () => {
    conversation = 'conv-overlap';
    const name = file('a\nb\nc\nd\ne\n');
    for (const [o, nw] of [['b', 'B'], ['d', 'D']]) {
      const { result } = await proposed(call('edit', { file_path: rel(name), old_string: o, new_string: nw }), ctx('task-overlap'));
      assert.ok(await api.pending.decide(tools.waiting()!, true));
      assert.equal((await result).status, 'done');
    }
    // the user edits a line the task changed, adds one elsewhere, and saves
    const doc = await vscode.workspace.openTextDocument(abs(name));
    const we = new vscode.WorkspaceEdit();
    we.replace(doc.uri, new vscode.Range(1, 0, 1, 1), 'B (mine)');
    we.insert(doc.uri, new vscode.Position(5, 0), 'f\n');
    assert.ok(await vscode.workspace.applyEdit(we));
    await doc.save();
    assert.equal(disk(name), 'a\nB (mine)\nc\nD\ne\nf\n');
    const asked: Array<[string, number]> = [];
    const msgs = captureMessages();
    cleanups.push(() => msgs.dispose());
    const cancel = await undoLastTask(store, 'conv-overlap', { overlap: async (f, k) => (asked.push([f, k]), undefined), deleteEdited: async () => true });
    assert.equal(cancel.cancelled, true);
    assert.equal(disk(name), 'a\nB (mine)\nc\nD\ne\nf\n', 'Cancel changes nothing');
    const keep = await undoLastTask(store, 'conv-overlap', { overlap: async (f, k) => (asked.push([f, k]), 'keep'), deleteEdited: async () => true });
    assert.deepEqual(asked, [
      [rel(name), 1],
      [rel(name), 1],
    ]);
    assert.deepEqual(keep.restored, [abs(name)]);
    assert.equal(disk(name), 'a\nB (mine)\nc\nd\ne\nf\n', 'the overlapping place stays as the user wrote it, the task\'s other change is undone, the user\'s other line stays');
  });
});
