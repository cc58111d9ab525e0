// What the fake server can do, by name. Choose one from another process with the marker
// [[scenario:NAME]] (or [[scenario:NAME?param=value&…]]) in the last user message, or in-process
// with server.setScenario(). See README.md for the list and the delivery parameters.
import type { ScenarioContext } from './server';
import { aggregate, contentChunk, dashscopeStream, DONE, event, finishChunk, firstChunk, newEnvelope, usageChunk } from './sse';
import { hugeStream, longStream } from './fixtures';
import { HOSTILE_SCENARIOS } from './hostile';
import { AGENT_SCENARIOS } from './agentScenarios';

export type ScenarioHandler = (ctx: ScenarioContext) => Promise<void> | void;

export interface Scenario {
  description: string;
  run: ScenarioHandler;
}

const fixture = (name: string, description: string): Scenario => ({ description, run: (ctx) => ctx.fixture(name) });

function httpError(status: number, body: unknown, description: string, headers: Record<string, string> = {}): Scenario {
  return { description, run: (ctx) => ctx.json(status, body, headers) };
}

const dsError = (code: string, message: string, type = code) => ({
  error: { code, param: null, message, type },
  id: 'chatcmpl-0b8e6a3c1d2f4e5a9b7c6d5e4f3a2b1c',
  request_id: '6f1c4a2e-8d3b-9c7a-b5e4-2f1a0c9d8e7b',
});

const HTML_502 = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

const PORTAL = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Network login</title></head><body><form method="post" action="/login"><p>Please sign in to use the guest Wi-Fi.</p><input name="user"><input type="password" name="pass"><button>Sign in</button></form></body></html>`;

const FIRST_CODE_BLOCK = /```[^\n]*\n[\s\S]*?```/;

/** The default: a plausible streamed answer that shows the user's words back, so a UI has something real. */
function echoAnswer(userText: string): string {
  const clean = userText.replace(/\[\[scenario:[^\]]*\]\]/g, '').trim();
  const code = FIRST_CODE_BLOCK.exec(clean)?.[0];
  const prose = clean.replace(FIRST_CODE_BLOCK, '').replace(/\s+/g, ' ').trim();
  const quote = prose.length > 160 ? `${prose.slice(0, 157)}…` : prose;
  const parts = [
    quote ? `You asked: “${quote}”` : 'You sent an empty message.',
    '',
    'This answer comes from the **fake Qwen server** used by the tests: no model was called. It streams the way DashScope does, in small chunks, then a usage chunk and `[DONE]`.',
    '',
  ];
  if (code) parts.push('Here is the code from your message, unchanged:', '', code, '');
  else parts.push('A small example, to check code rendering:', '', '```ts', 'export function greet(name: string): string {', '  return `Hello, ${name}!`;', '}', '```', '');
  parts.push('- 中文也可以正常显示。', '- Emoji too: ✅');
  return parts.join('\n');
}

export const SCENARIOS: Record<string, Scenario> = {
  echo: {
    description: 'default: a DashScope-style stream that quotes the last user message (and repeats its first code block)',
    run: (ctx) => ctx.reply(echoAnswer(ctx.lastUserText)),
  },

  // ---- recorded streams --------------------------------------------------------------------
  'explain-code': fixture('dashscope-qwen3-coder-plus-explain', 'qwen3-coder-plus explaining TypeScript (English, code blocks), 307 events'),
  'explain-zh': fixture('dashscope-qwen3-coder-plus-explain-zh', 'qwen3-coder-plus explaining Python in Chinese, cached tokens in usage'),
  'thinking-zh': fixture('dashscope-qwen-plus-thinking-zh', 'qwen-plus in thinking mode: reasoning_content then content (Chinese, Go code)'),
  qwq: fixture('dashscope-qwq-plus', 'qwq-plus: English reasoning then the answer'),
  'aimlapi-reasoning': fixture('aimlapi-qwen3.7-max', 'AI/ML API qwen3.7-max: reasoning, usage with meta.usage.usd_spent'),
  'maxtoken-crlf': fixture('maxtoken-qwen3-max-crlf', 'maxtoken qwen3-max: CRLF line ends, comment lines, usage on the finish chunk'),
  'vllm-reasoning': fixture('vllm-qwen3-reasoning', 'vLLM-style stream using `reasoning` instead of `reasoning_content`'),
  'tool-calls': fixture('dashscope-qwen-plus-tool-calls', 'qwen-plus: two parallel tool calls in fragments ("id": "", "name": "", name: null)'),
  'tool-calls-qwen-max': fixture('dashscope-qwen-max-tool-calls', 'qwen-max: one tool call ending with a `function: {}` fragment'),
  length: fixture('dashscope-qwen-max-length', 'qwen-max answer cut by max_tokens: finish_reason "length"'),
  'stream-error': fixture('dashscope-qwen3-coder-plus-stream-error', 'text, then {"error":{…}} inside the 200 stream'),
  'output-filter': fixture('dashscope-qwen-plus-output-filter', 'text, then data_inspection_failed ("Output data…") inside the stream'),

  // ---- delivery problems (any scenario takes these as parameters too) -------------------------
  'split-bytes': { description: 'explain-zh written 5 bytes at a time: lines and UTF-8 characters split across reads', run: (ctx) => ctx.fixture('dashscope-qwen3-coder-plus-explain-zh', { split: 5 }) },
  'slow-drip': { description: 'explain-code with 40 ms between events (param delay=)', run: (ctx) => ctx.fixture('dashscope-qwen3-coder-plus-explain', { delay: 40 }) },
  stall: { description: 'explain-code, then silence after 5 events with the connection open (param stallAfter=)', run: (ctx) => ctx.fixture('dashscope-qwen3-coder-plus-explain', { stallAfter: 5 }) },
  'stall-headers': { description: 'accepts the request and never answers (not even headers)', run: (ctx) => ctx.waitForClose() },
  dropped: { description: 'explain-code, then the socket is destroyed after 10 events (param dropAfter=)', run: (ctx) => ctx.fixture('dashscope-qwen3-coder-plus-explain', { dropAfter: 10 }) },
  'no-done': {
    description: 'ends cleanly after the finish and usage chunks without `data: [DONE]`',
    run: (ctx) => ctx.sse(dashscopeStream(ctx.model, 'Short answer without a DONE line.').replace('data: [DONE]\n\n', '')),
  },
  'json-instead-of-stream': {
    description: 'ignores stream:true and answers with one application/json chat.completion',
    run: (ctx) => {
      const agg = aggregate(dashscopeStream(ctx.model, 'Answered in one piece.'));
      ctx.json(agg.status, agg.body);
    },
  },
  long: {
    description: 'a deterministic stream of 20,000 content chunks (param chunks=) cut from the recordings',
    run: (ctx) => ctx.sse(longStream(Number(ctx.params.get('chunks') ?? 20_000), ctx.model).events),
  },
  huge: {
    description: 'an answer of 50 MB (param mb=) in ~2 KB chunks, generated as it is written',
    run: (ctx) => ctx.sse(hugeStream(Number(ctx.params.get('mb') ?? 50) * 1024 * 1024, Number(ctx.params.get('piece') ?? 2048), ctx.model)),
  },
  'first-event': {
    description: 'waits (param wait=, ms), then writes headers and the first text chunk together; that chunk\'s text is the server clock (performance.timeOrigin + now, ms) just before the write',
    run: async (ctx) => {
      await ctx.sleep(Number(ctx.params.get('wait') ?? 20));
      const env = newEnvelope(ctx.model);
      const stamp = (performance.timeOrigin + performance.now()).toFixed(3);
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream;charset=UTF-8', 'cache-control': 'no-cache' });
      ctx.res.write(event(firstChunk(env)) + event(contentChunk(env, stamp)));
      ctx.res.end(event(contentChunk(env, ' (server clock at the first text chunk)')) + event(finishChunk(env)) + event(usageChunk(env, 10, 2)) + DONE);
    },
  },

  // ---- HTTP errors, with the bodies the providers send -----------------------------------------
  'error-401': httpError(401, { error: { message: 'Incorrect API key provided. ', type: 'invalid_request_error', param: null, code: 'invalid_api_key' }, request_id: 'b1d2a3c4-0000-4f5e-8a9b-0c1d2e3f4a5b' }, 'DashScope: wrong key, or a key of another region'),
  'error-401-aimlapi': httpError(401, { message: 'Invalid API key', path: '/v1/chat/completions', requestId: 'a7c9e1f3-5b2d-4e6f-8a0c-1e3f5a7b9c2d', statusCode: 401, timestamp: '2026-05-21T10:12:13.456Z' }, 'AI/ML API error shape'),
  'error-arrearage': httpError(400, { code: 'Arrearage', message: 'Access denied, please make sure your account is in good standing.', request_id: '2f3e4d5c-6b7a-8998-a7b6-c5d4e3f2a1b0' }, 'account unpaid (DashScope native body)'),
  'error-filter-input': httpError(400, dsError('data_inspection_failed', 'Input data may contain inappropriate content.'), 'content moderation flagged the input'),
  'error-filter-output': httpError(400, dsError('data_inspection_failed', 'Output data may contain inappropriate content.'), 'content moderation flagged the output'),
  'error-max-tokens': httpError(400, dsError('invalid_parameter_error', 'Range of max_tokens should be [1, 8192]', 'invalid_request_error'), 'bad parameter'),
  'error-context-length': httpError(400, dsError('invalid_parameter_error', 'Range of input length should be [1, 30720]', 'invalid_request_error'), 'input too long for the model'),
  'error-403': httpError(403, { error: { code: 'AccessDenied', message: 'Access denied.', type: 'AccessDenied' }, request_id: '9a8b7c6d-5e4f-3a2b-1c0d-9e8f7a6b5c4d' }, 'AccessDenied'),
  'error-403-credits': httpError(403, { message: "You've run out of credits. Please top up your balance to continue.", path: '/v1/chat/completions', requestId: 'c3d4e5f6-a7b8-49c0-8d1e-2f3a4b5c6d7e', statusCode: 403, timestamp: '2026-05-21T10:14:15.000Z' }, 'AI/ML API: no credits'),
  'error-404-model': httpError(404, { error: { code: 'model_not_found', message: 'The model `qwen-nonexistent` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null }, request_id: '0e1d2c3b-4a59-6877-9685-a4b3c2d1e0f9' }, 'ModelNotFound'),
  'error-429-rate': httpError(429, dsError('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.', 'Throttling.RateQuota'), 'rate limit (no Retry-After, as documented)'),
  'error-429-quota': httpError(429, dsError('insufficient_quota', 'Allocated quota exceeded, please increase your quota limit.', 'insufficient_quota'), 'quota'),
  'error-429-retry-after': httpError(429, dsError('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.', 'Throttling.RateQuota'), 'rate limit with Retry-After: 120', { 'retry-after': '120' }),
  'error-500': httpError(500, dsError('InternalError', 'An internal error has occured, please try again later.', 'internal_error'), 'server error'),
  'error-503': httpError(503, dsError('ServiceUnavailable', 'The engine is currently overloaded, please try again later', 'service_unavailable'), 'overloaded'),
  'error-502-html': { description: 'a proxy/gateway HTML page (nginx 502)', run: (ctx) => ctx.text(502, HTML_502, 'text/html') },
  'error-407': { description: 'proxy authentication required', run: (ctx) => ctx.text(407, 'Proxy Authentication Required', 'text/plain', { 'proxy-authenticate': 'Basic realm="corp"' }) },
  'html-200': { description: 'a captive portal answering 200 with an HTML login page', run: (ctx) => ctx.text(200, PORTAL, 'text/html; charset=utf-8') },
  'tools-stream-rejected': {
    description: '400 when tools and stream are combined (older endpoints); without stream, answers with tool calls',
    run: (ctx) => {
      const tools = Array.isArray(ctx.body?.tools) && ctx.body.tools.length > 0;
      if (ctx.stream && tools) {
        return ctx.json(400, dsError('invalid_parameter_error', 'The tools parameter cannot be used together with stream=true.', 'invalid_request_error'));
      }
      return ctx.fixture('dashscope-qwen-plus-tool-calls');
    },
  },

  // ---- failures that pass: retried by a good client -------------------------------------------
  'flaky-429': {
    description: '429 for the first `fail` attempts (default 2; param retryAfter= adds the header), then explain-code',
    run: (ctx) => {
      if (ctx.attempt <= Number(ctx.params.get('fail') ?? 2)) {
        const ra = ctx.params.get('retryAfter');
        return ctx.json(429, dsError('Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.', 'Throttling.RateQuota'), ra ? { 'retry-after': ra } : {});
      }
      return ctx.fixture('dashscope-qwen3-coder-plus-explain');
    },
  },
  'flaky-503': {
    description: '503 for the first `fail` attempts (default 1), then explain-zh',
    run: (ctx) => (ctx.attempt <= Number(ctx.params.get('fail') ?? 1) ? ctx.json(503, dsError('ServiceUnavailable', 'The engine is currently overloaded, please try again later', 'service_unavailable')) : ctx.fixture('dashscope-qwen3-coder-plus-explain-zh')),
  },
  'flaky-reset': {
    description: 'destroys the socket before answering for the first `fail` attempts (default 1), then explain-code',
    run: (ctx) => (ctx.attempt <= Number(ctx.params.get('fail') ?? 1) ? ctx.destroy() : ctx.fixture('dashscope-qwen3-coder-plus-explain')),
  },
  'flaky-drop': {
    description: 'drops the connection after the first (empty) chunk on the first attempt, then explain-code',
    run: (ctx) => ctx.fixture('dashscope-qwen3-coder-plus-explain', ctx.attempt <= Number(ctx.params.get('fail') ?? 1) ? { dropAfter: 1 } : {}),
  },
  // ---- a hostile or broken server (hostile.ts) -------------------------------------------------
  ...HOSTILE_SCENARIOS,
  ...AGENT_SCENARIOS,
};
