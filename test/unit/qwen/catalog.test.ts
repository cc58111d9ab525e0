// Providers, the model catalog, cost estimates, base URLs and the https rule: pure functions.
import * as assert from 'node:assert/strict';
import { PROVIDERS, PROVIDER_IDS, checkTransport, estimateCost, getModelInfo, resolveBaseUrl, buildRequestBody, describeError } from '../../../src/qwen';

describe('qwen: providers and base URLs', () => {
  it('has a preset for every provider id, with the right key variable', () => {
    for (const id of PROVIDER_IDS) {
      const p = PROVIDERS[id];
      assert.equal(p.id, id);
      assert.ok(p.label.length > 2);
      if (id.startsWith('dashscope-')) assert.equal(p.envVar, 'DASHSCOPE_API_KEY');
    }
    assert.equal(PROVIDERS.aimlapi.envVar, 'AIMLAPI_API_KEY');
    assert.equal(PROVIDERS.maxtoken.envVar, 'QWEN_API_KEY');
    assert.equal(PROVIDERS.custom.envVar, 'QWEN_API_KEY');
    assert.equal(PROVIDERS['dashscope-intl'].label, 'Alibaba Model Studio — Singapore');
    assert.equal(PROVIDERS['dashscope-intl'].baseUrl, 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1');
    assert.equal(PROVIDERS['dashscope-us'].baseUrl, 'https://dashscope-us.aliyuncs.com/compatible-mode/v1');
    assert.equal(PROVIDERS['dashscope-cn'].baseUrl, 'https://dashscope.aliyuncs.com/compatible-mode/v1');
    assert.equal(PROVIDERS['dashscope-hk'].baseUrl, 'https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1');
    assert.equal(PROVIDERS.aimlapi.baseUrl, 'https://api.aimlapi.com/v1');
    assert.equal(PROVIDERS.maxtoken.baseUrl, 'https://api.maxtoken.io/v1');
    assert.equal(PROVIDERS['dashscope-intl'].defaultModel, 'qwen3-coder-plus');
    assert.equal(PROVIDERS['dashscope-intl'].fastCoderModel, 'qwen3-coder-flash');
    assert.equal(PROVIDERS.custom.requiresKey, false);
    assert.equal(PROVIDERS.custom.baseUrl, '');
    for (const id of PROVIDER_IDS) if (id !== 'custom') assert.ok(PROVIDERS[id].models.includes(PROVIDERS[id].defaultModel), id);
  });

  it('qwen.baseUrl replaces the preset; custom needs one; trailing slashes go', () => {
    assert.equal(resolveBaseUrl({ provider: 'dashscope-intl' }), 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1');
    assert.equal(resolveBaseUrl({ provider: 'dashscope-intl', baseUrl: 'https://gw.corp/qwen/v1/' }), 'https://gw.corp/qwen/v1');
    assert.equal(resolveBaseUrl({ provider: 'custom', baseUrl: ' http://localhost:11434/v1// ' }), 'http://localhost:11434/v1');
    assert.equal(resolveBaseUrl({ provider: 'aimlapi', baseUrl: '' }), 'https://api.aimlapi.com/v1');
    assert.throws(() => resolveBaseUrl({ provider: 'custom' }), /baseUrl/);
    assert.throws(() => resolveBaseUrl({ provider: 'custom', baseUrl: 'ftp://x/v1' }), /https/);
    assert.throws(() => resolveBaseUrl({ provider: 'custom', baseUrl: 'not a url' }));
  });

  it('https everywhere, plain http only to loopback', () => {
    assert.deepEqual(checkTransport('https://dashscope-intl.aliyuncs.com/compatible-mode/v1'), { ok: true });
    for (const u of ['http://localhost:11434/v1', 'http://127.0.0.1:8000/v1', 'http://127.8.9.10/v1', 'http://[::1]:1234/v1', 'http://api.localhost/v1']) {
      assert.deepEqual(checkTransport(u), { ok: true }, u);
    }
    assert.deepEqual(checkTransport('http://192.168.1.20:8000/v1'), { ok: false, reason: 'insecure-remote-http', host: '192.168.1.20' });
    assert.deepEqual(checkTransport('http://gpu-box.lan/v1'), { ok: false, reason: 'insecure-remote-http', host: 'gpu-box.lan' });
    assert.deepEqual(checkTransport('http://localhost.evil.com/v1'), { ok: false, reason: 'insecure-remote-http', host: 'localhost.evil.com' });
    assert.equal(checkTransport('nonsense').ok, false);
  });
});

describe('qwen: model catalog', () => {
  it('knows each model\'s context window, output limit and thinking mode', () => {
    const coder = getModelInfo('qwen3-coder-plus');
    assert.equal(coder.contextWindow, 1_000_000);
    assert.equal(coder.maxOutputTokens, 65_536);
    assert.equal(coder.thinking, 'none');
    assert.equal(getModelInfo('qwen-max').maxOutputTokens, 8_192);
    assert.equal(getModelInfo('qwen-plus').thinking, 'optional');
    assert.equal(getModelInfo('qwq-plus').thinking, 'always');
    assert.equal(getModelInfo('qwq-plus').streamOnly, true);
    assert.equal(getModelInfo('qwen-turbo').contextWindow, 131_072);
  });

  it('resolves provider prefixes, snapshots, region suffixes, tags and case', () => {
    assert.equal(getModelInfo('alibaba/qwen3.7-max').id, 'qwen3.7-max');
    assert.equal(getModelInfo('alibaba/qwen3.7-max').thinking, 'always');
    assert.equal(getModelInfo('qwen3-coder-plus-2025-07-22').id, 'qwen3-coder-plus');
    assert.equal(getModelInfo('qwen-plus-latest').id, 'qwen-plus');
    assert.equal(getModelInfo('qwen-plus-2025-12-01-us').id, 'qwen-plus');
    assert.equal(getModelInfo('Qwen3-Coder-Plus').id, 'qwen3-coder-plus');
    assert.equal(getModelInfo('qwen3-235b-a22b-thinking-2507').thinking, 'always');
    assert.equal(getModelInfo('qwen3-30b-a3b-instruct-2507').thinking, 'none');
    assert.equal(getModelInfo('qwen3-32b').thinkingByDefault, true);
    assert.equal(getModelInfo('qwen3:8b').thinkingByDefault, true);
  });

  it('unknown ids work with conservative defaults', () => {
    const u = getModelInfo('my-finetune-v3');
    assert.equal(u.known, false);
    assert.equal(u.thinking, 'none');
    assert.ok(u.maxOutputTokens <= 8192 && u.contextWindow <= 32_768);
    assert.equal(estimateCost('my-finetune-v3', { promptTokens: 10, completionTokens: 10, totalTokens: 20 }), undefined);
  });

  it('bills the whole request at the tier its input falls in', () => {
    const usage = (p: number, c: number, extra = {}) => ({ promptTokens: p, completionTokens: c, totalTokens: p + c, ...extra });
    // ≤32K: 1 / 5 per million
    assert.equal(estimateCost('qwen3-coder-plus', usage(10_000, 2_000)), (10_000 * 1 + 2_000 * 5) / 1e6);
    // ≤128K: 1.8 / 9, input and output both at the higher tier
    assert.equal(estimateCost('qwen3-coder-plus', usage(100_000, 2_000)), (100_000 * 1.8 + 2_000 * 9) / 1e6);
    // ≤1M: 6 / 60
    assert.equal(estimateCost('qwen3-coder-plus', usage(500_000, 1_000)), (500_000 * 6 + 1_000 * 60) / 1e6);
    // cached input at 0.2 in the first tier
    assert.ok(Math.abs(estimateCost('qwen3-coder-plus', usage(10_000, 0, { cachedTokens: 8_000 }))! - (2_000 * 1 + 8_000 * 0.2) / 1e6) < 1e-12);
    // thinking output billed at its own price (qwen-plus: 4)
    assert.ok(Math.abs(estimateCost('qwen-plus', usage(1_000, 3_000, { reasoningTokens: 2_000 }))! - (1_000 * 0.4 + 1_000 * 1.2 + 2_000 * 4) / 1e6) < 1e-12);
    // AI/ML API's own figure wins
    assert.equal(estimateCost('alibaba/qwen3.7-max', usage(137, 914, { usdSpent: 0.06 })), 0.06);
    assert.equal(estimateCost('qwen-max', usage(1_000_000, 1_000_000)), 1.6 + 6.4);
  });
});

describe('qwen: request body', () => {
  const preset = { ...PROVIDERS['dashscope-intl'] };
  it('keeps partial mode for DashScope on the last assistant message only', () => {
    const body = buildRequestBody(
      { model: 'qwen3-coder-plus', messages: [{ role: 'user', content: 'complete' }, { role: 'assistant', content: 'function add(', partial: true }] },
      { stream: true, info: getModelInfo('qwen3-coder-plus'), preset },
    );
    assert.equal(body.messages[1]!.partial, true);
    const other = buildRequestBody(
      { model: 'qwen3-max', messages: [{ role: 'user', content: 'complete' }, { role: 'assistant', content: 'x', partial: true }] },
      { stream: true, info: getModelInfo('qwen3-max'), preset: PROVIDERS.maxtoken },
    );
    assert.equal(other.messages[1]!.partial, undefined);
  });

  it('passes tool results and tool calls through', () => {
    const body = buildRequestBody(
      {
        model: 'qwen-plus',
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'w', arguments: '{}' } }] },
          { role: 'tool', content: 'rainy', tool_call_id: 'call_1' },
        ],
        stop: ['a', 'b', 'c', 'd', 'e'],
        maxTokens: 0,
      },
      { stream: false, info: getModelInfo('qwen-plus'), preset },
    );
    assert.equal(body.messages[1]!.content, null);
    assert.equal(body.messages[1]!.tool_calls![0]!.id, 'call_1');
    assert.equal(body.messages[2]!.tool_call_id, 'call_1');
    assert.equal(body.stop!.length, 4);
    assert.equal(body.max_tokens, 1);
  });

  it('sends tool_choice only together with tools', () => {
    const tools = [{ type: 'function' as const, function: { name: 'w', parameters: { type: 'object' } } }];
    const named = { type: 'function' as const, function: { name: 'w' } };
    const withTools = buildRequestBody({ model: 'qwen-plus', messages: [{ role: 'user', content: 'x' }], tools, toolChoice: named }, { stream: true, info: getModelInfo('qwen-plus'), preset });
    assert.deepEqual(withTools.tool_choice, named);
    const without = buildRequestBody({ model: 'qwen-plus', messages: [{ role: 'user', content: 'x' }], toolChoice: 'auto' }, { stream: true, info: getModelInfo('qwen-plus'), preset });
    assert.equal('tool_choice' in without, false, 'no tools, no tool_choice (DashScope rejects one without the other)');
  });
});

describe('qwen: messages', () => {
  it('every kind has one English sentence', () => {
    const kinds = ['missing-key', 'auth', 'billing', 'quota', 'rate-limit', 'content-filter', 'bad-parameter', 'context-length', 'model-not-found', 'access-denied', 'endpoint-not-found', 'server', 'network', 'timeout', 'proxy', 'stream-error', 'dropped', 'aborted', 'invalid-response', 'config'] as const;
    for (const kind of kinds) {
      const m = describeError({ kind, host: 'h.example', providerLabel: 'Alibaba Model Studio — Singapore', model: 'qwen-max' });
      assert.match(m, /^[A-Z].{15,}[.]$/, `${kind}: ${m}`);
    }
  });
});
