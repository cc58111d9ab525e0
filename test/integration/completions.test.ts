// Ghost text in the real extension host, against the fake server: the suggestion the server sends
// is what the editor offers (accepted, it is what the document holds), typing on aborts the
// request in flight (the server sees its connection closed), and nothing is sent while off, with
// no key, or right after the provider failed.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { QwenTestApi } from '../../src/extension';
import { completionScenario } from '../fake-qwen/fim';
import type { FakeQwen } from '../fake-qwen/server';
import { activateQwen, captureMessages, setUserSetting, stopFakeQwen, useFakeQwen, waitFor } from './helpers';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ghost-text completions', () => {
  let api: QwenTestApi;
  let server: FakeQwen;
  let n = 0;

  before(async () => {
    api = await activateQwen();
    // the models completionScenario lists too: the list may be read by vscode.lm first (it is shared)
    server = await useFakeQwen({ models: ['qwen2.5-coder-7b', 'qwen3-coder-plus'] });
    await setUserSetting('qwen.completions.debounceMs', 50);
    await setUserSetting('qwen.completions.enabled', true);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const k of ['qwen.completions.enabled', 'qwen.completions.debounceMs', 'qwen.completions.model']) await setUserSetting(k, undefined);
    await stopFakeQwen(server);
  });

  beforeEach(async () => {
    // Nothing of the previous test may still be waiting to send.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    api.completions.engine.cancel();
    api.completions.engine.reset();
    server.reset();
  });

  /** A new file with `text` (the cursor at `|`), open in the active editor. */
  async function open(text: string): Promise<vscode.TextEditor> {
    const at = text.indexOf('|');
    const uri = vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, `src/complete${++n}.ts`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text.replace('|', '')));
    const doc = await vscode.workspace.openTextDocument(uri);
    const ed = await vscode.window.showTextDocument(doc);
    const pos = doc.positionAt(at);
    ed.selection = new vscode.Selection(pos, pos);
    // typing triggers ghost text only in the focused editor
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    // the client is built once, ahead of the first keystroke
    await api.completions.mode();
    return ed;
  }

  /** Accepts the ghost text as soon as the editor shows it; resolves with the document's text. */
  async function accept(ed: vscode.TextEditor, timeoutMs = 10_000): Promise<string> {
    const before = ed.document.getText();
    return waitFor('the suggestion to be shown and accepted', async () => {
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      const now = ed.document.getText();
      return now !== before ? now : undefined;
    }, timeoutMs);
  }

  async function type(text: string): Promise<void> {
    for (const ch of text) await vscode.commands.executeCommand('type', { text: ch });
  }

  function tokenSource(): vscode.CancellationTokenSource {
    return new vscode.CancellationTokenSource();
  }

  it('offers the server\'s suggestion as ghost text; accepted, it is in the document', async () => {
    server.setScenario(completionScenario(() => 'return a * b;'));
    const ed = await open('export function mul(a: number, b: number): number {\n  |\n}\n');
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    assert.equal(await accept(ed), 'export function mul(a: number, b: number): number {\n  return a * b;\n}\n');
    assert.equal(server.requests.length, 1);
    const body = server.lastRequest()!.body as { model: string; max_tokens: number; messages: { role: string; content: string }[] };
    assert.equal(server.lastRequest()!.path, '/v1/chat/completions');
    assert.equal(body.model, 'qwen3-coder-plus');
    assert.ok(body.max_tokens <= 256);
    const user = body.messages.at(-1)!.content;
    assert.ok(user.includes('number {\n  <|cursor|>\n}'), user);
    assert.ok(user.includes(`src/complete${n}.ts`), 'with the file path');
    assert.ok(!api.completions.status.state.hint, 'no warning');
  });

  it('uses fill-in-the-middle for a Qwen coder model on a local server', async () => {
    await setUserSetting('qwen.completions.model', 'qwen2.5-coder-7b');
    try {
      let seen: { prefix: string; suffix: string } | undefined;
      server.setScenario(completionScenario((prefix, suffix) => {
        seen = { prefix, suffix };
        return 'a - b;\n}\n\nexport function other() {}';
      }));
      const ed = await open('export function sub(a: number, b: number): number {\n  return |\n}\n');
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      // the answer's repetition of the closing brace (and what follows) is cut away
      assert.equal(await accept(ed), 'export function sub(a: number, b: number): number {\n  return a - b;\n}\n');
      assert.equal(server.lastRequest()!.path, '/v1/completions');
      assert.deepEqual(seen, { prefix: 'export function sub(a: number, b: number): number {\n  return ', suffix: '\n}\n' });
      assert.equal(await api.completions.mode(), 'fim');
    } finally {
      await setUserSetting('qwen.completions.model', undefined);
    }
  });

  it('a local server with no model named: uses the first it lists (asked at most once), with FIM', async () => {
    await setUserSetting('qwen.model', undefined);
    try {
      server.setScenario(completionScenario(() => 'a / b;'));
      const ed = await open('export function div(a: number, b: number): number {\n  return |\n}\n');
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      assert.equal(await accept(ed), 'export function div(a: number, b: number): number {\n  return a / b;\n}\n');
      assert.deepEqual(server.requests.filter((r) => r.method === 'POST').map((r) => r.path), ['/v1/completions']);
      // One list per server, shared by every client: VS Code's model list (vscode.lm) may have asked for it already.
      assert.ok(server.requests.filter((r) => r.method === 'GET' && r.path === '/v1/models').length <= 1, 'asked at most once');
      assert.equal((server.lastRequest()!.body as { model: string }).model, 'qwen2.5-coder-7b');
    } finally {
      await setUserSetting('qwen.model', 'qwen3-coder-plus');
    }
  });

  it('typing on aborts the request in flight (the server sees the connection closed) and the newer one wins', async () => {
    // (a chat request: the first argument is the user message, the cursor marked in it) Only the
    // request made after the space is answered; the earlier ones hang like a slow model.
    const afterSpace = (user: string) => user.includes('return x <|cursor|>');
    server.setScenario(completionScenario((user) => (afterSpace(user) ? '* 2;' : 'never shown'), { delay: (ctx) => (afterSpace(ctx.lastUserText) ? 0 : 8000) }));
    const ed = await open('export function double(x: number): number {\n  return |\n}\n');
    await type('x');
    // The suggest widget opening may cancel the automatic request; asking explicitly makes sure one runs.
    await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
    const first = await waitFor('a request in flight', () => {
      const r = server.requests.at(-1);
      return r && !r.closedBy && Date.now() - r.receivedAt > 250 ? r : undefined;
    }, 8000);
    assert.ok(first.rawBody.includes('return x<|cursor|>'));
    const t0 = Date.now();
    await type(' ');
    assert.equal(await server.waitForClose(first, 4000), 'client');
    assert.ok(Date.now() - t0 < 4000, 'closed long before the server would have answered');
    assert.equal(await accept(ed), 'export function double(x: number): number {\n  return x * 2;\n}\n');
    assert.ok(server.requests.every((r) => r.closedBy), 'nothing left open');
    assert.ok(api.completions.engine.stats.maxInFlight <= 1);
  });

  it('asking again at the same place, or typing the suggestion\'s start, sends nothing more', async () => {
    server.setScenario(completionScenario(() => 'values.length;'));
    const ed = await open('export function count(values: number[]): number {\n  return |\n}\n');
    const ask = async () => {
      const cts = tokenSource();
      const items = await api.completions.provider.provideInlineCompletionItems(ed.document, ed.selection.active, { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined }, cts.token);
      cts.dispose();
      return items?.map((i) => i.insertText);
    };
    assert.deepEqual(await ask(), ['values.length;']);
    assert.deepEqual(await ask(), ['values.length;']);
    await type('val');
    assert.deepEqual(await ask(), ['ues.length;']);
    assert.equal(server.requests.length, 1);
  });

  it('sends nothing while turned off, and the status item says so', async () => {
    await setUserSetting('qwen.completions.enabled', false);
    try {
      await waitFor('the provider to be unregistered', () => !api.completions.registered);
      server.setScenario(completionScenario(() => 'return 1;'));
      const ed = await open('export function one(): number {\n  |\n}\n');
      const before = ed.document.getText();
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await type('r');
      await sleep(600);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      assert.equal(ed.document.getText(), before.replace('{\n  \n', '{\n  r\n'));
      assert.equal(server.requests.length, 0);
      assert.match(api.completions.status.state.text, /circle-slash/);
    } finally {
      await setUserSetting('qwen.completions.enabled', true);
    }
    await waitFor('the provider to be registered again', () => api.completions.registered);
  });

  it('Toggle Ghost-Text Completions flips the setting', async () => {
    const cfg = () => vscode.workspace.getConfiguration('qwen').get<boolean>('completions.enabled');
    assert.equal(cfg(), true);
    await vscode.commands.executeCommand('qwen.toggleCompletions');
    await waitFor('off', () => cfg() === false && !api.completions.registered);
    await vscode.commands.executeCommand('qwen.toggleCompletions');
    await waitFor('on', () => cfg() === true && api.completions.registered);
    assert.match(api.completions.status.state.text, /sparkle/);
  });

  it('with no key: nothing sent, no notification, one warning in the status item', async () => {
    const msgs = captureMessages();
    await setUserSetting('qwen.provider', 'maxtoken');
    try {
      server.setScenario(completionScenario(() => 'return 1;'));
      const ed = await open('export function one(): number {\n  |\n}\n');
      const before = ed.document.getText();
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await waitFor('the status hint', () => api.completions.status.state.hint?.kind === 'missingKey');
      await type('r');
      await sleep(400);
      await vscode.commands.executeCommand('editor.action.inlineSuggest.commit');
      assert.equal(ed.document.getText(), before.replace('{\n  \n', '{\n  r\n'));
      assert.equal(server.requests.length, 0);
      assert.deepEqual([msgs.info, msgs.warn, msgs.error], [[], [], []]);
      assert.match(api.completions.status.state.text, /warning/);
      assert.match(api.completions.status.state.tooltip, /command:qwen\.setApiKey/);
    } finally {
      msgs.dispose();
      await setUserSetting('qwen.provider', 'custom');
    }
  });

  it('a failing provider: one status hint, no notification, and no request per keystroke after it', async () => {
    const msgs = captureMessages();
    try {
      server.setScenario((ctx) => ctx.json(401, { error: { message: 'Incorrect API key provided. ', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
      const ed = await open('export function one(): number {\n  |\n}\n');
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await waitFor('the status hint', () => api.completions.status.state.hint?.kind === 'error');
      assert.match(api.completions.status.state.tooltip, /key/i);
      await type('ret');
      await vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
      await sleep(400);
      assert.equal(server.requests.length, 1, 'paused after the failure');
      assert.equal(ed.document.getText(), 'export function one(): number {\n  ret\n}\n');
      assert.deepEqual([msgs.info, msgs.warn, msgs.error], [[], [], []]);
    } finally {
      msgs.dispose();
      api.completions.engine.reset();
    }
  });
});
