// What may leave the machine, at every entry point, in the real extension host: a secret reached
// directly or through a symlink from inside the workspace to outside it is never sent by Explain,
// the edit commands, Edit Inline, the chat's chips and @ mentions, the instructions file or ghost
// text; an ignored file is not gathered on its own but is sent when the user selects in it. Each
// test asserts on what the server received: not one byte of the secret.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { QwenTestApi } from '../../src/extension';
import type { FakeQwen } from '../fake-qwen/server';
import { activateQwen, captureMessages, stopFakeQwen, stubWindow, useFakeQwen, waitFor } from './helpers';

const SECRET = 'SECRET-7f3a9c-MUST-NOT-LEAVE';
const OUTSIDE_PLAIN = 'OUTSIDE-PLAIN-42d1';

describe('send policy: what may leave the machine', function () {
  this.timeout(30_000);
  let api: QwenTestApi;
  let server: FakeQwen;
  let ws: string;
  let outside: string;
  const made: string[] = [];
  const cleanups: Array<() => unknown> = [];

  const write = (p: string, text: string) => {
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    made.push(p);
  };
  const link = (target: string, at: string) => {
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(target, at);
    made.push(at);
  };
  /** The requests that carry content (the chat lists a custom server's models with a GET beside them). */
  const posts = () => server.requests.filter((r) => r.method === 'POST');
  /** Everything the server was sent, as one string. */
  const sent = () => server.requests.map((r) => `${r.path}\n${r.rawBody}`).join('\n');
  const lastTurn = () => api.chat.turns().at(-1);

  async function select(rel: string): Promise<vscode.TextEditor> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(ws, rel)));
    const ed = await vscode.window.showTextDocument(doc, { preview: false });
    ed.selection = new vscode.Selection(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length);
    return ed;
  }

  before(async () => {
    api = await activateQwen();
    server = await useFakeQwen();
    ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    outside = mkdtempSync(join(tmpdir(), 'qwen-outside-'));
    write(join(outside, '.env'), `TOKEN=${SECRET}\n`);
    write(join(outside, 'plain.md'), `${OUTSIDE_PLAIN}\n`);
    write(join(ws, 'policy', '.env'), `TOKEN=${SECRET}\n`);
    link(join(outside, '.env'), join(ws, 'policy', 'notes.txt'));
    link(join(outside, 'plain.md'), join(ws, 'policy', 'plain-link.md'));
    write(join(ws, 'policy', '.gitignore'), 'dist/\n');
    write(join(ws, 'policy', 'dist', 'built.js'), 'const built = "IGNORED-BUT-SELECTED-5e1";\n');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const p of made.reverse()) rmSync(p, { force: true });
    rmSync(outside, { recursive: true, force: true });
    await stopFakeQwen(server);
  });

  beforeEach(async () => {
    server.reset();
    await vscode.commands.executeCommand('qwen.newChat');
  });

  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Explain Selection in .env sends nothing and says why', async () => {
    const msgs = captureMessages();
    cleanups.push(msgs.dispose);
    await select('policy/.env');
    await vscode.commands.executeCommand('qwen.explainSelection');
    assert.ok(msgs.warn.some((m) => m.includes('policy/.env') && /never sent to Qwen/.test(m)), msgs.warn.join(' | '));
    assert.equal(posts().length, 0);
    assert.ok(!sent().includes(SECRET));
  });

  it('Explain Selection through a symlink to a secret outside sends nothing, and names where it leads', async () => {
    const msgs = captureMessages();
    cleanups.push(msgs.dispose);
    await select('policy/notes.txt');
    await vscode.commands.executeCommand('qwen.explainSelection');
    assert.ok(msgs.warn.some((m) => m.includes('policy/notes.txt') && m.includes(join(outside, '.env'))), msgs.warn.join(' | '));
    assert.equal(posts().length, 0);
  });

  it('Refactor, Document and Edit Inline through the same link send nothing', async () => {
    const msgs = captureMessages();
    cleanups.push(msgs.dispose);
    cleanups.push(stubWindow('showInputBox', (() => Promise.resolve('rename it')) as never));
    await select('policy/notes.txt');
    await vscode.commands.executeCommand('qwen.refactorSelection');
    await vscode.commands.executeCommand('qwen.documentSelection');
    await vscode.commands.executeCommand('qwen.inlineEdit');
    assert.equal(msgs.warn.filter((m) => /never sent to Qwen/.test(m)).length, 3, msgs.warn.join(' | '));
    assert.equal(posts().length, 0);
  });

  /** The ids the chat gives the active editor's chips: its selection and the whole file. */
  const activeChipIds = (ed: vscode.TextEditor) => [`sel:${ed.document.uri.toString()}#${ed.selection.start.line}-${ed.selection.end.line}`, `file:${ed.document.uri.toString()}`];

  it('the chat sends no chip of a linked secret, even when asked for it by id', async () => {
    const ed = await select('policy/notes.txt');
    await api.chat.handle({ type: 'send', text: 'What is in this file?', contextIds: activeChipIds(ed) });
    const turn = await waitFor('the answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    assert.deepEqual(turn.context, []);
    assert.equal(posts().length, 1);
    assert.ok(!sent().includes(SECRET));
  });

  it('@ mentions: a linked secret and a link out of the workspace are refused with a sentence; neither is listed', async () => {
    // Listen beside whatever view is attached, and put it back after: detaching would leave the
    // chat without its view for the suites that run later.
    const posted: unknown[] = [];
    const chat = api.chat as unknown as { post: (m: unknown) => boolean };
    const view = chat.post;
    api.chat.attach((m) => {
      posted.push(m);
      return view(m);
    });
    cleanups.push(() => api.chat.attach(view as Parameters<typeof api.chat.attach>[0]));
    const msgs = captureMessages();
    cleanups.push(msgs.dispose);
    await api.chat.handle({ type: 'requestMentions', requestId: 'r1', query: 'policy' });
    const listed = JSON.stringify(posted);
    assert.ok(!listed.includes('notes.txt') && !listed.includes('plain-link.md') && !listed.includes('.env') && !listed.includes('built.js'), listed);
    await api.chat.handle({ type: 'addMention', id: vscode.Uri.file(join(ws, 'policy', 'notes.txt')).toString(), kind: 'file' });
    await api.chat.handle({ type: 'addMention', id: vscode.Uri.file(join(ws, 'policy', 'plain-link.md')).toString(), kind: 'file' });
    assert.ok(msgs.warn.some((m) => /never sent to Qwen/.test(m)), msgs.warn.join(' | '));
    assert.ok(msgs.warn.some((m) => /outside the workspace folders/.test(m)), msgs.warn.join(' | '));
    const chips = api.chat.state().context.map((c) => c.id);
    assert.ok(!chips.some((id) => id.startsWith('mention:')), chips.join(', '));
    await api.chat.handle({ type: 'send', text: 'Summarise the mentioned files.', contextIds: chips });
    await waitFor('the answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    assert.ok(!sent().includes(SECRET) && !sent().includes(OUTSIDE_PLAIN));
  });

  it('an instructions file that links to a secret is not read into the prompt, and the user is told once', async () => {
    const instructions = join(ws, '.qwen', 'instructions.md');
    link(join(outside, '.env'), instructions);
    cleanups.push(() => rmSync(instructions, { force: true }));
    const msgs = captureMessages();
    cleanups.push(msgs.dispose);
    await api.chat.ask('hello', { chips: [], text: '' });
    await waitFor('the answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    await api.chat.ask('hello again', { chips: [], text: '' });
    await waitFor('the second answer', () => (posts().length === 2 && lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    assert.ok(!sent().includes(SECRET));
    assert.equal(msgs.warn.filter((m) => m.includes('.qwen/instructions.md')).length, 1, msgs.warn.join(' | '));
  });

  it('ghost text in a linked secret asks nothing', async () => {
    const ed = await select('policy/notes.txt');
    const pos = ed.document.lineAt(0).range.end;
    const items = await api.completions.provider.provideInlineCompletionItems(ed.document, pos, { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined } as vscode.InlineCompletionContext, new vscode.CancellationTokenSource().token);
    assert.ok(!items || (Array.isArray(items) && items.length === 0), JSON.stringify(items));
    assert.equal(posts().length, 0);
  });

  it('an ignored file is not gathered as the chat\'s active file, but Explain on a selection in it is sent', async () => {
    const ed = await select('policy/dist/built.js');
    await api.chat.handle({ type: 'send', text: 'What does this do?', contextIds: activeChipIds(ed) });
    const turn = await waitFor('the answer', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    assert.deepEqual(turn.context, []);
    assert.ok(!sent().includes('IGNORED-BUT-SELECTED-5e1'));
    await vscode.commands.executeCommand('qwen.explainSelection');
    await waitFor('the explanation', () => (posts().length === 2 && lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    assert.ok(sent().includes('IGNORED-BUT-SELECTED-5e1'));
  });
});
