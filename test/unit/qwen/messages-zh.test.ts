// The Simplified Chinese error sentences: one for every kind and network code, each a Chinese
// sentence carrying the same facts (host, model, status, proxy) as the English one.
import * as assert from 'node:assert/strict';
import { describeError, type QwenErrorKind } from '../../../src/qwen';

const KINDS: QwenErrorKind[] = ['missing-key', 'auth', 'billing', 'quota', 'rate-limit', 'content-filter', 'bad-parameter', 'context-length', 'model-not-found', 'access-denied', 'endpoint-not-found', 'server', 'network', 'timeout', 'proxy', 'stream-error', 'dropped', 'aborted', 'invalid-response', 'config'];
const CJK = /[\u4e00-\u9fff]/;

describe('qwen: error sentences in Simplified Chinese', () => {
  it('every kind has a Chinese sentence ending in full-width punctuation, unlike the English one', () => {
    for (const kind of KINDS) {
      const e = { kind, host: 'h.example', providerLabel: 'Alibaba Model Studio — Singapore', model: 'qwen-max' };
      const zh = describeError(e, 'zh-cn');
      const en = describeError(e);
      assert.match(zh, CJK, `${kind}: ${zh}`);
      assert.match(zh, /[。]$/, `${kind}: ${zh}`);
      assert.notEqual(zh, en);
      assert.doesNotMatch(zh, /\b(the|check|try|server)\b/i, `${kind} has English left in it: ${zh}`);
    }
  });

  it('keeps the facts: host, model, status, timeout, proxy and server text', () => {
    assert.match(describeError({ kind: 'quota', providerLabel: 'maxtoken', model: 'qwen3-max' }, 'zh-cn'), /maxtoken.*“qwen3-max”/);
    assert.match(describeError({ kind: 'server', providerLabel: 'maxtoken', status: 503 }, 'zh-cn'), /HTTP 503/);
    assert.match(describeError({ kind: 'timeout', timeoutPhase: 'first-byte', timeoutMs: 30_000, host: 'h.example' }, 'zh-cn'), /h\.example.*30 秒/);
    assert.match(describeError({ kind: 'network', code: 'ENOTFOUND', host: 'h.example', proxy: 'proxy.corp:3128' }, 'zh-cn'), /h\.example.*proxy\.corp:3128/);
    assert.match(describeError({ kind: 'network', code: 'CERT_HAS_EXPIRED', host: 'h.example' }, 'zh-cn'), /CERT_HAS_EXPIRED/);
    assert.match(describeError({ kind: 'bad-parameter', providerLabel: 'maxtoken', serverMessage: 'temperature must be < 2.' }, 'zh-cn'), /“temperature must be < 2”/);
  });

  it('says the partial answer was kept exactly when some arrived', () => {
    const partial = { text: '一半', reasoning: '', toolCalls: [] };
    assert.match(describeError({ kind: 'dropped', partial }, 'zh-cn'), /已保留/);
    assert.doesNotMatch(describeError({ kind: 'dropped', partial: { text: '', reasoning: '', toolCalls: [] } }, 'zh-cn'), /已保留/);
  });

  it('names the region rule for a DashScope key that was refused', () => {
    assert.match(describeError({ kind: 'auth', provider: 'dashscope-cn', providerLabel: 'Alibaba Model Studio — Beijing' }, 'zh-cn'), /地域/);
    assert.doesNotMatch(describeError({ kind: 'auth', provider: 'aimlapi', providerLabel: 'AI/ML API' }, 'zh-cn'), /地域/);
  });
});
