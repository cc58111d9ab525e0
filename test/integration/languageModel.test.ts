// Qwen as a provider of VS Code's language-model API, in the real extension host (VS Code 1.139):
// what any extension gets from vscode.lm.selectChatModels({ vendor: 'qwen' }) and sendRequest.
// The tests run inside the extension under test, so they call vscode.lm as the extension itself
// would; VS Code asks no consent for an extension's own models (its access check applies only to
// models of another extension that declare an auth provider).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FakeQwen } from '../fake-qwen/server';
import { PROVIDERS } from '../../src/qwen';
import { estimateTokens } from '../../src/prompts/tokens';
import type { QwenTestApi } from '../../src/extension';
import { activateQwen, captureMessages, setUserSetting, stopFakeQwen, stubWindow, useFakeQwen, waitFor } from './helpers';

const KEY = 'sk-lm-TEST-7c1e5a90b3';
const SERVER_MODELS = ['qwen3-coder-plus', 'fake-coder-7b'];

/** A DashScope stream: reasoning, text, then one tool call in fragments (id and name only in the first, later `"id": ""`). */
function toolCallStream(model: string): string {
  const env = `"object":"chat.completion.chunk","created":1763407562,"system_fingerprint":null,"model":"${model}","id":"chatcmpl-lm0001"`;
  const delta = (d: object, finish: string | null = null) => `data: {"choices":[{"delta":${JSON.stringify(d)},"finish_reason":${finish ? `"${finish}"` : 'null'},"index":0,"logprobs":null}],"usage":null,${env}}\n\n`;
  return [
    delta({ content: null, role: 'assistant', reasoning_content: 'The user wants weather; ' }),
    delta({ content: null, reasoning_content: 'call the tool.' }),
    delta({ content: 'Checking ', role: null }),
    delta({ content: 'the weather.' }),
    delta({ content: null, tool_calls: [{ index: 0, id: 'call_lm_1', type: 'function', function: { name: 'get_current_weather', arguments: '{"location":' } }] }),
    delta({ content: null, tool_calls: [{ index: 0, id: '', type: 'function', function: { name: '', arguments: ' "新加坡' } }] }),
    delta({ content: null, tool_calls: [{ index: 0, id: '', type: 'function', function: { arguments: ' (Singapore)"}' } }] }),
    delta({ content: null, role: null }, 'tool_calls'),
    `data: {"choices":[],"usage":{"prompt_tokens":285,"completion_tokens":41,"total_tokens":326,"prompt_tokens_details":{"cached_tokens":256}},${env}}\n\n`,
    'data: [DONE]\n\n',
  ].join('');
}

const WEATHER_TOOL: vscode.LanguageModelChatTool = {
  name: 'get_current_weather',
  description: 'The current weather in a city',
  inputSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
};
const TIME_TOOL: vscode.LanguageModelChatTool = { name: 'get_current_time', description: 'The current time' };

async function qwenModels(): Promise<vscode.LanguageModelChat[]> {
  return vscode.lm.selectChatModels({ vendor: 'qwen' });
}

/** The models once they are `ids` (the list follows a settings change a moment later). */
async function modelsBecome(ids: readonly string[]): Promise<vscode.LanguageModelChat[]> {
  let last: string[] = [];
  try {
    return await waitFor('the model list', async () => {
      const models = await qwenModels();
      last = models.map((m) => m.id);
      return JSON.stringify(last) === JSON.stringify(ids) ? models : undefined;
    }, 10_000);
  } catch (e) {
    throw new Error(`${(e as Error).message}: got ${JSON.stringify(last)}, want ${JSON.stringify(ids)}`);
  }
}

async function modelById(id: string): Promise<vscode.LanguageModelChat> {
  return waitFor(`model ${id}`, async () => (await vscode.lm.selectChatModels({ vendor: 'qwen', id }))[0], 10_000);
}

/** Everything a response streams, by kind. */
async function collect(res: vscode.LanguageModelChatResponse): Promise<{ text: string; calls: vscode.LanguageModelToolCallPart[]; other: unknown[] }> {
  let text = '';
  const calls: vscode.LanguageModelToolCallPart[] = [];
  const other: unknown[] = [];
  for await (const part of res.stream) {
    if (part instanceof vscode.LanguageModelTextPart) text += part.value;
    else if (part instanceof vscode.LanguageModelToolCallPart) calls.push(part);
    else other.push(part);
  }
  return { text, calls, other };
}

async function storeKey(key: string): Promise<void> {
  const restore = stubWindow('showInputBox', (() => Promise.resolve(key)) as never);
  const msgs = captureMessages();
  try {
    assert.equal(await vscode.commands.executeCommand('qwen.setApiKey'), true);
  } finally {
    restore();
    msgs.dispose();
  }
}

describe('vscode.lm: Qwen as a language-model provider', () => {
  let api: QwenTestApi;
  let server: FakeQwen;

  before(async () => {
    api = await activateQwen();
    server = await useFakeQwen({ models: SERVER_MODELS });
    // The settings change makes VS Code ask for the list at once: let that fetch end before counting requests.
    await modelsBecome(SERVER_MODELS);
  });

  after(async () => {
    await vscode.commands.executeCommand('qwen.clearApiKey', 'custom');
    await stopFakeQwen(server);
  });

  beforeEach(() => server.reset());

  it("lists the preset's catalog models, then a custom server's after switching; storing a key sends nothing", async () => {
    try {
      await listsThenSwitches();
    } finally {
      // the later tests use the fake server as the provider, whatever happened here
      await setUserSetting('qwen.provider', 'custom');
      await setUserSetting('qwen.baseUrl', server.url);
    }
    await modelsBecome(SERVER_MODELS);
  });

  async function listsThenSwitches(): Promise<void> {
    await setUserSetting('qwen.provider', 'dashscope-intl');
    await setUserSetting('qwen.baseUrl', undefined);
    const catalog = await modelsBecome(PROVIDERS['dashscope-intl'].models);
    const coder = catalog.find((m) => m.id === 'qwen3-coder-plus')!;
    assert.equal(coder.vendor, 'qwen');
    assert.equal(coder.family, 'qwen3-coder-plus');
    assert.equal(coder.maxInputTokens, 1_000_000 - 65_536, 'the context window less the output limit');
    // Not in the stable typings of LanguageModelChat, but VS Code 1.139 passes it on.
    const caps = (coder as { capabilities?: { supportsToolCalling?: boolean; supportsImageToText?: boolean } }).capabilities;
    assert.equal(caps?.supportsToolCalling, true, 'tool calling declared');
    assert.equal(caps?.supportsImageToText, false, 'images not');
    assert.equal(server.requests.length, 0, 'a preset lists its models from the catalog, asking no server');

    // A new address (the fake server answers under any prefix): its GET /models is asked once.
    const address = `${server.origin}/compatible-mode/v1`;
    await setUserSetting('qwen.provider', 'custom');
    await setUserSetting('qwen.baseUrl', address);
    await modelsBecome(SERVER_MODELS);
    const lists = () => server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/models'));
    assert.equal(lists().length, 1, 'the new address was asked for its models once');
    assert.equal(lists()[0]!.path, '/compatible-mode/v1/models');

    const before = server.requests.length;
    await storeKey(KEY);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await qwenModels()).map((m) => m.id), SERVER_MODELS, 'the list answered from what was fetched');
    assert.equal(server.requests.length, before, 'storing a key and listing again sent nothing');
  }

  it('streams text and a tool call assembled from fragments; the request carries the key, the model and the tools', async () => {
    await storeKey(KEY);
    const model = await modelById('qwen3-coder-plus');
    assert.equal(await model.countTokens('function add(a, b) { return a + b; }'), estimateTokens('function add(a, b) { return a + b; }'), "the chat's own estimate");
    server.setScenario({ sse: toolCallStream('qwen3-coder-plus') }, { times: 1 });
    const res = await model.sendRequest([vscode.LanguageModelChatMessage.User('What is the weather in Singapore?')], { tools: [WEATHER_TOOL], justification: 'integration test' });
    const got = await collect(res);
    assert.equal(got.text, 'Checking the weather.', 'the text, and no reasoning in it');
    assert.equal(got.calls.length, 1);
    assert.equal(got.calls[0]!.callId, 'call_lm_1');
    assert.equal(got.calls[0]!.name, 'get_current_weather');
    assert.deepEqual(got.calls[0]!.input, { location: '新加坡 (Singapore)' });
    assert.deepEqual(got.other, []);

    const req = server.lastRequest()!;
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers['authorization'], `Bearer ${KEY}`);
    const body = req.body as { model: string; stream: boolean; tools: { type: string; function: { name: string; parameters: unknown } }[]; tool_choice?: unknown; messages: { role: string; content: string }[] };
    assert.equal(body.model, 'qwen3-coder-plus');
    assert.equal(body.stream, true);
    assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'get_current_weather', description: 'The current weather in a city', parameters: WEATHER_TOOL.inputSchema } }]);
    assert.equal(body.tool_choice, undefined, 'toolMode Auto leaves the choice to the model');
    assert.deepEqual(body.messages, [{ role: 'user', content: 'What is the weather in Singapore?' }]);
    assert.ok(
      await waitFor('the usage line', () => api.logLines().find((l) => l.includes('Language model request (qwen3-coder-plus): 285 input tokens (256 cached), 41 output tokens, ≈ $'))),
      'usage and its estimated cost are logged',
    );
  });

  it("a tool result in a later message reaches the server as a tool message after the assistant's tool_calls", async () => {
    const model = await modelById('qwen3-coder-plus');
    server.setScenario({ text: 'It is sunny in Singapore.' }, { times: 1 });
    const res = await model.sendRequest([
      vscode.LanguageModelChatMessage.User('What is the weather in Singapore?'),
      vscode.LanguageModelChatMessage.Assistant([new vscode.LanguageModelTextPart('Checking the weather.'), new vscode.LanguageModelToolCallPart('call_lm_1', 'get_current_weather', { location: 'Singapore' })]),
      vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart('call_lm_1', [new vscode.LanguageModelTextPart('sunny, 31 °C')])]),
    ], { tools: [WEATHER_TOOL] });
    assert.equal((await collect(res)).text, 'It is sunny in Singapore.');
    const body = server.lastRequest()!.body as { messages: { role: string; content: string | null; tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[]; tool_call_id?: string }[] };
    assert.deepEqual(body.messages.map((m) => m.role), ['user', 'assistant', 'tool']);
    const assistant = body.messages[1]!;
    assert.equal(assistant.content, 'Checking the weather.');
    assert.equal(assistant.tool_calls![0]!.id, 'call_lm_1');
    assert.equal(assistant.tool_calls![0]!.function.name, 'get_current_weather');
    assert.deepEqual(JSON.parse(assistant.tool_calls![0]!.function.arguments), { location: 'Singapore' });
    assert.deepEqual(body.messages[2], { role: 'tool', tool_call_id: 'call_lm_1', content: 'sunny, 31 °C' });
  });

  it('toolMode Required: one tool is named in tool_choice; several on a custom server are "required"', async () => {
    const model = await modelById('qwen3-coder-plus');
    const ask = async (tools: vscode.LanguageModelChatTool[]) => {
      server.setScenario({ text: 'ok' }, { times: 1 });
      await collect(await model.sendRequest([vscode.LanguageModelChatMessage.User('weather?')], { tools, toolMode: vscode.LanguageModelChatToolMode.Required }));
      return (server.lastRequest()!.body as { tool_choice?: unknown }).tool_choice;
    };
    assert.deepEqual(await ask([WEATHER_TOOL]), { type: 'function', function: { name: 'get_current_weather' } });
    assert.equal(await ask([WEATHER_TOOL, TIME_TOOL]), 'required');
  });

  it('a tool call whose arguments are not JSON fails the request with a clear error, and no call is passed on', async () => {
    const model = await modelById('qwen3-coder-plus');
    const broken = toolCallStream('qwen3-coder-plus').replace(' (Singapore)\\"}', ' (Singap');
    assert.notEqual(broken, toolCallStream('qwen3-coder-plus'), 'the arguments were cut');
    server.setScenario({ sse: broken }, { times: 1 });
    const res = await model.sendRequest([vscode.LanguageModelChatMessage.User('weather?')], { tools: [WEATHER_TOOL] });
    let text = '';
    const calls: unknown[] = [];
    let error: Error | undefined;
    try {
      for await (const part of res.stream) {
        if (part instanceof vscode.LanguageModelTextPart) text += part.value;
        else calls.push(part);
      }
    } catch (e) {
      error = e as Error;
    }
    // The text was reported before the failure, but VS Code 1.139 ends the response at the
    // provider's error and drops parts still on their way from the main thread: the caller may see
    // all of it, part of it or none.
    assert.ok('Checking the weather.'.startsWith(text), `only the answer's text, if any: ${JSON.stringify(text)}`);
    assert.deepEqual(calls, [], 'no call with made-up input');
    assert.ok(error, 'the request failed');
    assert.match(error.message, /get_current_weather/);
    assert.match(error.message, /not valid JSON/);
  });

  it("a server error reaches the caller as the client's sentence", async () => {
    const model = await modelById('qwen3-coder-plus');
    server.setScenario('error-401', { times: 1 });
    let error: Error | undefined;
    try {
      await collect(await model.sendRequest([vscode.LanguageModelChatMessage.User('hello')], {}));
    } catch (e) {
      error = e as Error;
    }
    assert.ok(error, 'the request failed');
    assert.match(error.message, /API key/);
    assert.match(error.message, /Qwen: Set API Key/);
  });

  it('cancelling mid-stream closes the connection at once', async () => {
    const model = await modelById('qwen3-coder-plus');
    server.setScenario('slow-drip', { times: 1 });
    const cts = new vscode.CancellationTokenSource();
    const res = await model.sendRequest([vscode.LanguageModelChatMessage.User('Explain this code')], {}, cts.token);
    let text = '';
    for await (const t of res.text) {
      text += t;
      if (text.length > 20) {
        cts.cancel();
        break;
      }
    }
    assert.ok(text.length > 20, 'some text streamed first');
    const req = await server.waitForRequest({ count: 1 });
    assert.equal(await server.waitForClose(req), 'client', 'the client closed the connection');
    assert.ok(req.eventsWritten < 100, `stopped early (${req.eventsWritten} events written)`);
    cts.dispose();
  });

  it('with no key for a provider that needs one, nothing is sent and the error names Qwen: Set API Key', async () => {
    assert.equal(process.env.QWEN_API_KEY, undefined, 'no maxtoken key in the environment');
    await setUserSetting('qwen.provider', 'maxtoken');
    await setUserSetting('qwen.baseUrl', server.url);
    const msgs = captureMessages();
    try {
      const model = await modelById('qwen3-max');
      const before = server.requests.length;
      let error: Error | undefined;
      try {
        await collect(await model.sendRequest([vscode.LanguageModelChatMessage.User('hello')], {}));
      } catch (e) {
        error = e as Error;
      }
      assert.ok(error, 'the request failed');
      assert.match(error.message, /Qwen: Set API Key/);
      assert.match(error.message, /nothing was sent/);
      assert.equal(server.requests.length, before, 'nothing reached the server');
      assert.equal(msgs.warn.length, 1, 'and the user is offered Set API Key');
    } finally {
      msgs.dispose();
      await setUserSetting('qwen.provider', 'custom');
      await setUserSetting('qwen.baseUrl', server.url);
    }
  });
});
