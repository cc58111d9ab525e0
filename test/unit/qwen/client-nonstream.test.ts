// Non-streaming calls, the thinking rules around them, the tools+stream fallback and GET /models.
import * as assert from 'node:assert/strict';
import * as A from '../../fake-qwen/fixtures/answers.mjs';
import type { StreamEvent } from '../../../src/qwen';
import { ask, clientFor, run, shape, useFakeQwen } from './helpers';

describe('qwen client: non-streaming, thinking rules, models', () => {
  const fake = useFakeQwen({ models: ['Qwen/Qwen3-Coder-30B-A3B-Instruct', 'qwen3:8b'] });

  it('chat() returns the whole answer from one JSON response', async () => {
    const result = await clientFor(fake.server).chat(ask('[[scenario:explain-zh]]'));
    assert.equal(result.text, A.EXPLAIN_ZH);
    assert.equal(result.finishReason, 'stop');
    assert.equal(result.usage!.cachedTokens, 512);
    const body = fake.server.lastRequest()!.body;
    assert.equal(body.stream, false);
    assert.equal(body.stream_options, undefined);
  });

  it('never sends thinking parameters on a non-streaming call (DashScope would answer 400)', async () => {
    const result = await clientFor(fake.server).chat(ask('[[scenario:thinking-zh]]', 'qwen-plus', { thinking: { enabled: true, budget: 1000 } }));
    const body = fake.server.lastRequest()!.body;
    assert.equal(body.enable_thinking, undefined);
    assert.equal(body.thinking_budget, undefined);
    assert.equal(result.text, A.THINKING_ZH_ANSWER);
    assert.equal(result.reasoning, A.THINKING_ZH_REASONING, 'the server\'s reasoning still arrives');
  });

  it('stream-only models (QwQ) are streamed even through chat()', async () => {
    const result = await clientFor(fake.server).chat(ask('[[scenario:qwq]]', 'qwq-plus'));
    assert.equal(fake.server.lastRequest()!.body.stream, true);
    assert.equal(result.reasoning, A.QWQ_REASONING);
    assert.equal(result.text, A.QWQ_ANSWER);
  });

  it('models that think by default (open-source qwen3) are streamed through chat() too', async () => {
    await clientFor(fake.server).chat(ask('hello', 'qwen3-32b'));
    assert.equal(fake.server.lastRequest()!.body.stream, true);
  });

  it('when a non-streaming call is refused for thinking, it streams and collects instead', async () => {
    let n = 0;
    fake.server.setScenario((ctx) => {
      if (n++ === 0) return ctx.json(400, { error: { code: 'invalid_parameter_error', message: 'parameter.enable_thinking must be set to false for non-streaming calls', type: 'invalid_request_error' } });
      return ctx.fixture('dashscope-qwen-plus-thinking-zh');
    });
    const result = await clientFor(fake.server).chat(ask('hi', 'some-new-thinking-model'));
    assert.deepEqual(fake.server.requests.map((r) => r.body.stream), [false, true]);
    assert.equal(result.text, A.THINKING_ZH_ANSWER);
  });

  it('thinking parameters only for models that take them, and only to DashScope', async () => {
    const c = clientFor(fake.server);
    await run(c, ask('x', 'qwen3-coder-plus', { thinking: { enabled: true, budget: 100 } }));
    assert.equal(fake.server.lastRequest()!.body.enable_thinking, undefined, 'qwen3-coder never thinks');
    await run(c, ask('x', 'qwen-plus', { thinking: { enabled: false } }));
    assert.equal(fake.server.lastRequest()!.body.enable_thinking, false);
    assert.equal(fake.server.lastRequest()!.body.thinking_budget, undefined);
    await run(c, ask('x', 'qwen-plus', { thinking: { enabled: true, budget: 1_000_000 } }));
    assert.equal(fake.server.lastRequest()!.body.thinking_budget, 81_920, 'clamped to the model\'s budget limit');
    await run(c, ask('x', 'qwq-plus', { thinking: { enabled: false } }));
    assert.equal(fake.server.lastRequest()!.body.enable_thinking, undefined, 'QwQ always thinks: nothing to switch');
    await run(clientFor(fake.server, { provider: 'aimlapi' }), ask('x', 'qwen-plus', { thinking: { enabled: true } }));
    assert.equal(fake.server.lastRequest()!.body.enable_thinking, undefined, 'AI/ML API does not take DashScope\'s switch');
  });

  it('tools with stream refused (older endpoints): falls back to non-streaming and delivers the calls as events', async () => {
    const events: StreamEvent[] = [];
    const result = await clientFor(fake.server).streamChat(
      ask('[[scenario:tools-stream-rejected]]', 'qwen-plus', { tools: [{ type: 'function', function: { name: 'get_current_weather', parameters: {} } }], thinking: { enabled: true } }),
      { onEvent: (e) => events.push(e) },
    );
    assert.deepEqual(fake.server.requests.map((r) => r.body.stream), [true, false]);
    assert.equal(fake.server.lastRequest()!.body.enable_thinking, undefined);
    assert.deepEqual(shape(events), ['toolCall', 'finish', 'usage']);
    assert.deepEqual(
      result.toolCalls.map((c) => c.function.name),
      ['get_current_weather', 'get_current_time'],
    );
    assert.equal(result.toolCalls[0]!.function.arguments, '{"location": "新加坡 (Singapore)"}');
  });

  it('max_tokens is clamped to the model\'s output limit (qwen-max: 8192), so the server accepts it', async () => {
    const r = await run(clientFor(fake.server), ask('x', 'qwen-max', { maxTokens: 100_000 }));
    assert.equal(r.error, undefined);
    assert.equal(fake.server.lastRequest()!.body.max_tokens, 8192);
  });

  it('one system message first; temperature and top_p inside their ranges', async () => {
    const r = await run(clientFor(fake.server), {
      model: 'qwen3-coder-plus',
      temperature: 2,
      topP: 0,
      messages: [
        { role: 'user', content: 'first' },
        { role: 'system', content: 'You are Qwen.' },
        { role: 'assistant', content: 'ok' },
        { role: 'system', content: [{ type: 'text', text: 'Answer briefly.' }] },
        { role: 'user', content: 'second' },
      ],
    });
    assert.equal(r.error, undefined, 'the server enforces the rules and accepted the request');
    const body = fake.server.lastRequest()!.body;
    assert.deepEqual(
      body.messages.map((m: { role: string }) => m.role),
      ['system', 'user', 'assistant', 'user'],
    );
    assert.equal(body.messages[0].content, 'You are Qwen.\n\nAnswer briefly.');
    assert.ok(body.temperature < 2 && body.temperature >= 1.9);
    assert.ok(body.top_p > 0 && body.top_p <= 1);
  });

  it('lists a custom server\'s models (GET {base}/models)', async () => {
    const c = clientFor(fake.server, { provider: 'custom', apiKey: undefined });
    assert.deepEqual(await c.listModels(), ['Qwen/Qwen3-Coder-30B-A3B-Instruct', 'qwen3:8b']);
    assert.equal(fake.server.lastRequest()!.method, 'GET');
    assert.equal(fake.server.lastRequest()!.path, '/v1/models');
  });

  it('custom provider with no model set uses the server\'s first model', async () => {
    const c = clientFor(fake.server, { provider: 'custom', apiKey: undefined });
    const r = await run(c, ask('hi', ''));
    assert.equal(r.error, undefined);
    assert.equal(fake.server.lastRequest()!.body.model, 'Qwen/Qwen3-Coder-30B-A3B-Instruct');
    assert.equal(r.result!.requestedModel, 'Qwen/Qwen3-Coder-30B-A3B-Instruct', 'and says which, for the chat to name it');
  });

  it('a stream-only model answering an error keeps its kind through chat()', async () => {
    const e = await clientFor(fake.server).chat(ask('[[scenario:error-401]]', 'qwq-plus')).catch((x) => x);
    assert.equal(e.kind, 'auth');
  });

  it('text of non-streaming answers given as text parts', async () => {
    fake.server.setScenario({ json: { id: 'x', model: 'qwen3-max', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: [{ type: 'text', text: 'Hello ' }, { type: 'text', text: 'world' }] } }] } });
    const result = await clientFor(fake.server, { provider: 'maxtoken' }).chat(ask('hi', 'qwen3-max'));
    assert.equal(result.text, 'Hello world');
  });
});
