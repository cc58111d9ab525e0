import * as assert from 'node:assert/strict';
import { TextAccumulator } from '../../../src/qwen/textAccumulator';

describe('TextAccumulator', () => {
  it('gives back exactly the pieces pushed, in order, across its 256-piece blocks', () => {
    for (const n of [0, 1, 255, 256, 257, 1000]) {
      const acc = new TextAccumulator();
      let expected = '';
      for (let i = 0; i < n; i++) {
        const piece = i % 7 === 0 ? `第${i}段` : `w${i} `;
        acc.push(piece);
        expected += piece;
      }
      assert.equal(acc.toString(), expected, `${n} pieces`);
      // A snapshot mid-stream does not lose or repeat anything pushed after it.
      acc.push('!');
      assert.equal(acc.toString(), `${expected}!`, `${n} pieces, then one more`);
    }
  });
});
