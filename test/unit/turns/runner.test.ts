// The turn runner in plain Node against the fake server: what a turn streams into its parts,
// what the view is sent, how it ends (done, stopped at any moment, failed), the large-context
// question, and a continued answer. No VS Code: the client, clock and sinks are the test's.
import * as assert from 'node:assert/strict';
import * as A from '../../fake-qwen/fixtures/answers.mjs';
import type { Answer, HostToWebview, Question } from '../../../src/protocol/messages';
import { joinedText } from '../../../src/protocol/parts';
import type { Clock } from '../../../src/turns/batcher';
import { SHOW_TURN_AFTER_MS } from '../../../src/turns/announcer';
import { TurnRun, type TurnEnv } from '../../../src/turns/runner';
import type { StoredTurn } from '../../../src/turns/turn';
import { clientFor, useFakeQwen } from '../qwen/helpers';
import { dashscopeStream } from '../../fake-qwen/sse';

/** Timers that only fire when the test says so. */
class ManualClock implements Clock {
  private timers = new Map<number, () => void>();
  private next = 0;
  setTimeout(fn: () => void): unknown {
    this.timers.set(++this.next, fn);
    return this.next;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  tick(): void {
    const due = [...this.timers.values()];
    this.timers.clear();
    due.forEach((fn) => fn());
  }
}

function newTurn(question: string, extra: Partial<StoredTurn> = {}): StoredTurn {
  return { id: 't1', question, context: [], parts: [], status: 'streaming', model: 'qwen3-coder-plus', ...extra };
}

describe('turn runner', function () {
  this.timeout(15_000);
  const fake = useFakeQwen();

  /** An environment on the fake server; `posted` is what the view was sent. */
  function env(over: Partial<TurnEnv> = {}) {
    const posted: HostToWebview[] = [];
    const asked: Question[] = [];
    const logged: string[] = [];
    const client = clientFor(fake.server);
    const e: TurnEnv = {
      client: async () => ({ client, model: 'qwen3-coder-plus' }),
      system: async () => ({ locale: 'en', workspaceName: 'demo' }),
      confirmAboveTokens: () => 0,
      thinking: () => undefined,
      ask: async (q) => {
        asked.push(q);
        return { kind: 'largeContext', send: true };
      },
      post: (m) => posted.push(m),
      errorMessage: (err) => `failed: ${(err as Error).message}`,
      log: { warn: (m) => logged.push(m), error: (m) => logged.push(String(m)) },
      ...over,
    };
    return { env: e, posted, asked, logged, client };
  }

  const posts = () => fake.server.requests.filter((r) => r.method === 'POST');
  const deltas = (posted: HostToWebview[], key: 'text' | 'reasoning') =>
    posted.map((m) => (m.type === 'delta' ? (m[key] ?? '') : '')).join('');
  /** Everything of a kind the view was sent: the turn's parts as it came (its first words), then the deltas. */
  const sent = (posted: HostToWebview[], key: 'text' | 'reasoning') =>
    posted.map((m) => (m.type === 'delta' ? (m[key] ?? '') : m.type === 'turnStart' ? joinedText(m.turn.parts, key) : '')).join('');

  it('streams an answer into one text part, the view sent turnStart, the first delta at once, the rest batched, then turnEnd', async () => {
    const clock = new ManualClock();
    const { env: e, posted, client } = env({ clock });
    const turn = newTurn('[[scenario:explain-code]] explain');
    await new TurnRun(e, turn, [], new AbortController()).run();
    assert.equal(turn.status, 'done');
    assert.deepEqual(turn.parts, [{ kind: 'text', text: A.EXPLAIN_CODE }]);
    assert.equal(turn.finishReason, 'stop');
    assert.ok(turn.usage && turn.usage.totalTokens > 0);
    assert.equal(typeof turn.costUsd, 'number', 'priced from the catalog');
    assert.deepEqual(posted.map((m) => m.type), ['turnStart', 'delta', 'turnEnd'], 'a clock that never fired: the first event went at once, with the turn, the other 299 as one delta');
    // The turn comes with its first words, and the view gets each word once.
    const start = posted[0]!;
    assert.ok(start.type === 'turnStart');
    assert.equal(start.turn.parts.length, 1);
    const first = joinedText(start.turn.parts, 'text');
    assert.ok(first.length > 0 && A.EXPLAIN_CODE.startsWith(first), `the first words: ${first}`);
    assert.equal(first + deltas(posted, 'text'), A.EXPLAIN_CODE);
    client.dispose();
  });

  it('keeps reasoning apart from the answer, as a part before the text', async () => {
    const { env: e, posted, client } = env();
    const turn = newTurn('[[scenario:thinking-zh]] map 并发');
    await new TurnRun(e, turn, [], new AbortController()).run();
    assert.deepEqual(turn.parts.map((p) => p.kind), ['reasoning', 'text']);
    assert.equal(joinedText(turn.parts, 'reasoning'), A.THINKING_ZH_REASONING);
    assert.equal(joinedText(turn.parts, 'text'), A.THINKING_ZH_ANSWER);
    assert.equal(sent(posted, 'reasoning'), A.THINKING_ZH_REASONING, 'the view was sent exactly that reasoning');
    assert.equal(sent(posted, 'text'), A.THINKING_ZH_ANSWER, 'and that answer');
    client.dispose();
  });

  it('Stop mid-stream keeps exactly what the view was shown; parts() mid-stream is the same', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const { env: e, posted, client } = env({});
    const turn = newTurn('[[scenario:slow-drip]] explain');
    const run = new TurnRun({ ...e, post: (m) => { posted.push(m); if (m.type === 'delta' || m.type === 'turnStart') seen.push(joinedText(run.parts(), 'text')); if (seen.length === 3) controller.abort(); } }, turn, [], controller);
    await run.run();
    assert.equal(turn.status, 'stopped');
    assert.equal(turn.finishReason, 'cancelled');
    const kept = joinedText(turn.parts, 'text');
    assert.equal(kept, sent(posted, 'text'), 'what is kept is what the view was sent');
    assert.equal(seen.at(-1), kept);
    assert.ok(kept.length > 0 && kept.length < A.EXPLAIN_CODE.length && A.EXPLAIN_CODE.startsWith(kept));
    assert.deepEqual(posted.at(-1), { type: 'turnEnd', turnId: 't1', finishReason: 'cancelled' });
    client.dispose();
  });

  it('shows the turn with its first words, not before its request: getting the client and building the prompt come first', async () => {
    const order: string[] = [];
    const streamer = {
      streamChat: async (_req: unknown, opts?: { onEvent?: (e: { type: 'text'; text: string }) => void }) => {
        order.push('request');
        await Promise.resolve();
        opts?.onEvent?.({ type: 'text', text: 'Hello' });
        return { text: 'Hello', finishReason: 'stop' as const };
      },
    };
    const { env: e } = env({
      clock: new ManualClock(),
      client: async () => {
        order.push('client');
        return { client: streamer as never, model: 'qwen3-coder-plus' };
      },
      post: (m) => order.push(m.type),
    });
    await new TurnRun(e, newTurn('hi'), [], new AbortController()).run();
    assert.deepEqual(order, ['client', 'request', 'turnStart', 'turnEnd'], 'the one chunk came with the turn');
  });

  it(`shows the turn after ${SHOW_TURN_AFTER_MS} ms when its request is slow to leave (a keyring to unlock), and only once`, async () => {
    const clock = new ManualClock();
    let release!: () => void;
    const keyring = new Promise<void>((r) => (release = r));
    const { env: e, posted, client } = env({
      clock,
      client: async () => {
        await keyring;
        return { client, model: 'qwen3-coder-plus' };
      },
    });
    const turn = newTurn('[[scenario:explain-code]] explain');
    const done = new TurnRun(e, turn, [], new AbortController()).run();
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(posted.map((m) => m.type), [], 'not yet: the request may still leave first');
    clock.tick();
    assert.deepEqual(posted.map((m) => m.type), ['turnStart'], 'shown while the client is still being got');
    release();
    await done;
    assert.equal(turn.status, 'done');
    assert.deepEqual(posted.map((m) => m.type), ['turnStart', 'delta', 'delta', 'turnEnd'], 'one turnStart, shown before any words: the first delta at once, the rest batched');
    client.dispose();
  });

  it('an answer with no words at all: the turn is shown as it started (streaming), then ended', async () => {
    fake.server.setScenario((ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream' });
      ctx.res.end(dashscopeStream(ctx.model, ''));
    });
    const { env: e, posted, client } = env();
    const turn = newTurn('say nothing');
    await new TurnRun(e, turn, [], new AbortController()).run();
    assert.equal(turn.status, 'done');
    assert.deepEqual(posted.map((m) => m.type), ['turnStart', 'turnEnd']);
    assert.equal(posted[0]!.type === 'turnStart' && posted[0]!.turn.status, 'streaming');
    client.dispose();
  });

  it('a turn that ends by throwing before its words is not announced after its end', async () => {
    const clock = new ManualClock();
    const { env: e, posted, client } = env({ clock, system: async () => { throw new Error('the workspace went away'); } });
    await assert.rejects(new TurnRun(e, newTurn('hi'), [], new AbortController()).run(), /went away/);
    clock.tick();
    assert.deepEqual(posted, [], 'no turnStart from the 50 ms timer for a turn already over');
    client.dispose();
  });

  it('Stop before the client is ready ends the turn and sends nothing', async () => {
    const controller = new AbortController();
    const { env: e, posted, client } = env({ client: async () => { controller.abort(); return { client, model: 'qwen3-coder-plus' }; } });
    const turn = newTurn('[[scenario:explain-code]] explain');
    await new TurnRun(e, turn, [], controller).run();
    assert.equal(turn.status, 'stopped');
    assert.equal(posts().length, 0);
    assert.deepEqual(posted.map((m) => m.type), ['turnStart', 'turnEnd']);
    // shown as it started: a turnStart saying 'stopped' would leave the view's turnEnd nothing to end
    assert.equal(posted[0]!.type === 'turnStart' && posted[0]!.turn.status, 'streaming');
    client.dispose();
  });

  it('asks before a large request: no sends nothing, yes sends it', async () => {
    for (const send of [false, true]) {
      fake.server.reset();
      const { env: e, asked, client } = env({ confirmAboveTokens: () => 10, ask: async (q) => { asked.push(q); return { kind: 'largeContext', send }; } });
      const turn = newTurn('[[scenario:explain-code]] explain', { contextText: 'const x = 1;\n'.repeat(100) });
      await new TurnRun(e, turn, [], new AbortController()).run();
      assert.equal(asked.length, 1);
      const q = asked[0]!;
      assert.equal(q.kind, 'largeContext');
      assert.ok(q.tokens > 10);
      assert.equal(typeof q.costUsd, 'number');
      assert.equal(turn.status, send ? 'done' : 'stopped');
      assert.equal(posts().length, send ? 1 : 0);
      client.dispose();
    }
  });

  it('Stop while the question is open ends the turn (the question is withdrawn)', async () => {
    const controller = new AbortController();
    const { env: e, client } = env({
      confirmAboveTokens: () => 10,
      ask: (_q, signal) => new Promise<Answer | undefined>((resolve) => signal.addEventListener('abort', () => resolve(undefined))),
    });
    const turn = newTurn('[[scenario:explain-code]] explain', { contextText: 'x'.repeat(2000) });
    const running = new TurnRun(e, turn, [], controller).run();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(turn.status, 'streaming', 'waiting for the answer');
    controller.abort();
    await running;
    assert.equal(turn.status, 'stopped');
    assert.equal(posts().length, 0);
    client.dispose();
  });

  it('a failed request ends in the turn with the error\'s actions; a dropped one keeps its partial answer', async () => {
    const { env: e, posted, client } = env();
    const turn = newTurn('[[scenario:error-401]] hi');
    await new TurnRun(e, turn, [], new AbortController()).run();
    assert.equal(turn.status, 'error');
    assert.deepEqual(turn.error!.actions, ['setApiKey', 'openSettings'], 'a DashScope key of another region: the key, then the region setting');
    assert.match(turn.error!.message, /^failed: /, 'worded by the host');
    assert.deepEqual(posted.at(-1), { type: 'turnError', turnId: 't1', error: turn.error });

    const dropped = newTurn('[[scenario:dropped]] explain');
    await new TurnRun(e, dropped, [], new AbortController()).run();
    assert.equal(dropped.status, 'error');
    assert.ok(joinedText(dropped.parts, 'text').length > 0, 'partial answer kept');
    assert.ok(dropped.error!.actions.includes('retry'));
    client.dispose();
  });

  it('no client: the host\'s reason ends the turn, nothing is sent', async () => {
    const { env: e, posted } = env({ client: async () => ({ error: { message: 'No API key is set.', actions: ['setApiKey'] } }) });
    const turn = newTurn('hi');
    await new TurnRun(e, turn, [], new AbortController()).run();
    assert.equal(turn.status, 'error');
    assert.deepEqual(turn.error, { message: 'No API key is set.', actions: ['setApiKey'] });
    assert.deepEqual(posted.map((m) => m.type), ['turnStart', 'turnError']);
    assert.equal(posted[0]!.type === 'turnStart' && posted[0]!.turn.status, 'streaming', 'shown as it started');
    assert.equal(posts().length, 0);
  });

  it('reads what the system prompt says (the instructions file) beside getting the client, not after it', async () => {
    const order: string[] = [];
    let release!: () => void;
    const clientReady = new Promise<void>((r) => (release = r));
    const { env: e, client } = env({
      client: async () => {
        order.push('client asked');
        await clientReady;
        order.push('client ready');
        return { client, model: 'qwen3-coder-plus' };
      },
      system: async () => {
        order.push('system asked');
        return { locale: 'en', workspaceName: 'demo' };
      },
    });
    const turn = newTurn('[[scenario:explain-code]] explain');
    const running = new TurnRun(e, turn, [], new AbortController()).run();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual([...order].sort(), ['client asked', 'system asked'], 'both asked while the client is not ready yet');
    release();
    await running;
    assert.equal(turn.status, 'done');
    assert.equal(posts().length, 1);
    client.dispose();
  });

  it('continues a cut-off answer in its own text part, sending it back as a partial assistant message', async () => {
    const { env: e, posted, client } = env();
    const turn = newTurn('[[scenario:explain-code]] list', { parts: [{ kind: 'text', text: '1. one\n2. tw' }] });
    await new TurnRun(e, turn, [], new AbortController(), true).run();
    const start = posted[0]!;
    assert.ok(start.type === 'turnStart');
    const shown = joinedText(start.turn.parts, 'text');
    assert.equal(start.turn.parts.length, 1, 'the view continues the same part');
    assert.ok(shown.length > '1. one\n2. tw'.length && shown.startsWith('1. one\n2. tw'), `the view continues from there, with the first new words (${shown})`);
    assert.equal(sent(posted, 'text'), `1. one\n2. tw${A.EXPLAIN_CODE}`);
    const body = posts()[0]!.body as { messages: { role: string; content: string; partial?: boolean }[] };
    assert.deepEqual(body.messages.at(-1), { role: 'assistant', content: '1. one\n2. tw', partial: true });
    assert.deepEqual(turn.parts, [{ kind: 'text', text: `1. one\n2. tw${A.EXPLAIN_CODE}` }]);
    client.dispose();
  });

  it('an earlier agent task is sent with the tool calls it made (arguments cut short), then its words', async () => {
    const { env: e, client } = env();
    const call = (id: string, name: string, args: string, status: 'done' | 'denied' | 'error') => ({ kind: 'toolCall' as const, id, name, args, status, step: 1, result: 'a long result that is not sent again' });
    const history: StoredTurn[] = [
      newTurn('fix the parser', {
        id: 'h1', status: 'done', mode: 'agent', parts: [
          { kind: 'text', text: 'Reading it first.' },
          call('c1', 'read_file', '{"file_path":"src/parse.ts"}', 'done'),
          call('c2', 'edit', `{"file_path":"src/parse.ts","old_string":"${'x'.repeat(300)}"}`, 'done'),
          call('c3', 'run_shell_command', '{"command":"rm -rf build"}', 'denied'),
          { kind: 'text', text: 'Fixed the off-by-one in parse().' },
        ],
      }),
    ];
    await new TurnRun(e, newTurn('[[scenario:explain-code]] what did you change?'), history, new AbortController()).run();
    const body = posts()[0]!.body as { messages: { role: string; content: string }[] };
    const answer = body.messages[2]!;
    assert.equal(answer.role, 'assistant');
    const lines = answer.content.split('\n');
    assert.equal(lines[0], '[Tool calls made in this task, in order:');
    assert.equal(lines[1], '- read_file {"file_path":"src/parse.ts"}: done');
    assert.ok(lines[2]!.startsWith('- edit {"file_path":"src/parse.ts","old_string":"xxx') && lines[2]!.endsWith('…: done') && lines[2]!.length < 260, lines[2]);
    assert.equal(lines[3], '- run_shell_command {"command":"rm -rf build"}: denied by the user]');
    assert.ok(answer.content.endsWith(']\n\nReading it first.\n\nFixed the off-by-one in parse().'), answer.content);
    assert.ok(!answer.content.includes('a long result'), 'results are not sent again');
    client.dispose();
  });

  it('earlier turns are sent as history from their text parts', async () => {
    const { env: e, client } = env();
    const history: StoredTurn[] = [
      newTurn('first', { id: 'h1', status: 'done', parts: [{ kind: 'reasoning', text: 'never sent' }, { kind: 'text', text: 'first answer' }] }),
      newTurn('flagged', { id: 'h2', status: 'done', excluded: true, parts: [{ kind: 'text', text: 'left out' }] }),
    ];
    await new TurnRun(e, newTurn('[[scenario:explain-code]] second'), history, new AbortController()).run();
    const body = posts()[0]!.body as { messages: { role: string; content: string }[] };
    assert.deepEqual(body.messages.slice(1).map((m) => [m.role, m.content]), [
      ['user', 'first'],
      ['assistant', 'first answer'],
      ['user', '[[scenario:explain-code]] second'],
    ]);
    client.dispose();
  });
});
