import * as assert from 'node:assert/strict';
import { estimateTokens } from '../../../src/prompts/tokens';

describe('prompts/tokens: estimates', () => {
  it('code and English: about 3.5 characters a token', () => {
    const code = 'export function add(a: number, b: number): number {\n  return a + b;\n}\n'.repeat(50);
    const t = estimateTokens(code);
    assert.ok(Math.abs(t - code.length / 3.5) <= 1, String(t));
  });

  it('CJK: a token a character, so Chinese is not underestimated fourfold', () => {
    const zh = '请解释这段代码的作用并指出潜在的问题';
    assert.equal(estimateTokens(zh), zh.length);
    assert.ok(estimateTokens(zh) > zh.length / 3.5 * 3);
    assert.equal(estimateTokens('カタカナ한국어'), 7);
  });

  it('mixed text adds up; emoji count as two; empty is zero', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('😀😀'), 4);
    assert.equal(estimateTokens('函数 add(a, b)'), Math.ceil(2 + 10 / 3.5));
    assert.equal(estimateTokens('привет'), 3);
  });
});
