// The model list vscode.lm shows, from the catalog and a custom server's list, in plain Node.
import * as assert from 'node:assert/strict';
import { modelInformation } from '../../../src/lm/models';
import { PROVIDERS } from '../../../src/qwen';

describe('lm: model information', () => {
  it("lists the preset's models with the catalog's limits and tool calling", () => {
    const list = modelInformation({ preset: PROVIDERS['dashscope-intl'], baseUrl: '', configured: '' });
    assert.deepEqual(list.map((m) => m.id), PROVIDERS['dashscope-intl'].models);
    const coder = list.find((m) => m.id === 'qwen3-coder-plus')!;
    assert.deepEqual(coder, {
      id: 'qwen3-coder-plus',
      name: 'qwen3-coder-plus',
      family: 'qwen3-coder-plus',
      version: 'qwen3-coder-plus',
      detail: 'Alibaba Model Studio — Singapore',
      maxInputTokens: 1_000_000 - 65_536,
      maxOutputTokens: 65_536,
      capabilities: { toolCalling: true, imageInput: false },
    });
  });

  it('adds qwen.model when the preset does not list it, and names its family from the catalog', () => {
    const list = modelInformation({ preset: PROVIDERS['dashscope-intl'], baseUrl: '', configured: 'qwen3-coder-plus-2025-07-22' });
    const extra = list.at(-1)!;
    assert.equal(extra.id, 'qwen3-coder-plus-2025-07-22');
    assert.equal(extra.family, 'qwen3-coder-plus');
    assert.equal(list.filter((m) => m.id === 'qwen3-coder-plus').length, 1);
    assert.equal(modelInformation({ preset: PROVIDERS['dashscope-intl'], baseUrl: '', configured: 'qwen-plus' }).length, PROVIDERS['dashscope-intl'].models.length, 'no duplicate');
  });

  it("a custom server's models, with its address as the detail and safe limits for unknown ids", () => {
    const list = modelInformation({ preset: PROVIDERS.custom, baseUrl: 'http://127.0.0.1:8000/v1', configured: '', serverModels: ['Qwen/Qwen3-32B', 'my-model'] });
    assert.deepEqual(list.map((m) => m.id), ['Qwen/Qwen3-32B', 'my-model']);
    assert.ok(list.every((m) => m.detail === '127.0.0.1:8000'));
    const mine = list[1]!;
    assert.equal(mine.family, 'my-model');
    assert.equal(mine.maxOutputTokens, 8_192);
    assert.equal(mine.maxInputTokens, 32_768 - 8_192);
    assert.equal(list[0]!.family, 'qwen3-32b', 'a known open model keeps its catalog family');
  });

  it('a custom server that listed nothing still offers qwen.model', () => {
    assert.deepEqual(modelInformation({ preset: PROVIDERS.custom, baseUrl: 'http://localhost:11434/v1', configured: 'qwen3:8b', serverModels: [] }).map((m) => m.id), ['qwen3:8b']);
    assert.deepEqual(modelInformation({ preset: PROVIDERS.custom, baseUrl: '', configured: '' }), []);
  });
});
