// The chat host in the real extension host: Explain Selection streams the exact answer into the
// conversation, reasoning apart; Stop keeps the partial answer and closes the connection; errors
// land in the turn with their action; conversations persist in workspace storage.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { loadFixture } from '../fake-qwen/fixtures';
import { aggregate, dashscopeStream, splitEvents } from '../fake-qwen/sse';

/** The answer and reasoning a recording carries, as the non-streaming completion would give them. */
function recorded(name: string): { content: string; reasoning: string } {
  const body = aggregate(loadFixture(name)).body as { choices: { message: { content?: string | null; reasoning_content?: string | null } }[] };
  const m = body.choices[0]!.message;
  return { content: m.content ?? '', reasoning: m.reasoning_content ?? '' };
}
import { ConversationStore } from '../../src/chat/store';
import type { TurnPart } from '../../src/protocol/messages';
import { joinedText } from '../../src/protocol/parts';
import { SHOW_TURN_AFTER_MS } from '../../src/turns/announcer';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, captureMessages, setUserSetting, stopFakeQwen, useFakeQwen, waitFor } from './helpers';

describe('chat', () => {
  let api: QwenTestApi;
  let server: FakeQwen;
  let doc: vscode.TextDocument;

  before(async () => {
    api = await activateQwen();
    server = await useFakeQwen();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'src/math.ts'));
  });

  after(async () => {
    await stopFakeQwen(server);
  });

  beforeEach(async () => {
    server.reset();
    await vscode.commands.executeCommand('qwen.newChat');
  });

  async function selectMean(): Promise<vscode.TextEditor> {
    const ed = await vscode.window.showTextDocument(doc);
    ed.selection = new vscode.Selection(4, 0, 8, 1); // export function mean … }
    return ed;
  }

  const lastTurn = () => api.chat.turns().at(-1);

  it('Explain Selection streams the exact answer (Chinese intact) with the selected code sent', async () => {
    await selectMean();
    server.setScenario('explain-zh');
    await vscode.commands.executeCommand('qwen.explainSelection');
    const turn = await waitFor('the turn to finish', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    const expected = recorded('dashscope-qwen3-coder-plus-explain-zh');
    assert.equal(turn.answer, expected.content);
    assert.match(turn.answer, /[\u4e00-\u9fff]/, 'the answer has Chinese text');
    assert.equal(turn.finishReason, 'stop');
    assert.ok(turn.usage && turn.usage.totalTokens > 0, 'usage recorded');
    assert.equal(typeof turn.costUsd, 'number', 'a cost estimate from the catalog');
    const body = server.lastRequest()!.body as { messages: { role: string; content: string }[]; stream: boolean };
    assert.equal(body.stream, true);
    assert.equal(body.messages[0]!.role, 'system');
    const user = body.messages.at(-1)!;
    assert.equal(user.role, 'user');
    assert.ok(user.content.includes('for (const v of values) total += v;'), 'the selected code was sent');
    assert.ok(user.content.includes('src/math.ts'), 'with its path');
  });

  it('posts the first words to the view when the first chunk arrives, with the turn, without waiting for the batch interval (timeline on a clock whose timers never fire)', async () => {
    // The server sends one chunk and holds the rest; the batcher's timers never fire. First words
    // that waited for the interval would never be posted while the server holds.
    const timeline: { at: number; what: string; text?: string }[] = [];
    const mark = (what: string, text?: string) => timeline.push({ at: performance.now(), what, text });
    const armed: number[] = [];
    api.chat.testHooks.clock = { setTimeout: (_fn, ms) => armed.push(ms), clearTimeout: () => undefined };
    api.chat.testHooks.posted = (m) => mark(`post ${m.type}`, m.type === 'delta' ? m.text : m.type === 'turnStart' ? joinedText(m.turn.parts, 'text') : undefined);
    const answer = 'First words of the answer, then the rest of it arriving later in many more chunks.';
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.setScenario(async (ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let held = false;
      for (const ev of splitEvents(dashscopeStream(ctx.model, answer))) {
        if (ctx.clientClosed) return;
        ctx.res.write(ev);
        if (!held && ev.includes('"content":"First')) {
          held = true;
          mark('server wrote the first chunk');
          await gate;
          mark('server released the rest');
        }
      }
      ctx.res.end();
    });
    try {
      await selectMean();
      const explained = vscode.commands.executeCommand('qwen.explainSelection');
      const first = await waitFor('the first words posted while the server holds the rest', () => timeline.find((e) => e.text), 10_000);
      release();
      await explained;
      const turn = await waitFor('the turn to finish', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
      assert.equal(turn.answer, answer);
      const at = (what: string) => timeline.findIndex((e) => e.what === what);
      assert.ok(at('server wrote the first chunk') < timeline.indexOf(first), 'the first chunk was written before it was posted');
      assert.ok(timeline.indexOf(first) < at('server released the rest'), 'and posted while the rest was held: no timer fired for it');
      assert.equal(first.what, 'post turnStart', 'they come with the turn: one message for the view');
      assert.ok(first.text && answer.startsWith(first.text), `the turn holds the answer's first words (${first.text})`);
      const deltas = timeline.filter((e) => e.what === 'post delta');
      assert.equal(deltas.length, 1, 'everything after as one batch, flushed at the end (the timers never fired)');
      assert.equal(first.text + deltas[0]!.text, answer, 'each word posted once');
      // The other timer is the turn's own: shown after SHOW_TURN_AFTER_MS if its request were slow to leave.
      const batches = armed.filter((ms) => ms !== SHOW_TURN_AFTER_MS);
      assert.ok(batches.length > 0 && batches.every((ms) => ms === 40), `what follows the first words waits for the 40 ms interval (timers: ${armed.join(', ')})`);
      const chunkAt = timeline[at('server wrote the first chunk')]!.at;
      console.log(`      first chunk written → first words posted: ${(first.at - chunkAt).toFixed(1)} ms (timeline: ${timeline.map((e) => e.what).join(' → ')})`);
    } finally {
      release();
      api.chat.testHooks.clock = undefined;
      api.chat.testHooks.posted = undefined;
    }
  });

  it('a second turn rides the first one\'s connection: VS Code\'s proxy support, which wraps each request in an agent of its own, does not make every request a new handshake', async () => {
    await selectMean();
    server.setScenario('explain-code');
    for (let i = 0; i < 2; i++) {
      await vscode.commands.executeCommand('qwen.explainSelection');
      await waitFor(`turn ${i + 1} to finish`, () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    }
    const chats = server.requests.filter((r) => r.method === 'POST');
    assert.equal(chats.length, 2);
    assert.equal(chats[1]!.connection, chats[0]!.connection, 'one connection for both requests');
    assert.equal(chats[1]!.headers.connection, 'keep-alive');
  });

  it('shows reasoning apart from the answer', async () => {
    await selectMean();
    server.setScenario('thinking-zh');
    await vscode.commands.executeCommand('qwen.explainSelection');
    const turn = await waitFor('the turn to finish', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    const expected = recorded('dashscope-qwen-plus-thinking-zh');
    assert.ok(expected.reasoning.length > 0);
    assert.equal(turn.reasoning, expected.reasoning);
    assert.equal(turn.answer, expected.content);
  });

  it('Stop keeps the partial answer and closes the connection', async () => {
    await selectMean();
    server.setScenario('slow-drip');
    const done = vscode.commands.executeCommand('qwen.explainSelection');
    const partial = await waitFor('some text', () => (lastTurn()?.answer && lastTurn()!.answer.length > 20 ? lastTurn()!.answer : undefined), 15_000);
    await vscode.commands.executeCommand('qwen.stop');
    await done;
    const turn = lastTurn()!;
    assert.equal(turn.status, 'stopped');
    assert.ok(turn.answer.startsWith(partial), 'what had arrived is kept');
    const full = recorded('dashscope-qwen3-coder-plus-explain').content;
    assert.ok(turn.answer.length < full.length, 'stopped before the end');
    assert.ok(full.startsWith(turn.answer), 'the kept text is exactly the beginning of the answer');
    assert.equal(await server.waitForClose(server.lastRequest()!), 'client', 'the client closed the connection');
  });

  it('a dropped connection keeps the partial answer and explains in the turn, with Retry', async () => {
    await selectMean();
    server.setScenario('dropped');
    await vscode.commands.executeCommand('qwen.explainSelection');
    const turn = await waitFor('the error', () => (lastTurn()?.status === 'error' ? lastTurn() : undefined), 15_000);
    assert.ok(turn.answer.length > 0, 'partial answer kept');
    assert.ok(turn.error && turn.error.message.length > 10);
    assert.ok(turn.error!.actions.includes('retry'), `actions: ${turn.error!.actions.join(',')}`);
  });

  it('a missing key puts the error in the turn with Set API Key, and sends nothing', async () => {
    await setUserSetting('qwen.provider', 'maxtoken');
    await setUserSetting('qwen.baseUrl', server.url);
    const msgs = captureMessages();
    try {
      await selectMean();
      await vscode.commands.executeCommand('qwen.explainSelection');
      const turn = await waitFor('the error', () => (lastTurn()?.status === 'error' ? lastTurn() : undefined));
      assert.deepEqual(turn.error!.actions, ['setApiKey']);
      assert.equal(server.requests.length, 0);
      assert.equal(msgs.warn.length, 1, 'and a notification with the Set API Key button');
    } finally {
      msgs.dispose();
      await setUserSetting('qwen.provider', 'custom');
    }
  });

  it('lists a custom server\'s own models in the picker; with no qwen.model, the one the server will use', async () => {
    const vllm = await startFakeQwen({ models: ['Qwen/Qwen2.5-Coder-7B-Instruct', 'Qwen/Qwen3-8B'] });
    try {
      await setUserSetting('qwen.baseUrl', vllm.url);
      await setUserSetting('qwen.model', undefined);
      api.chat.pushState();
      const state = await waitFor('the server\'s models', () => {
        const s = api.chat.state();
        return s.models.some((m) => m.id === 'Qwen/Qwen3-8B') ? s : undefined;
      });
      assert.deepEqual(state.models.map((m) => m.id), ['Qwen/Qwen2.5-Coder-7B-Instruct', 'Qwen/Qwen3-8B']);
      assert.equal(state.model, 'Qwen/Qwen2.5-Coder-7B-Instruct', 'the client\'s choice when none is set: the first');
      assert.equal(vllm.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/models')).length, 1, 'asked once');

      // The answer's turn is named after the model that answered, not left blank.
      vllm.setScenario('explain-code');
      await api.chat.ask('What does mean() do?', { chips: [], text: '' });
      const turn = lastTurn()!;
      assert.equal(turn.status, 'done');
      const asked = vllm.requests.filter((r) => r.method === 'POST').at(-1)!;
      assert.ok(turn.model, 'the turn names a model');
      assert.equal(turn.model, 'Qwen/Qwen2.5-Coder-7B-Instruct', 'the one the picker showed');
      assert.equal((asked.body as { model: string }).model, turn.model, 'and the one the server was asked for');
    } finally {
      await setUserSetting('qwen.baseUrl', server.url);
      await setUserSetting('qwen.model', 'qwen3-coder-plus');
      await vllm.close();
    }
  });

  it('shares one client (and its kept-alive connections) while the settings stay the same, and makes a new one after they change', async () => {
    const first = await api.services.client({ interactive: false });
    const again = await api.services.client({ interactive: false });
    assert.ok(!('unavailable' in first) && !('unavailable' in again));
    assert.equal(again.client, first.client, 'the same client, so its connections can be reused');
    await setUserSetting('qwen.request.maxRetries', 1);
    try {
      const changed = await api.services.client({ interactive: false });
      assert.ok(!('unavailable' in changed));
      assert.notEqual(changed.client, first.client, 'a changed setting makes a new client');
      // The retired client still answers (a stream that was running on it finishes).
      server.setScenario('explain-code');
      const r = await first.client.streamChat({ model: 'qwen3-coder-plus', messages: [{ role: 'user', content: 'on the old client' }] });
      assert.ok(r.text.length > 0);
    } finally {
      await setUserSetting('qwen.request.maxRetries', undefined);
    }
  });

  it('a changed setting applies to the very next request: the settings are kept between requests, and forgotten when one changes', async () => {
    await selectMean();
    server.setScenario('explain-code');
    try {
      for (const model of ['qwen3-coder-flash', 'qwen-max', 'qwen3-coder-flash']) {
        await setUserSetting('qwen.model', model);
        await vscode.commands.executeCommand('qwen.explainSelection');
        await waitFor('the turn to finish', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
        assert.equal((server.lastRequest()!.body as { model: string }).model, model);
        assert.equal(lastTurn()!.model, model);
      }
    } finally {
      await setUserSetting('qwen.model', undefined);
    }
  });

  it('reads .qwen/instructions.md into the very next request once it is created, and stops when it is deleted', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const file = vscode.Uri.joinPath(folder, '.qwen', 'instructions.md');
    const system = () => ((server.lastRequest()!.body as { messages: { role: string; content: string }[] }).messages[0]!.content);
    const turn = async (n: number) => {
      await api.chat.ask(`question ${n}`, { chips: [], text: '' });
      await waitFor(`answer ${n}`, () => (lastTurn()?.status === 'done' && lastTurn()?.question === `question ${n}` ? lastTurn() : undefined), 15_000);
    };
    server.setScenario('explain-code');
    try {
      await turn(1);
      await turn(2);
      assert.ok(!system().includes('Answer like a pirate'), 'no instructions yet');
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('Answer like a pirate.\n'));
      await turn(3);
      assert.ok(system().includes('Answer like a pirate'), 'the new file is read for the very next request');
      await vscode.workspace.fs.delete(file);
      await turn(4);
      assert.ok(!system().includes('Answer like a pirate'), 'and not after it is gone');
    } finally {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, '.qwen'), { recursive: true }).then(undefined, () => undefined);
    }
  });

  it('keeps conversations in workspace storage', async () => {
    await selectMean();
    server.setScenario('explain-code');
    await vscode.commands.executeCommand('qwen.explainSelection');
    await waitFor('the turn to finish', () => (lastTurn()?.status === 'done' ? lastTurn() : undefined), 15_000);
    const id = api.chat.conversationId;
    // The conversation is a file of its own in the workspace's storage folder; workspaceState
    // (which VS Code re-sends whole on every write) holds only the list.
    const storage = api.services.context.storageUri;
    assert.ok(storage, 'the test workspace has a storage folder');
    const file = vscode.Uri.joinPath(storage, 'conversations', `${id}.json`);
    const saved = await waitFor('the conversation file', async () => {
      try {
        const c = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as { id: string; turns: { parts: TurnPart[] }[] };
        return c.turns[0] && joinedText(c.turns[0].parts, 'text') === lastTurn()!.answer ? c : undefined;
      } catch {
        return undefined;
      }
    });
    assert.equal(saved.turns.length, 1);
    const state = api.services.context.workspaceState;
    assert.equal(state.get(`qwen.chat.conversation.${id}`), undefined, 'no conversation body in workspaceState');
    const store = new ConversationStore(state);
    assert.ok(store.list().some((c) => c.id === id && c.title.length > 0), 'listed');
  });
});
