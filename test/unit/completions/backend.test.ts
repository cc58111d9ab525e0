// Completion requests over real sockets to the fake server: what each mode sends, FIM falling back
// to the chat prompt, reading stopped (and the connection closed) once enough has arrived, abort.
import * as assert from 'node:assert/strict';
import { COMPLETION_PARAMS, FimSupport, pauseAfterError, requestCompletion, type CompletionTarget } from '../../../src/completions/backend';
import { CompletionEngine, type FetchInput } from '../../../src/completions/engine';
import { completeFim, parseFim } from '../../../src/qwen/fim';
import { PROVIDERS } from '../../../src/qwen/providers';
import { QwenClient, QwenError } from '../../../src/qwen';
import { completionScenario } from '../../fake-qwen/fim';
import { startFakeQwen, type FakeQwen } from '../../fake-qwen/server';

const KEY = 'sk-test-completions-0123456789';

function input(doc: string, extra: Partial<FetchInput> = {}): FetchInput {
  const i = doc.indexOf('|');
  const suffix = doc.slice(i + 1);
  const singleLine = suffix.split('\n')[0]!.trim() !== '';
  return { prefix: doc.slice(0, i), suffix, path: 'src/a.ts', languageId: 'typescript', singleLine, maxLines: singleLine ? 1 : 8, ...extra };
}

describe('completions: requests', () => {
  let server: FakeQwen;
  const clients: QwenClient[] = [];

  before(async () => {
    server = await startFakeQwen();
  });
  beforeEach(() => server.reset());
  after(async () => {
    for (const c of clients) c.dispose();
    await server.close();
  });

  function target(provider: 'custom' | 'dashscope-intl', model: string): CompletionTarget {
    const client = new QwenClient({ provider, baseUrl: server.url, apiKey: provider === 'custom' ? undefined : KEY, maxRetries: 0, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000 });
    clients.push(client);
    return { client, preset: PROVIDERS[provider], model, baseUrl: server.url };
  }

  it('chat prompt: the file with the cursor marked, few tokens, low temperature, streamed', async () => {
    server.setScenario(completionScenario(() => 'return a + b;\n}'));
    const r = await requestCompletion(target('custom', 'qwen3-coder-plus'), input('function add(a, b) {\n  |\n}\n'), new AbortController().signal, new FimSupport());
    assert.deepEqual(r, { text: 'return a + b;\n}', mode: 'chat' });
    const rec = server.lastRequest()!;
    assert.equal(rec.path, '/v1/chat/completions');
    const body = rec.body as { stream: boolean; max_tokens: number; temperature: number; messages: { role: string; content: string }[]; enable_thinking?: boolean };
    assert.equal(body.stream, true);
    assert.equal(body.max_tokens, COMPLETION_PARAMS.multiLineMaxTokens);
    assert.ok(body.temperature <= 0.2);
    assert.equal(body.messages[0]!.role, 'system');
    assert.equal(body.messages.at(-1)!.role, 'user');
    assert.ok(body.messages.at(-1)!.content.includes('function add(a, b) {\n  <|cursor|>\n}'), body.messages.at(-1)!.content);
    assert.equal(body.enable_thinking, undefined);
  });

  it('DashScope partial mode: the cursor line is the assistant message the model continues', async () => {
    server.setScenario(completionScenario(() => 'b;'));
    const t = target('dashscope-intl', PROVIDERS['dashscope-intl'].fastCoderModel);
    const r = await requestCompletion(t, input('function add(a, b) {\n  return a + |\n}\n'), new AbortController().signal, new FimSupport());
    assert.deepEqual(r, { text: 'b;', mode: 'partial' });
    const body = server.lastRequest()!.body as { model: string; messages: { role: string; content: string; partial?: boolean }[] };
    assert.equal(body.model, 'qwen3-coder-flash');
    assert.deepEqual(body.messages.at(-1), { role: 'assistant', content: '  return a + ', partial: true });
    assert.equal(server.lastRequest()!.headers.authorization, `Bearer ${KEY}`);
  });

  it('FIM: the Qwen FIM prompt to /completions; one line wanted = a newline stops it', async () => {
    let seen: { prefix: string; suffix: string } | undefined;
    server.setScenario(completionScenario((prefix, suffix) => {
      seen = { prefix, suffix };
      return 'a, b)\nconsole.log(1);';
    }));
    const r = await requestCompletion(target('custom', 'qwen2.5-coder-7b'), input('const s = sum(|);\n'), new AbortController().signal, new FimSupport());
    assert.deepEqual(r, { text: 'a, b)', mode: 'fim' });
    const rec = server.lastRequest()!;
    assert.equal(rec.path, '/v1/completions');
    const body = rec.body as { prompt: string; stop: string[]; max_tokens: number; stream: boolean };
    assert.deepEqual(seen, { prefix: 'const s = sum(', suffix: ');\n' });
    assert.equal(body.stop[0], '\n');
    assert.ok(body.stop.length <= 4);
    assert.equal(body.max_tokens, COMPLETION_PARAMS.singleLineMaxTokens);
    assert.equal(body.stream, false);
  });

  it('FIM refused by the server: the chat prompt answers, and later requests go there directly', async () => {
    server.setScenario(completionScenario(() => '42;', { fimStatus: 404 }));
    const t = target('custom', 'qwen2.5-coder-7b');
    const fim = new FimSupport();
    const r = await requestCompletion(t, input('x = |\n'), new AbortController().signal, fim);
    assert.deepEqual(r, { text: '42;', mode: 'chat' });
    assert.deepEqual(server.requests.map((q) => q.path), ['/v1/completions', '/v1/chat/completions']);
    await requestCompletion(t, input('y = |\n'), new AbortController().signal, fim);
    assert.deepEqual(server.requests.map((q) => q.path), ['/v1/completions', '/v1/chat/completions', '/v1/chat/completions']);
  });

  it('FIM failing for another reason (a wrong key) is a failure, not a fallback', async () => {
    server.setScenario((ctx) => ctx.json(401, { error: { message: 'Incorrect API key provided. ', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }));
    await assert.rejects(requestCompletion(target('custom', 'qwen2.5-coder-7b'), input('x = |\n'), new AbortController().signal, new FimSupport()), (e: unknown) => e instanceof QwenError && e.kind === 'auth');
    assert.equal(server.requests.length, 1);
  });

  it('stops reading a chat answer once a mid-line suggestion has its line, closing the connection', async () => {
    const long = 'a, b)\n' + Array.from({ length: 60 }, (_, i) => `line${i}();`).join('\n');
    server.setScenario(async (ctx) => ctx.reply(long, { delay: 5 }));
    const r = await requestCompletion(target('custom', 'qwen3-coder-plus'), input('f(|);\n'), new AbortController().signal, new FimSupport());
    assert.ok(r.text.startsWith('a, b)\n'), r.text);
    assert.ok(r.text.length < long.length / 2, `stopped early (${r.text.length} of ${long.length} chars)`);
    assert.equal(await server.waitForClose(server.lastRequest()!), 'client');
  });

  it('abort closes the connection at once', async () => {
    server.setScenario(completionScenario(() => 'late', { delay: 3000 }));
    const ac = new AbortController();
    const p = requestCompletion(target('custom', 'qwen2.5-coder-7b'), input('x = |\n'), ac.signal, new FimSupport());
    const rec = await server.waitForRequest();
    ac.abort();
    await assert.rejects(p, (e: unknown) => e instanceof QwenError && e.kind === 'aborted');
    assert.equal(await server.waitForClose(rec, 1000), 'client');
  });

  it('an excluded file sends nothing', async () => {
    const r = await requestCompletion(target('custom', 'qwen3-coder-plus'), input('KEY=|\n', { path: '.env.local' }), new AbortController().signal, new FimSupport());
    assert.equal(r.text, '');
    assert.equal(server.requests.length, 0);
  });

  it('through the engine: typing on aborts the request in flight, and the server sees the connection closed', async () => {
    server.setScenario(completionScenario(() => 'x * 2;', { delay: (ctx) => (ctx.record.index === 0 ? 2000 : 0) }));
    const t = target('custom', 'qwen2.5-coder-7b');
    const fim = new FimSupport();
    const engine = new CompletionEngine({ fetch: (i, s) => requestCompletion(t, i, s, fim), debounceMs: () => 10 });
    const first = engine.complete({ docKey: 'a', offset: 11, prefix: 'return x * ', suffix: '\n' });
    const rec = await server.waitForRequest();
    const second = engine.complete({ docKey: 'a', offset: 12, prefix: 'return x * 2', suffix: '\n' });
    assert.equal(await server.waitForClose(rec, 1000), 'client');
    assert.equal(await first, undefined);
    assert.equal(await second, 'x * 2;');
    assert.deepEqual({ sent: engine.stats.sent, aborted: engine.stats.aborted, max: engine.stats.maxInFlight }, { sent: 2, aborted: 1, max: 1 });
  });
});

describe('completions: quiet after a failure', () => {
  it('long enough for the user to fix what only they can fix; briefly for what passes', () => {
    const err = (kind: QwenError['kind'], extra: Partial<ConstructorParameters<typeof QwenError>[0]> = {}) => new QwenError({ kind, ...extra });
    assert.equal(pauseAfterError(err('auth')), 60_000);
    assert.equal(pauseAfterError(err('billing')), 60_000);
    assert.equal(pauseAfterError(err('model-not-found')), 60_000);
    assert.equal(pauseAfterError(err('rate-limit', { retryAfterMs: 3000 })), 3000);
    assert.equal(pauseAfterError(err('rate-limit')), 10_000);
    assert.equal(pauseAfterError(err('network')), 5_000);
    assert.equal(pauseAfterError(err('content-filter')), 0);
    assert.equal(pauseAfterError(new Error('boom')), 5_000);
  });
});

describe('completions: FIM responses', () => {
  const ctx = { provider: 'custom' as const, host: 'h', model: 'm', secrets: [] };

  it('reads choices[0].text, finish reason and usage', () => {
    const r = parseFim(JSON.stringify({ choices: [{ index: 0, text: 'x;', finish_reason: 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }, model: 'm' }), ctx);
    assert.deepEqual(r, { text: 'x;', finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 2, totalTokens: 12 }, model: 'm' });
  });

  it('rejects what is not a completion, and an error object inside a 200', () => {
    for (const bad of ['not json', '[]', '{}', '{"choices":[{"text":5}]}']) {
      assert.throws(() => parseFim(bad, ctx), (e: unknown) => e instanceof QwenError && e.kind === 'invalid-response', bad);
    }
    assert.throws(() => parseFim('{"error":{"code":"Throttling.RateQuota","message":"Requests rate limit exceeded"}}', ctx), (e: unknown) => e instanceof QwenError && e.kind === 'rate-limit');
  });

  it('needs a key where the provider does, before sending anything', async () => {
    const client = new QwenClient({ provider: 'dashscope-intl', baseUrl: 'http://127.0.0.1:9/v1' });
    await assert.rejects(completeFim(client, { model: 'qwen-coder-turbo', prompt: 'x', maxTokens: 8 }), (e: unknown) => e instanceof QwenError && e.kind === 'missing-key');
  });
});
