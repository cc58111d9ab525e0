// Retries happen only before the first token, with backoff, honouring Retry-After; abort closes
// the connection at once and nothing reaches the caller afterwards.
import * as assert from 'node:assert/strict';
import * as A from '../../fake-qwen/fixtures/answers.mjs';
import { backoffDelay, parseRetryAfter } from '../../../src/qwen';
import { ask, clientFor, run, textOf, useFakeQwen } from './helpers';

describe('qwen client: retries', () => {
  const fake = useFakeQwen();

  it('retries 429 before the first token and then streams once (no duplicated events)', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:flaky-429?fail=2]]'));
    assert.equal(r.error, undefined);
    assert.deepEqual(fake.server.requests.map((q) => q.attempt), [1, 2, 3]);
    assert.equal(textOf(r.events), A.EXPLAIN_CODE);
    assert.equal(r.events.filter((e) => e.type === 'finish').length, 1);
  });

  it('honours Retry-After (seconds) instead of its own short backoff', async () => {
    const t0 = Date.now();
    const r = await run(clientFor(fake.server, { retryBaseDelayMs: 5 }), ask('[[scenario:flaky-429?fail=1&retryAfter=1]]'));
    const elapsed = Date.now() - t0;
    assert.equal(r.error, undefined);
    assert.equal(fake.server.requests.length, 2);
    assert.ok(elapsed >= 1000, `waited ${elapsed} ms`);
    assert.ok(elapsed < 1800, `but not much longer: ${elapsed} ms`);
  });

  it('gives up at once when Retry-After asks for longer than the longest wait', async () => {
    const t0 = Date.now();
    const r = await run(clientFor(fake.server, { retryMaxDelayMs: 2000 }), ask('[[scenario:error-429-retry-after]]'));
    assert.equal(r.error!.kind, 'rate-limit');
    assert.equal(r.error!.retryAfterMs, 120_000);
    assert.equal(r.error!.attempts, 1);
    assert.ok(Date.now() - t0 < 500);
  });

  it('the retry setting caps the tries', async () => {
    const r = await run(clientFor(fake.server, { maxRetries: 2 }), ask('[[scenario:error-503]]'));
    assert.equal(r.error!.kind, 'server');
    assert.equal(r.error!.attempts, 3);
    assert.equal(fake.server.requests.length, 3);
    fake.server.reset();
    const none = await run(clientFor(fake.server, { maxRetries: 0 }), ask('[[scenario:error-503]]'));
    assert.equal(none.error!.attempts, 1);
    assert.equal(fake.server.requests.length, 1);
  });

  it('retries a connection reset before the response', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:flaky-reset]]'));
    assert.equal(r.error, undefined);
    assert.equal(fake.server.requests.length, 2);
    assert.equal(textOf(r.events), A.EXPLAIN_CODE);
  });

  it('retries a stream cut before any event reached the caller', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:flaky-drop]]'));
    assert.equal(r.error, undefined);
    assert.equal(fake.server.requests.length, 2);
    assert.equal(textOf(r.events), A.EXPLAIN_CODE, 'nothing doubled');
  });

  it('does not retry what cannot succeed (401, 400)', async () => {
    for (const s of ['error-401', 'error-max-tokens', 'error-filter-input']) {
      fake.server.reset();
      const r = await run(clientFor(fake.server), ask(`[[scenario:${s}]]`));
      assert.equal(r.error!.retryable, false, s);
      assert.equal(fake.server.requests.length, 1, s);
    }
  });

  it('backoff grows exponentially with jitter and respects the cap', () => {
    const policy = { baseMs: 500, maxMs: 30_000 };
    assert.equal(backoffDelay(0, undefined, policy, () => 0), 250);
    assert.equal(backoffDelay(0, undefined, policy, () => 1), 500);
    assert.equal(backoffDelay(3, undefined, policy, () => 0), 2000);
    assert.equal(backoffDelay(3, undefined, policy, () => 1), 4000);
    assert.equal(backoffDelay(20, undefined, policy, () => 1), 30_000);
    assert.equal(backoffDelay(0, 2000, policy, () => 0), 2000);
    assert.equal(backoffDelay(0, 60_000, policy, () => 0), undefined);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter('0.5'), 500);
    const now = Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:28:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2026 07:27:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });
});

describe('qwen client: abort', () => {
  const fake = useFakeQwen();

  it('closes the connection at once, keeps what arrived, and delivers nothing after', async () => {
    const ctl = new AbortController();
    let abortedAt = 0;
    let afterAbort = 0;
    let count = 0;
    const r = await run(clientFor(fake.server), ask('[[scenario:slow-drip]]'), {
      signal: ctl.signal,
      onEvent: () => {
        if (abortedAt) afterAbort++;
        else if (count++ === 4) setTimeout(() => ((abortedAt = Date.now()), ctl.abort()), 0);
      },
    });
    assert.equal(r.error!.kind, 'aborted');
    assert.equal(r.error!.partial!.text, textOf(r.events));
    assert.ok(r.error!.partial!.text.length > 0);
    const rec = fake.server.lastRequest()!;
    assert.equal(await fake.server.waitForClose(rec, 1000), 'client');
    await new Promise((res) => setTimeout(res, 150));
    assert.equal(afterAbort, 0, 'no event after abort');
    assert.ok(rec.eventsWritten < 20, 'the server stopped writing');
  });

  it('an abort from inside onEvent stops the very next event of the same network chunk', async () => {
    const ctl = new AbortController();
    const r = await run(clientFor(fake.server), ask('[[scenario:explain-code]]'), {
      signal: ctl.signal,
      onEvent: (e) => e.type === 'text' && ctl.abort(),
    });
    assert.equal(r.error!.kind, 'aborted');
    assert.equal(r.events.length, 1);
    assert.equal(r.error!.partial!.text, (r.events[0] as { text: string }).text);
  });

  it('an already aborted signal sends nothing', async () => {
    const r = await run(clientFor(fake.server), ask('hi'), { signal: AbortSignal.abort() });
    assert.equal(r.error!.kind, 'aborted');
    await new Promise((res) => setTimeout(res, 30));
    assert.equal(fake.server.requests.length, 0);
  });

  it('abort while waiting for headers closes the socket', async () => {
    const ctl = new AbortController();
    const p = run(clientFor(fake.server), ask('[[scenario:stall-headers]]'), { signal: ctl.signal });
    const rec = await fake.server.waitForRequest();
    ctl.abort();
    const r = await p;
    assert.equal(r.error!.kind, 'aborted');
    assert.equal(r.error!.partial, undefined);
    assert.equal(await fake.server.waitForClose(rec, 1000), 'client');
  });

  it('abort during the backoff between retries ends the wait', async () => {
    const ctl = new AbortController();
    const t0 = Date.now();
    const p = run(clientFor(fake.server, { retryBaseDelayMs: 10_000, retryMaxDelayMs: 20_000 }), ask('[[scenario:error-503]]'), { signal: ctl.signal });
    await fake.server.waitForRequest();
    setTimeout(() => ctl.abort(), 20);
    const r = await p;
    assert.equal(r.error!.kind, 'aborted');
    assert.ok(Date.now() - t0 < 1000);
    assert.equal(fake.server.requests.length, 1);
  });

  it('non-streaming chat() aborts too', async () => {
    const ctl = new AbortController();
    const p = clientFor(fake.server).chat(ask('[[scenario:stall-headers]]'), { signal: ctl.signal }).catch((e) => e);
    const rec = await fake.server.waitForRequest();
    ctl.abort();
    assert.equal((await p).kind, 'aborted');
    assert.equal(await fake.server.waitForClose(rec, 1000), 'client');
  });
});
