// The chat view and its host under the conditions that used to leave a user stuck: a project under
// a long Chinese path, a large-context question while the view is closed, Stop at any moment, an
// Accept that cannot be written, a model switch while completions hold the client, and a stored
// conversation too large for the view.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeQwen } from '../fake-qwen/server';
import { parseHostMessage } from '../../src/protocol/messages';
import { joinedText } from '../../src/protocol/parts';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, setUserSetting, stopFakeQwen, stubWindow, useFakeQwen, waitFor } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the chat view is sent when it (re)loads, checked as the view checks it. */
function initFor(api: QwenTestApi) {
  return parseHostMessage({ type: 'init', locale: 'en', state: api.chat.state() });
}

describe('chat view and host', function () {
  this.timeout(30_000);
  let api: QwenTestApi;
  let server: FakeQwen;
  const cleanups: Array<() => unknown> = [];

  before(async () => {
    api = await activateQwen();
    server = await useFakeQwen();
  });

  after(async () => {
    await stopFakeQwen(server);
  });

  beforeEach(async () => {
    server.reset();
    await vscode.commands.executeCommand('qwen.newChat');
  });

  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
    await vscode.commands.executeCommand('qwen.stop');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  const lastTurn = () => api.chat.turns().at(-1);
  const posts = () => server.requests.filter((r) => r.method === 'POST');

  it('a file under a 300-character Chinese path: the view takes its state and shows the chip', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    // Linux allows 255 bytes a name, 85 CJK characters: four folders make the 300 characters.
    const names = Array.from({ length: 4 }, (_, i) => `项目${i}`.padEnd(74, '中文文件夹名称'));
    const uri = vscode.Uri.joinPath(folder, ...names, '解析器.ts');
    assert.ok(vscode.workspace.asRelativePath(uri, false).length >= 300);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('export const answer = 42;\n'));
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('qwen.openChat');
    const logFrom = api.logLines().length;
    // The view asks for its state once more, as a view that was reloaded does.
    await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
    await vscode.commands.executeCommand('qwen.openChat');
    await sleep(1000);

    const init = initFor(api);
    assert.equal(init.reason, undefined, 'the view accepts its state');
    const chip = init.message!.type === 'init' ? init.message.state.context.find((c) => c.kind === 'file') : undefined;
    assert.equal(chip?.label, '解析器.ts');
    assert.ok(chip!.id.length > 256, 'its id carries the whole encoded path');
    const dropped = api.logLines().slice(logFrom).filter((l) => /invalid message dropped/.test(l));
    assert.deepEqual(dropped, [], 'the view dropped nothing it was sent');
  });

  it('a large-context question while the chat view is closed is asked in a modal dialog, and then sent', async () => {
    await setUserSetting('qwen.chat.confirmAboveTokens', 50);
    cleanups.push(() => setUserSetting('qwen.chat.confirmAboveTokens', undefined));
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const asked: Array<{ message: string; modal: boolean; items: string[] }> = [];
    cleanups.push(stubWindow('showWarningMessage', ((message: string, ...rest: unknown[]) => {
      const options = rest[0] as vscode.MessageOptions | undefined;
      const items = rest.filter((x): x is string => typeof x === 'string');
      asked.push({ message, modal: !!options?.modal, items });
      return Promise.resolve(items[0]);
    }) as never));
    server.setScenario('explain-code');
    await api.chat.ask('Explain this file', { chips: [], text: 'const x = 1;\n'.repeat(200) });
    assert.equal(asked.length, 1, 'asked once');
    assert.equal(asked[0]!.modal, true, 'in a modal dialog');
    assert.match(asked[0]!.message, /about [\d,]+ tokens/);
    assert.equal(lastTurn()!.status, 'done');
    assert.equal(posts().length, 1, 'sent after the yes');
  });

  it('Stop ends a turn whose large-context question is still open (view closed: nothing is sent)', async () => {
    await setUserSetting('qwen.chat.confirmAboveTokens', 50);
    cleanups.push(() => setUserSetting('qwen.chat.confirmAboveTokens', undefined));
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    let modalOpen = false;
    // A modal the user has not answered yet.
    cleanups.push(stubWindow('showWarningMessage', (() => {
      modalOpen = true;
      return new Promise(() => undefined);
    }) as never));
    const asking = api.chat.ask('Explain this file', { chips: [], text: 'const x = 1;\n'.repeat(200) });
    await waitFor('the question', () => modalOpen);
    assert.equal(lastTurn()!.status, 'streaming');
    await vscode.commands.executeCommand('qwen.stop');
    await Promise.race([asking, sleep(5000).then(() => assert.fail('the turn did not end after Stop'))]);
    assert.equal(lastTurn()!.status, 'stopped');
    assert.equal(posts().length, 0, 'nothing was sent');
  });

  it('Stop ends a turn whose large-context question is open in the view', async () => {
    await setUserSetting('qwen.chat.confirmAboveTokens', 50);
    cleanups.push(() => setUserSetting('qwen.chat.confirmAboveTokens', undefined));
    await vscode.commands.executeCommand('qwen.openChat');
    let modal = 0;
    cleanups.push(stubWindow('showWarningMessage', (() => {
      modal++;
      return new Promise(() => undefined);
    }) as never));
    const asking = api.chat.ask('Explain this file', { chips: [], text: 'const x = 1;\n'.repeat(200) });
    await sleep(1000);
    assert.equal(lastTurn()!.status, 'streaming', 'waiting for the answer');
    await vscode.commands.executeCommand('qwen.stop');
    await Promise.race([asking, sleep(5000).then(() => assert.fail('the turn did not end after Stop'))]);
    assert.equal(lastTurn()!.status, 'stopped');
    assert.equal(modal, 0, 'the view asked, not a dialog');
    assert.equal(posts().length, 0, 'nothing was sent');
  });

  it('one client for chat and completions: a model picked in the chat does not cut the chat\'s stream 30 s later', async function () {
    this.timeout(60_000);
    // VS Code's own proxy support replaces every agent with its own; with it off (as users without
    // a system proxy may set it) the client's connections are the ones a disposed client closes.
    await setUserSetting('http.proxySupport', 'off');
    cleanups.push(() => setUserSetting('http.proxySupport', undefined));
    // Completions take their client (the same one) first.
    await api.completions.mode();
    // What the chat's model picker does: the client's configuration is unchanged, so it stays.
    await setUserSetting('qwen.model', 'qwen3-coder-flash');
    cleanups.push(() => setUserSetting('qwen.model', 'qwen3-coder-plus'));
    // An answer that is still coming (the server goes quiet after a few events) outlives the 30 s.
    server.setScenario('stall');
    const asking = api.chat.ask('a long answer', { chips: [], text: '' });
    await waitFor('the first words', () => lastTurn()?.answer || undefined, 10_000);
    // The first words are posted at once; the rest of what the server sent before going quiet
    // follows within one batch interval (40 ms).
    await sleep(1_000);
    const partial = lastTurn()!.answer;
    await sleep(30_000);
    assert.equal(lastTurn()!.status, 'streaming', `still streaming, not cut: ${JSON.stringify(lastTurn()!.error ?? null)}`);
    assert.equal(lastTurn()!.answer, partial);
    await vscode.commands.executeCommand('qwen.stop');
    await asking;
    assert.equal(lastTurn()!.status, 'stopped');
    assert.equal((posts().at(-1)!.body as { model: string }).model, 'qwen3-coder-flash');
  });

  it('a stored conversation with a 12 MB answer restores into a working view, with a note in the turn', async () => {
    const storage = api.services.context.storageUri!;
    const id = '0b7c6c52-5b4e-4a39-9d68-6a0f5c1f0e11';
    const huge = 'x'.repeat(12_000_000);
    const conv = {
      id,
      title: 'Huge answer',
      createdAt: Date.now(),
      updatedAt: Date.now(),
      turns: [
        { id: 't1', question: 'small question', context: [], answer: 'a short answer', reasoning: '', status: 'done', finishReason: 'stop' },
        { id: 't2', question: 'give me everything', context: [], answer: huge, reasoning: '', status: 'done', finishReason: 'stop' },
      ],
    };
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(storage, 'conversations', `${id}.json`), new TextEncoder().encode(JSON.stringify(conv)));
    const state = api.services.context.workspaceState;
    const index = state.get<unknown[]>('qwen.chat.index', []);
    await state.update('qwen.chat.index', [{ id, title: 'Huge answer', updatedAt: Date.now() + 60_000, turnCount: 2 }, ...index]);
    cleanups.push(() => api.chat.handle({ type: 'deleteConversation', id }));

    // Opened from the history, as at startup: the view must take the state.
    await api.chat.handle({ type: 'openConversation', id });
    const init = initFor(api);
    assert.equal(init.reason, undefined, 'the view accepts its state');
    const turns = (init.message!.type === 'init' ? init.message.state.turns : []).map((t) => ({ ...t, answer: joinedText(t.parts, 'text') }));
    assert.equal(turns.length, 2);
    assert.equal(turns[0]!.answer, 'a short answer');
    assert.ok(turns[1]!.answer.length > 100_000 && huge.startsWith(turns[1]!.answer), 'what fits is shown');
    assert.equal(turns[1]!.truncatedAt, turns[1]!.answer.length, 'and the turn says it was cut');

    // A restart restores the last conversation the same way.
    const { ChatController } = await import('../../src/chat/controller');
    const { ConversationStore } = await import('../../src/chat/store');
    const { conversationFiles } = await import('../../src/chat/conversationFiles');
    const { ContextCollector } = await import('../../src/chat/context');
    const { ContentGate } = await import('../../src/policy/vscode/contentGate');
    const gate = new ContentGate();
    const collector = new ContextCollector(gate);
    const restarted = new ChatController(api.services, new ConversationStore(state, conversationFiles(storage)), collector, async () => undefined);
    try {
      await restarted.restored;
      const again = parseHostMessage({ type: 'init', locale: 'en', state: restarted.state() });
      assert.equal(again.reason, undefined, 'the restored view accepts its state');
      assert.equal(again.message!.type === 'init' && again.message.state.turns.length, 2);
    } finally {
      restarted.dispose();
      collector.dispose();
      gate.dispose();
    }
  });
});

describe('Accept that cannot be written', function () {
  this.timeout(30_000);
  let server: FakeQwen;

  before(async () => {
    await activateQwen();
    server = await useFakeQwen();
  });

  after(async () => {
    await stopFakeQwen(server);
  });

  it('a read-only document keeps its proposal pending and the user is told why', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const uri = vscode.Uri.joinPath(folder, 'readonly', 'locked.py');
    const original = 'def add(a, b):\n    return a+b\n';
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(original));
    const ed = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
    const doc = ed.document;
    ed.selection = new vscode.Selection(0, 0, 1, 16);
    const restoreInput = stubWindow('showInputBox', (() => Promise.resolve('')) as never);
    const shown: string[] = [];
    const stub = ((m: string) => {
      shown.push(m);
      return Promise.resolve(undefined);
    }) as never;
    const restore = [restoreInput, stubWindow('showWarningMessage', stub), stubWindow('showErrorMessage', stub), stubWindow('showInformationMessage', stub)];
    try {
      server.setScenario((ctx) => ctx.reply('Here:\n\n```python\ndef add(a, b):\n    return a + b\n```\n'));
      await vscode.commands.executeCommand('qwen.refactorSelection');
      const pendingNow = async () => ((await vscode.commands.executeCommand<Array<{ uri: string; phase: string; pending: unknown[] }>>('qwen.internal.pendingEdits')) ?? []).find((s) => s.uri === uri.toString());
      await waitFor('a pending edit', async () => ((await pendingNow())?.phase === 'pending' ? true : undefined), 10_000);
      // From now on VS Code refuses every edit of this file, as for a read-only document.
      const ws = vscode.workspace as unknown as { applyEdit: typeof vscode.workspace.applyEdit };
      const applyEdit = ws.applyEdit;
      ws.applyEdit = (edit, metadata) => (edit.has(uri) ? Promise.resolve(false) : applyEdit(edit, metadata));
      restore.push(() => (ws.applyEdit = applyEdit));
      shown.length = 0;
      await vscode.commands.executeCommand('qwen.acceptEdit', uri.toString());
      assert.equal(doc.getText(), original, 'nothing was written');
      const s = await pendingNow();
      assert.ok(s && s.phase === 'pending' && s.pending.length === 1, 'the proposal is still pending');
      assert.ok(shown.some((m) => /could not be written/.test(m) && m.includes('locked.py')), `told why: ${JSON.stringify(shown)}`);
    } finally {
      restore.forEach((r) => r());
      await vscode.commands.executeCommand('qwen.rejectEdit', uri.toString());
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
