// What a vscode.lm request becomes for the client, in plain Node: VS Code's parts read by their
// fields, tool calls and results as the OpenAI-compatible conversation, tool mode Required as
// tool_choice (and a system note), tool arguments parsed, token counts as the chat's.
import * as assert from 'node:assert/strict';
import { buildLmRequest, countTokens, parseToolInput, readPart, TOOL_REQUIRED_NOTE, toChatMessages, toolChoiceFor, usageLine, type LmMessage, type LmTool } from '../../../src/lm/request';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from '../../../src/prompts/tokens';
import { buildRequestBody, getModelInfo, PROVIDERS } from '../../../src/qwen';

// Objects shaped as VS Code's classes are (their public fields), as the provider receives them.
const text = (value: string) => ({ value });
const call = (callId: string, name: string, input: object) => ({ callId, name, input });
const result = (callId: string, content: unknown[]) => ({ callId, content });

const weather: LmTool = { name: 'get_weather', description: 'Weather for a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } };
const time: LmTool = { name: 'get_time', description: 'The time' };

describe('lm: reading VS Code message parts', () => {
  it('reads text, tool calls, tool results, data and prompt-tsx parts by their fields', () => {
    assert.deepEqual(readPart(text('hi')), { kind: 'text', text: 'hi' });
    assert.deepEqual(readPart(call('c1', 'get_weather', { city: 'Hangzhou' })), { kind: 'toolCall', callId: 'c1', name: 'get_weather', input: { city: 'Hangzhou' } });
    assert.deepEqual(readPart(result('c1', [text('sunny')])), { kind: 'toolResult', callId: 'c1', content: [{ kind: 'text', text: 'sunny' }] });
    const data = new TextEncoder().encode('{"a":1}');
    assert.deepEqual(readPart({ mimeType: 'application/json', data }), { kind: 'data', mimeType: 'application/json', data });
    assert.deepEqual(readPart({ value: { node: 'x' } }), { kind: 'text', text: '{"node":"x"}' });
    assert.deepEqual(readPart(42), { kind: 'other' });
    assert.deepEqual(readPart({ something: 'else' }), { kind: 'other' });
  });
});

describe('lm: messages for the client', () => {
  const msg = (role: LmMessage['role'], ...parts: unknown[]): LmMessage => ({ role, content: parts.map(readPart) });

  it('an assistant tool call becomes tool_calls, and its result in the next user message a tool message', () => {
    const out = toChatMessages([
      msg('user', text('Weather in Hangzhou?')),
      msg('assistant', text('Let me look.'), call('call_1', 'get_weather', { city: 'Hangzhou' })),
      msg('user', result('call_1', [text('sunny, '), text('24 °C')]), text('And tomorrow?')),
    ]);
    assert.deepEqual(out, [
      { role: 'user', content: 'Weather in Hangzhou?' },
      { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Hangzhou"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 24 °C' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
  });

  it('an assistant message of tool calls alone has null content; a user message of results alone adds no empty user turn', () => {
    const out = toChatMessages([
      msg('user', text('go')),
      msg('assistant', call('a', 'get_time', {}), call('b', 'get_weather', { city: 'Beijing' })),
      msg('user', result('a', [text('12:00')]), result('b', [text('rain')])),
    ]);
    assert.equal(out[1]!.content, null);
    assert.equal(out[1]!.tool_calls!.length, 2);
    assert.deepEqual(out.slice(2), [
      { role: 'tool', tool_call_id: 'a', content: '12:00' },
      { role: 'tool', tool_call_id: 'b', content: 'rain' },
    ]);
  });

  it('text data parts are sent as text; images, markers and unknown parts are not', () => {
    const out = toChatMessages([
      msg('user', text('see: '), { mimeType: 'text/plain', data: new TextEncoder().encode('notes') }, { mimeType: 'image/png', data: new Uint8Array([1, 2]) }, { mimeType: 'cache_control', data: new TextEncoder().encode('ephemeral') }, 7),
    ]);
    assert.deepEqual(out, [{ role: 'user', content: 'see: notes' }]);
  });

  it('keeps a system message, which the client merges into the first', () => {
    const req = buildLmRequest({ model: 'qwen-plus', provider: 'dashscope-intl', messages: [msg('system', text('Be brief.')), msg('user', text('hi'))], toolMode: 'auto' });
    assert.deepEqual(req.messages[0], { role: 'system', content: 'Be brief.' });
  });
});

describe('lm: tools and tool mode', () => {
  it('tools become function definitions; a tool without a schema gets an empty object schema', () => {
    const req = buildLmRequest({ model: 'qwen-plus', provider: 'dashscope-intl', messages: [{ role: 'user', content: [{ kind: 'text', text: 'x' }] }], tools: [weather, time], toolMode: 'auto' });
    assert.deepEqual(req.tools, [
      { type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: weather.inputSchema } },
      { type: 'function', function: { name: 'get_time', description: 'The time', parameters: { type: 'object', properties: {} } } },
    ]);
    assert.equal(req.toolChoice, undefined, 'Auto leaves the choice to the model (the server default)');
  });

  it('Required with one tool names it', () => {
    assert.deepEqual(toolChoiceFor([weather], 'required', 'dashscope-intl'), { toolChoice: { type: 'function', function: { name: 'get_weather' } } });
  });

  it('Required with several tools sends auto and says in the system message that a call is required', () => {
    const req = buildLmRequest({ model: 'qwen-plus', provider: 'dashscope-intl', messages: [{ role: 'system', content: [{ kind: 'text', text: 'Be brief.' }] }, { role: 'user', content: [{ kind: 'text', text: 'x' }] }], tools: [weather, time], toolMode: 'required' });
    assert.equal(req.toolChoice, 'auto');
    // as it goes on the wire: one system message, the note at its end
    const body = buildRequestBody(req, { stream: true, info: getModelInfo('qwen-plus'), preset: PROVIDERS['dashscope-intl'] });
    assert.equal(body.messages[0]!.role, 'system');
    assert.equal(body.messages[0]!.content, `Be brief.\n\n${TOOL_REQUIRED_NOTE}`);
    assert.equal(body.messages.filter((m) => m.role === 'system').length, 1);
    assert.equal(body.tool_choice, 'auto');
  });

  it('Required with several tools on a custom server sends "required"', () => {
    assert.deepEqual(toolChoiceFor([weather, time], 'required', 'custom'), { toolChoice: 'required' });
  });

  it('Required without tools asks for nothing', () => {
    assert.deepEqual(toolChoiceFor([], 'required', 'dashscope-intl'), {});
  });

  it('passes the model options callers commonly set', () => {
    const req = buildLmRequest({ model: 'qwen-plus', provider: 'dashscope-intl', messages: [], toolMode: 'auto', modelOptions: { temperature: 0.2, top_p: 0.9, max_tokens: 100, stop: 'END', other: true } });
    assert.equal(req.temperature, 0.2);
    assert.equal(req.topP, 0.9);
    assert.equal(req.maxTokens, 100);
    assert.deepEqual(req.stop, ['END']);
  });
});

describe('lm: tool call arguments', () => {
  it('parses a JSON object; empty arguments are an empty object', () => {
    assert.deepEqual(parseToolInput('{"city":"新加坡 (Singapore)"}'), { input: { city: '新加坡 (Singapore)' } });
    assert.deepEqual(parseToolInput(''), { input: {} });
    assert.deepEqual(parseToolInput('  '), { input: {} });
  });

  it('reports invalid JSON and non-objects instead of throwing', () => {
    const bad = parseToolInput('{"city": "Hang');
    assert.ok('error' in bad && bad.error.length > 0);
    assert.ok('error' in parseToolInput('[1,2]'));
    assert.ok('error' in parseToolInput('"text"'));
    assert.ok('error' in parseToolInput('null'));
  });
});

describe('lm: token counts and usage', () => {
  it('counts a string as the chat does, and a message with its framing', () => {
    assert.equal(countTokens('function add(a, b) { return a + b; }'), estimateTokens('function add(a, b) { return a + b; }'));
    assert.equal(countTokens('你好，世界'), estimateTokens('你好，世界'));
    const m: LmMessage = { role: 'user', content: [{ kind: 'text', text: 'hello there' }] };
    assert.equal(countTokens(m), estimateTokens('hello there') + MESSAGE_OVERHEAD_TOKENS);
  });

  it('logs usage with the catalog cost, or says the cost is unknown', () => {
    const line = usageLine('qwen3-coder-plus', { promptTokens: 1000, completionTokens: 100, totalTokens: 1100, cachedTokens: 200 });
    // 800 × $1 + 200 × $0.2 + 100 × $5 per million
    assert.equal(line, 'Language model request (qwen3-coder-plus): 1000 input tokens (200 cached), 100 output tokens, ≈ $0.001340');
    assert.match(usageLine('my-local-model', { promptTokens: 1, completionTokens: 1, totalTokens: 2 }), /cost unknown/);
    assert.match(usageLine('qwen-plus', undefined), /no usage/);
  });
});
