// The client against recorded streams over real sockets: the caller gets exactly the answer,
// reasoning, tool calls, usage and finish reason that were sent, whatever the framing.
import * as assert from 'node:assert/strict';
import * as A from '../../fake-qwen/fixtures/answers.mjs';
import { ask, clientFor, run, shape, textOf, useFakeQwen } from './helpers';
import { dashscopeStream } from '../../fake-qwen/sse';

describe('qwen client: streaming', () => {
  const fake = useFakeQwen();


  it('a client\'s next request rides the same kept-alive connection', async () => {
    const c = clientFor(fake.server);
    for (const q of ['one', 'two', 'three']) assert.equal((await run(c, ask(`[[scenario:explain-code]] ${q}`))).error, undefined);
    const posts = fake.server.requests.slice(-3);
    assert.deepEqual(posts.map((r) => r.connection), Array(3).fill(posts[0]!.connection));
    c.dispose();
  });
  it('a burst (the whole answer in one chunk): the first event reaches the caller, and a timer the caller queued for it runs before the rest is parsed', async () => {
    // Inside VS Code the message that puts the first words on screen leaves from a timer; parsing
    // the whole burst (and ending the answer) first kept it waiting.
    fake.server.setScenario((ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream' });
      ctx.res.end(dashscopeStream(ctx.model, A.EXPLAIN_CODE));
    });
    const c = clientFor(fake.server);
    let texts = 0;
    let seenByTimer = -1;
    const r = await run(c, ask('burst'), {
      onEvent: (e) => {
        if (e.type !== 'text' || ++texts > 1) return;
        setTimeout(() => (seenByTimer = texts), 0);
      },
    });
    assert.equal(r.error, undefined);
    assert.equal(textOf(r.events), A.EXPLAIN_CODE, 'the whole answer, in order, once');
    assert.deepEqual(shape(r.events), ['text', 'finish', 'usage']);
    assert.equal(seenByTimer, 1, 'the timer ran after the first text event and before the second');
    c.dispose();
  });

  it('streams a DashScope answer: text events that add up to the answer, then finish, then usage', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:explain-code]] explain'));
    assert.equal(r.error, undefined);
    assert.equal(textOf(r.events), A.EXPLAIN_CODE);
    assert.deepEqual(shape(r.events), ['text', 'finish', 'usage']);
    assert.ok(r.events.filter((e) => e.type === 'text').length > 200, 'many small text events, not one');
    assert.equal(r.result!.text, A.EXPLAIN_CODE);
    assert.equal(r.result!.finishReason, 'stop');
    assert.equal(r.result!.model, 'qwen3-coder-plus');
    assert.match(r.result!.id!, /^chatcmpl-[0-9a-f]{32}$/);
    const usage = r.result!.usage!;
    assert.equal(usage.promptTokens, 1024);
    assert.equal(usage.totalTokens, usage.promptTokens + usage.completionTokens);
    assert.equal(usage.cachedTokens, 0);
    assert.equal(r.events.some((e) => e.type === 'text' && e.text === ''), false, 'empty deltas are not events');
  });

  it('sends what DashScope expects: POST /chat/completions, stream with include_usage, Bearer key', async () => {
    await run(clientFor(fake.server, { userAgent: 'qwen-coder-test/1' }), ask('[[scenario:explain-code]] hi'));
    const req = fake.server.lastRequest()!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer sk-test-0123456789abcdef');
    assert.equal(req.headers['user-agent'], 'qwen-coder-test/1');
    assert.equal(req.body.stream, true);
    assert.deepEqual(req.body.stream_options, { include_usage: true });
    assert.equal(req.body.enable_thinking, undefined);
  });

  it('keeps Chinese text whole when lines and UTF-8 characters are split across reads', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:split-bytes]]'));
    assert.equal(r.error, undefined);
    assert.equal(textOf(r.events), A.EXPLAIN_ZH);
    assert.equal(r.result!.usage!.cachedTokens, 512);
    assert.ok(!textOf(r.events).includes('\uFFFD'), 'no replacement characters');
  });

  it('any scenario can be split to single bytes from the marker', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:maxtoken-crlf?split=1]]'));
    assert.equal(textOf(r.events), A.MAXTOKEN_ANSWER);
  });

  it('separates reasoning_content from content (qwen-plus thinking, Chinese)', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:thinking-zh]]', 'qwen-plus', { thinking: { enabled: true, budget: 4000 } }));
    assert.equal(textOf(r.events, 'reasoning'), A.THINKING_ZH_REASONING);
    assert.equal(textOf(r.events), A.THINKING_ZH_ANSWER);
    assert.deepEqual(shape(r.events), ['reasoning', 'text', 'finish', 'usage']);
    assert.equal(r.result!.reasoning, A.THINKING_ZH_REASONING);
    assert.ok(r.result!.usage!.reasoningTokens! > 0);
    const body = fake.server.lastRequest()!.body;
    assert.equal(body.enable_thinking, true);
    assert.equal(body.thinking_budget, 4000);
  });

  it('reads vLLM\'s `reasoning` field as reasoning', async () => {
    const r = await run(clientFor(fake.server, { provider: 'custom', apiKey: undefined }), ask('[[scenario:vllm-reasoning]]', 'Qwen/Qwen3-8B'));
    assert.equal(textOf(r.events, 'reasoning'), A.VLLM_REASONING);
    assert.equal(textOf(r.events), A.VLLM_ANSWER);
    assert.equal(fake.server.lastRequest()!.headers.authorization, undefined, 'custom without key sends no Authorization');
  });

  it('AI/ML API: reasoning, then usage carrying meta.usage.usd_spent', async () => {
    const r = await run(clientFor(fake.server, { provider: 'aimlapi' }), ask('[[scenario:aimlapi-reasoning]]', 'alibaba/qwen3.7-max'));
    assert.equal(textOf(r.events, 'reasoning'), A.AIMLAPI_REASONING);
    assert.equal(textOf(r.events), A.AIMLAPI_ANSWER);
    const usage = r.events.find((e) => e.type === 'usage');
    assert.ok(usage && usage.type === 'usage');
    assert.equal(usage.usage.usdSpent, 0.017388);
    assert.equal(usage.usage.promptTokens, 137);
    assert.equal(usage.usage.reasoningTokens, 147);
  });

  it('maxtoken: CRLF line ends, comment lines, usage on the finish chunk', async () => {
    const r = await run(clientFor(fake.server, { provider: 'maxtoken' }), ask('[[scenario:maxtoken-crlf]]', 'qwen3-max'));
    assert.equal(r.error, undefined);
    assert.equal(textOf(r.events), A.MAXTOKEN_ANSWER);
    assert.deepEqual(shape(r.events), ['text', 'finish', 'usage']);
    assert.equal(r.result!.usage!.promptTokens, 24);
  });

  it('assembles parallel tool calls from fragments without letting "" or null erase ids and names', async () => {
    const r = await run(clientFor(fake.server), ask(`[[scenario:tool-calls]] ${A.TOOL_QUESTION}`, 'qwen-plus', { tools: [weatherTool, timeTool] }));
    assert.equal(r.error, undefined);
    const calls = r.events.filter((e) => e.type === 'toolCall');
    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls.map((e) => e.type === 'toolCall' && [e.index, e.call.function.name, e.call.function.arguments]),
      [
        [0, 'get_current_weather', '{"location": "新加坡 (Singapore)"}'],
        [1, 'get_current_time', '{}'],
      ],
    );
    for (const c of calls) assert.ok(c.type === 'toolCall' && /^call_[0-9a-f]{22}$/.test(c.call.id), 'the id of the first fragment survives');
    assert.deepEqual(shape(r.events), ['toolCall', 'finish', 'usage']);
    assert.equal(r.result!.finishReason, 'tool_calls');
    assert.equal(r.result!.toolCalls.length, 2);
    assert.deepEqual(JSON.parse(r.result!.toolCalls[0]!.function.arguments), { location: '新加坡 (Singapore)' });
    assert.equal(fake.server.lastRequest()!.body.tools.length, 2);
  });

  it('tolerates qwen-max\'s `function: {}` fragment', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:tool-calls-qwen-max]]', 'qwen-max', { tools: [weatherTool] }));
    assert.equal(r.error, undefined);
    assert.equal(r.result!.toolCalls.length, 1);
    assert.equal(r.result!.toolCalls[0]!.function.name, 'get_current_weather');
    assert.equal(r.result!.toolCalls[0]!.function.arguments, '{"location": "Singapore"}');
    assert.match(r.result!.toolCalls[0]!.id, /^call_/);
  });

  it('reports finish_reason "length" so the chat can offer to continue', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:length]]', 'qwen-max'));
    assert.equal(r.result!.finishReason, 'length');
    assert.deepEqual(r.events.filter((e) => e.type === 'finish'), [{ type: 'finish', reason: 'length' }]);
    assert.equal(textOf(r.events), A.LENGTH_ANSWER);
  });

  it('accepts a stream that ends cleanly after the finish chunk without [DONE]', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:no-done]]'));
    assert.equal(r.error, undefined);
    assert.equal(r.result!.text, 'Short answer without a DONE line.');
  });

  it('delivers a JSON answer to a streaming request (server ignored stream:true) as events', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:json-instead-of-stream]]'));
    assert.equal(r.error, undefined);
    assert.deepEqual(shape(r.events), ['text', 'finish', 'usage']);
    assert.equal(r.result!.text, 'Answered in one piece.');
  });

  it('default scenario echoes the last user message (for UI tests)', async () => {
    const r = await run(clientFor(fake.server), ask('Please refactor this:\n```js\nconst a = 1;\n```'));
    assert.match(r.result!.text, /You asked: “Please refactor this:”/);
    assert.ok(r.result!.text.includes('```js\nconst a = 1;\n```'));
    assert.equal(fake.server.lastRequest()!.scenario, 'echo');
  });

  it('sends content given as text parts unchanged', async () => {
    const r = await run(clientFor(fake.server, { provider: 'maxtoken' }), {
      model: 'qwen3-max',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'who are you? [[scenario:maxtoken-crlf]]' }] }],
    });
    assert.equal(r.error, undefined);
    assert.deepEqual(fake.server.lastRequest()!.body.messages[0].content, [{ type: 'text', text: 'who are you? [[scenario:maxtoken-crlf]]' }]);
  });

  it('slow drip: events arrive over time, in order, complete', async () => {
    const times: number[] = [];
    const r = await run(clientFor(fake.server), ask('[[scenario:explain-code?delay=3&dropAfter=40]]'), { onEvent: () => times.push(Date.now()) });
    assert.equal(r.error?.kind, 'dropped');
    assert.ok(times[times.length - 1]! - times[0]! >= 60, 'spread over time');
    assert.ok(A.EXPLAIN_CODE.startsWith(r.error!.partial!.text));
  });
});

const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_current_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } },
};
const timeTool = { type: 'function' as const, function: { name: 'get_current_time', description: 'Current time', parameters: {} } };
