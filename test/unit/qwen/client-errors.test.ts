// Every error DashScope and the other providers answer with (401, 400 Arrearage and content filter,
// 403, 404, 429 rate and quota, 500, 503, a proxy's 407 and HTML), and the ugly ones around it, ends
// as one typed QwenError with one sentence for the user (never the key) and the action that helps.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as A from '../../fake-qwen/fixtures/answers.mjs';
import { startFakeQwen } from '../../fake-qwen/server';
import { fixturesDir } from '../../fake-qwen/fixtures';
import { QwenClient, type QwenErrorKind } from '../../../src/qwen';
import { KEY, ask, clientFor, run, textOf, useFakeQwen } from './helpers';

function assertOneSentence(message: string): void {
  assert.ok(message.length > 20 && message.length < 400, `reasonable length: ${message}`);
  assert.match(message, /^[A-Z"“]/, 'starts like a sentence');
  assert.match(message, /[.!]$/, 'ends like a sentence');
  assert.equal(message.split(/[.!?] [A-Z]/).length, 1, `one sentence: ${message}`);
  assert.ok(!message.includes(KEY) && !message.includes('sk-test'), 'never the key');
}

describe('qwen client: errors', () => {
  const fake = useFakeQwen();

  const table: [scenario: string, kind: QwenErrorKind, action: string | undefined, extra?: (e: any) => void][] = [
    ['error-401', 'auth', 'setApiKey', (e) => {
      assert.deepEqual(e.actions, ['setApiKey', 'checkRegion']);
      assert.match(e.message, /region/);
    }],
    ['error-arrearage', 'billing', undefined, (e) => assert.equal(e.code, 'Arrearage')],
    ['error-filter-input', 'content-filter', 'removeFlaggedMessage', (e) => assert.equal(e.filtered, 'input')],
    ['error-filter-output', 'content-filter', 'retry', (e) => assert.equal(e.filtered, 'output')],
    ['error-max-tokens', 'bad-parameter', undefined, (e) => assert.match(e.message, /Range of max_tokens should be \[1, 8192\]/)],
    ['error-context-length', 'context-length', 'shortenHistory'],
    ['error-403', 'access-denied', undefined],
    ['error-404-model', 'model-not-found', 'selectModel', (e) => assert.match(e.message, /"qwen3-coder-plus"/)],
    ['error-429-quota', 'quota', 'retry', (e) => assert.equal(e.attempts, 2)],
    ['error-429-rate', 'rate-limit', 'retry', (e) => assert.equal(e.attempts, 2)],
    ['error-500', 'server', 'retry', (e) => assert.equal(e.attempts, 2)],
    ['error-503', 'server', 'retry', (e) => assert.equal(e.status, 503)],
    ['error-502-html', 'proxy', 'checkProxy', (e) => assert.equal(e.code, 'html-response')],
    ['html-200', 'proxy', 'checkProxy', (e) => assert.equal(e.status, 200)],
    ['error-407', 'proxy', 'checkProxy', (e) => assert.match(e.message, /authentication/)],
  ];
  for (const [scenario, kind, action, extra] of table) {
    it(`${scenario} → ${kind}`, async () => {
      const r = await run(clientFor(fake.server, { maxRetries: 1 }), ask(`[[scenario:${scenario}]]`));
      assert.ok(r.error, 'rejects');
      assert.equal(r.error.kind, kind);
      assert.equal(r.error.action, action);
      assert.deepEqual(r.events, [], 'no events for a failed request');
      assert.equal(r.error.partial, undefined);
      assertOneSentence(r.error.message);
      extra?.(r.error);
    });
  }

  it('AI/ML API error shapes: 401 and "no credits"', async () => {
    const c = clientFor(fake.server, { provider: 'aimlapi' });
    const auth = await run(c, ask('[[scenario:error-401-aimlapi]]'));
    assert.equal(auth.error!.kind, 'auth');
    assert.equal(auth.error!.requestId, 'a7c9e1f3-5b2d-4e6f-8a0c-1e3f5a7b9c2d');
    assert.deepEqual(auth.error!.actions, ['setApiKey'], 'no region hint outside DashScope');
    const credits = await run(c, ask('[[scenario:error-403-credits]]'));
    assert.equal(credits.error!.kind, 'billing');
    assertOneSentence(credits.error!.message);
  });

  it('an error object inside a 200 stream fails the request and keeps the partial answer', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:stream-error]]'));
    assert.equal(r.error!.kind, 'stream-error');
    assert.equal(r.error!.inStream, true);
    assert.equal(r.error!.code, 'InternalError.Algo');
    assert.equal(r.error!.partial!.text, A.STREAM_ERROR_PARTIAL);
    assert.equal(textOf(r.events), A.STREAM_ERROR_PARTIAL);
    assert.equal(r.error!.retryable, false, 'not retried after the first token');
    assert.equal(fake.server.requests.length, 1);
    assert.match(r.error!.message, /kept/);
    assertOneSentence(r.error!.message);
  });

  it('output moderation inside the stream is a content-filter error on the output', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:output-filter]]', 'qwen-plus'));
    assert.equal(r.error!.kind, 'content-filter');
    assert.equal(r.error!.filtered, 'output');
    assert.equal(r.error!.partial!.text, A.OUTPUT_FILTER_PARTIAL);
  });

  it('a connection dropped before [DONE] is `dropped`, with the partial answer and no retry', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:dropped]]'));
    assert.equal(r.error!.kind, 'dropped');
    assert.ok(r.error!.partial!.text.length > 0);
    assert.ok(A.EXPLAIN_CODE.startsWith(r.error!.partial!.text));
    assert.equal(r.error!.partial!.text, textOf(r.events));
    assert.equal(fake.server.requests.length, 1, 'nothing retried silently after the first token');
    assert.deepEqual(r.error!.actions, ['continue', 'retry']);
    assert.equal(r.error!.retryable, false);
    assertOneSentence(r.error!.message);
  });

  it('idle timeout: a stream that stalls fails after the idle timeout with the partial answer', async () => {
    const t0 = Date.now();
    const r = await run(clientFor(fake.server, { idleTimeoutMs: 150 }), ask('[[scenario:stall]]'));
    assert.equal(r.error!.kind, 'timeout');
    assert.equal(r.error!.timeoutPhase, 'idle');
    assert.ok(r.error!.partial!.text.length > 0);
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(await fake.server.waitForClose(fake.server.lastRequest()!), 'client', 'the client closed the connection');
    assert.deepEqual(r.error!.actions, ['continue', 'retry']);
  });

  it('first-byte timeout: no headers in time, retried, then reported', async () => {
    const r = await run(clientFor(fake.server, { firstByteTimeoutMs: 100, maxRetries: 1 }), ask('[[scenario:stall-headers]]'));
    assert.equal(r.error!.kind, 'timeout');
    assert.equal(r.error!.timeoutPhase, 'first-byte');
    assert.equal(fake.server.requests.length, 2);
    assert.match(r.error!.message, /0\.1 seconds/);
  });

  it('headers but never a body: the first-byte timeout still ends it', async () => {
    // The header timer now runs until the first body chunk has been delivered, not just the headers.
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const client = new QwenClient({ provider: 'custom', baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY, firstByteTimeoutMs: 150, idleTimeoutMs: 60_000, maxRetries: 0 });
    try {
      const t0 = Date.now();
      const r = await run(client, ask('hello'));
      assert.equal(r.error?.kind, 'timeout');
      assert.equal(r.error!.timeoutPhase, 'first-byte');
      assert.ok(Date.now() - t0 < 2000, 'ended by the 150 ms timer, not the 60 s one');
      assert.equal(r.events.length, 0);
    } finally {
      client.dispose();
      server.closeAllConnections();
      server.close();
    }
  });

  it('connection refused', async () => {
    const port = await freePort();
    const c = new QwenClient({ provider: 'custom', baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const r = await run(c, ask('hi', 'm'));
    assert.equal(r.error!.kind, 'network');
    assert.equal(r.error!.code, 'ECONNREFUSED');
    assertOneSentence(r.error!.message);
  });

  it('DNS failure is not retried', async () => {
    const c = new QwenClient({ provider: 'custom', baseUrl: 'https://qwen-does-not-exist.invalid/v1', maxRetries: 3, retryBaseDelayMs: 5 });
    const r = await run(c, ask('hi', 'm'));
    assert.equal(r.error!.kind, 'network');
    assert.match(r.error!.code!, /ENOTFOUND|EAI_AGAIN/);
    assert.equal(r.error!.attempts, 1);
    assert.match(r.error!.message, /qwen-does-not-exist\.invalid/);
  });

  it('TLS failure (untrusted certificate) names the likely cause', async () => {
    const dir = join(fixturesDir(), 'tls');
    const tls = await startFakeQwen({ tls: { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) } });
    try {
      const r = await run(new QwenClient({ provider: 'custom', baseUrl: tls.url, maxRetries: 2 }), ask('hi', 'm'));
      assert.equal(r.error!.kind, 'network');
      assert.match(r.error!.code!, /SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO/);
      assert.equal(r.error!.attempts, 1, 'a certificate does not fix itself');
      assert.equal(r.error!.action, 'checkProxy');
      assertOneSentence(r.error!.message);
      // the same server is fine once its certificate is trusted
      const ok = await run(new QwenClient({ provider: 'custom', baseUrl: tls.url, ca: readFileSync(join(dir, 'cert.pem'), 'utf8') }), ask('hi', 'm'));
      assert.equal(ok.error, undefined);
    } finally {
      await tls.close();
    }
  });

  it('a missing key fails before anything is sent', async () => {
    const r = await run(clientFor(fake.server, { apiKey: undefined }), ask('hi'));
    assert.equal(r.error!.kind, 'missing-key');
    assert.equal(r.error!.action, 'setApiKey');
    assert.equal(fake.server.requests.length, 0);
  });

  it('custom provider without a base URL is a config error', async () => {
    const r = await run(new QwenClient({ provider: 'custom' }), ask('hi', 'm'));
    assert.equal(r.error!.kind, 'config');
    assert.equal(r.error!.action, 'openSettings');
  });

  it('a wrong base URL (a 404 that names no model) says so, for chat and for the model list', async () => {
    fake.server.setScenario({ status: 404, json: { detail: 'Not Found' } });
    const r = await run(clientFor(fake.server), ask('hi'));
    assert.equal(r.error!.kind, 'endpoint-not-found');
    assert.equal(r.error!.action, 'openSettings');
    assertOneSentence(r.error!.message);
    const models = await clientFor(fake.server).listModels().catch((e) => e);
    assert.equal(models.kind, 'endpoint-not-found');
  });

  it('the server never echoes the key into messages or logs', async () => {
    const logs: string[] = [];
    const c = clientFor(fake.server, { log: (_l, m) => logs.push(m), maxRetries: 0 });
    fake.server.setScenario({ status: 401, json: { error: { message: `Incorrect API key provided: ${KEY}`, code: 'invalid_api_key' } } });
    const r = await run(c, ask('hi'));
    assert.equal(r.error!.kind, 'auth');
    assert.ok(!JSON.stringify({ m: r.error!.message, s: r.error!.serverMessage }).includes(KEY));
    assert.ok(logs.length > 0);
    for (const l of logs) assert.ok(!l.includes(KEY), l);
    assert.ok(logs.some((l) => /Bearer \*\*\*/.test(l)), 'the Authorization header is logged redacted');
  });

  it('malformed JSON in the stream is invalid-response', async () => {
    fake.server.setScenario({ sse: 'data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: {not json\n\n' });
    const r = await run(clientFor(fake.server), ask('hi'));
    assert.equal(r.error!.kind, 'invalid-response');
    assert.equal(r.error!.partial!.text, 'ok');
  });

  it('a chunk of the wrong shape is invalid-response (schema check on every chunk)', async () => {
    fake.server.setScenario({ sse: 'data: {"choices":[{"delta":{"content":42}}]}\n\n' });
    const r = await run(clientFor(fake.server), ask('hi'));
    assert.equal(r.error!.kind, 'invalid-response');
    assert.deepEqual(r.events, []);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('qwen client: bodies that are not what they claim', () => {
  const fake = useFakeQwen();

  it('a 200 that is neither SSE nor JSON is invalid-response, not retried as a drop', async () => {
    fake.server.setScenario({ body: 'OK\nall good\n', contentType: 'text/plain' });
    const r = await run(clientFor(fake.server), ask('hi'));
    assert.equal(r.error!.kind, 'invalid-response');
    assert.equal(fake.server.requests.length, 1);
  });

  it('a JSON completion labelled as an event stream is still delivered', async () => {
    fake.server.setScenario({ body: JSON.stringify({ id: 'c1', model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'whole' } }] }), contentType: 'text/event-stream' });
    const r = await run(clientFor(fake.server), ask('hi'));
    assert.equal(r.error, undefined);
    assert.equal(textOf(r.events), 'whole');
  });

  it('an HTML page labelled as an event stream is a proxy error', async () => {
    fake.server.setScenario({ body: '<!doctype html><html><body>Blocked by policy</body></html>', contentType: 'text/event-stream' });
    const r = await run(clientFor(fake.server), ask('hi'));
    assert.equal(r.error!.kind, 'proxy');
    assert.equal(r.error!.code, 'html-response');
  });

  it('headers then an immediate close is a drop (retried, then reported)', async () => {
    fake.server.setScenario({ sse: '' });
    const r = await run(clientFor(fake.server, { maxRetries: 1 }), ask('hi'));
    assert.equal(r.error!.kind, 'dropped');
    assert.equal(fake.server.requests.length, 2);
  });
});
