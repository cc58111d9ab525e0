import * as assert from 'node:assert/strict';
import { chooseMode } from '../../../src/completions/mode';
import { PROVIDERS } from '../../../src/qwen/providers';

describe('completions: how each provider is asked', () => {
  it('FIM where the provider offers /completions for the model', () => {
    assert.equal(chooseMode(PROVIDERS['dashscope-cn'], 'qwen-coder-turbo'), 'fim');
    assert.equal(chooseMode(PROVIDERS['dashscope-cn'], 'qwen2.5-coder-32b-instruct'), 'fim');
    assert.equal(chooseMode(PROVIDERS.custom, 'Qwen/Qwen2.5-Coder-7B'), 'fim');
    assert.equal(chooseMode(PROVIDERS.custom, 'qwen2.5-coder:7b'), 'fim');
  });

  it('DashScope partial mode for the hosted chat models that have it (the default fast coder model included)', () => {
    const intl = PROVIDERS['dashscope-intl'];
    assert.equal(chooseMode(intl, intl.fastCoderModel), 'partial');
    assert.equal(chooseMode(intl, 'qwen-coder-turbo'), 'chat'); // FIM is a Beijing-only endpoint
    assert.equal(chooseMode(PROVIDERS['dashscope-cn'], 'qwen3-coder-plus'), 'partial');
  });

  it('the chat prompt everywhere else', () => {
    assert.equal(chooseMode(PROVIDERS.aimlapi, PROVIDERS.aimlapi.fastCoderModel), 'chat');
    assert.equal(chooseMode(PROVIDERS.maxtoken, 'qwen3-max'), 'chat');
    assert.equal(chooseMode(PROVIDERS.custom, 'llama3'), 'chat');
    assert.equal(chooseMode(PROVIDERS.custom, ''), 'chat');
    // a gateway that calls its model like DashScope's chat-only coder model
    assert.equal(chooseMode(PROVIDERS.custom, 'qwen3-coder-plus'), 'chat');
  });
});
