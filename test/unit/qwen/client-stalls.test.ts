// Bodies that stall after the headers, bodies that arrive slowly, and streams of keep-alive
// comments that never bring an event: every byte path ends in bounded time, and only then.
import * as assert from 'node:assert/strict';
import { describeError, QwenError } from '../../../src/qwen';
import { ask, assertOneSentence, clientFor, guard, run, textOf, useFakeQwen } from './helpers';

describe('qwen client: bodies that stall', () => {
  const fake = useFakeQwen();

  const quick = { firstByteTimeoutMs: 300, idleTimeoutMs: 300, maxRetries: 0 };

  for (const scenario of ['stall-error-body', 'stall-json-body']) {
    it(`${scenario}: headers then silence ends with a timeout (streaming)`, async () => {
      const t0 = Date.now();
      const r = await run(clientFor(fake.server, quick), ask(`[[scenario:${scenario}]]`), { signal: guard(4000) });
      assert.equal(r.error?.kind, 'timeout', r.error?.message);
      assert.ok(Date.now() - t0 < 2000, `ended in ${Date.now() - t0} ms`);
      assertOneSentence(r.error.message);
    });
  }

  it('stall-error-body: headers then silence ends with a timeout (non-streaming)', async () => {
    const t0 = Date.now();
    const e = await clientFor(fake.server, quick).chat(ask('[[scenario:stall-error-body]]'), { signal: guard(4000) }).catch((x: unknown) => x);
    assert.ok(e instanceof QwenError);
    assert.equal(e.kind, 'timeout', e.message);
    assert.ok(Date.now() - t0 < 2000, `ended in ${Date.now() - t0} ms`);
  });

  it('a slow JSON body under an event-stream type is not timed out while it keeps arriving', async () => {
    const body = JSON.stringify({ id: 'c1', model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'slow but whole' } }] });
    fake.server.setScenario(async (ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream' });
      // 8 pieces 100 ms apart: 700 ms in all, well past the 300 ms idle timeout, never silent that long.
      const step = Math.ceil(body.length / 8);
      for (let i = 0; i < body.length; i += step) {
        ctx.res.write(body.slice(i, i + step));
        await ctx.sleep(100);
      }
      ctx.res.end();
    });
    const r = await run(clientFor(fake.server, quick), ask('hi'), { signal: guard(4000) });
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(textOf(r.events), 'slow but whole');
  });

  it('a slow error body is not timed out while it keeps arriving', async () => {
    const body = JSON.stringify({ error: { code: 'invalid_api_key', message: 'Incorrect API key provided.' } });
    fake.server.setScenario(async (ctx) => {
      ctx.res.writeHead(401, { 'content-type': 'application/json' });
      const step = Math.ceil(body.length / 6);
      for (let i = 0; i < body.length; i += step) {
        ctx.res.write(body.slice(i, i + step));
        await ctx.sleep(100);
      }
      ctx.res.end();
    });
    const r = await run(clientFor(fake.server, quick), ask('hi'), { signal: guard(4000) });
    assert.equal(r.error?.kind, 'auth', r.error?.message);
  });
});

describe('qwen client: keep-alive comments only', () => {
  const fake = useFakeQwen();

  it('ends with a timeout after noEventTimeoutMs', async () => {
    const t0 = Date.now();
    const r = await run(clientFor(fake.server, { firstByteTimeoutMs: 2000, idleTimeoutMs: 2000, noEventTimeoutMs: 400, maxRetries: 0 }), ask('[[scenario:comments-only?every=20]]'), { signal: guard(5000) });
    const elapsed = Date.now() - t0;
    assert.equal(r.error?.kind, 'timeout', r.error?.message);
    assert.equal(r.error.timeoutPhase, 'no-event');
    assert.ok(elapsed >= 400 && elapsed < 1500, `ended in ${elapsed} ms`);
    assertOneSentence(r.error.message);
    assert.match(describeError(r.error, 'zh-cn'), /[\u4e00-\u9fff]/);
  });

  it('by default, after the first-byte and idle timeouts together', async () => {
    const t0 = Date.now();
    const r = await run(clientFor(fake.server, { firstByteTimeoutMs: 300, idleTimeoutMs: 300, maxRetries: 0 }), ask('[[scenario:comments-only?every=20]]'), { signal: guard(5000) });
    const elapsed = Date.now() - t0;
    assert.equal(r.error?.kind, 'timeout', r.error?.message);
    assert.equal(r.error.timeoutPhase, 'no-event');
    assert.ok(elapsed >= 600 && elapsed < 2000, `ended in ${elapsed} ms`);
  });

  it('comments between events do not end a live stream', async () => {
    fake.server.setScenario(async (ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream' });
      // An event every 250 ms with comments between: 1 s in all, past the 400 ms limit, never without an event that long.
      for (let i = 0; i < 4; i++) {
        ctx.res.write(`data: {"choices":[{"index":0,"delta":{"content":"${i}"}}]}\n\n`);
        for (let j = 0; j < 5; j++) {
          ctx.res.write(': keep-alive\n\n');
          await ctx.sleep(50);
        }
      }
      ctx.res.end('data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n');
    });
    const r = await run(clientFor(fake.server, { noEventTimeoutMs: 400 }), ask('hi'), { signal: guard(5000) });
    assert.equal(r.error, undefined, r.error?.message);
    assert.equal(textOf(r.events), '0123');
  });
});
