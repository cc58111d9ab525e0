import * as assert from 'node:assert/strict';
import { packContext } from '../../../src/prompts/context';
import { estimateTokens } from '../../../src/prompts/tokens';

const lines = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} line ${i} with some code here;`).join('\n') + '\n';

describe('prompts/context: packContext', () => {
  it('keeps everything that fits, in order', () => {
    const r = packContext([{ id: 'a', text: 'one', priority: 1 }, { id: 'b', text: 'two', priority: 2 }], 100);
    assert.deepEqual(r.items.map((i) => [i.id, i.text, i.truncated]), [['a', 'one', false], ['b', 'two', false]]);
    assert.equal(r.overBudget, false);
  });

  it('cuts the context above a selection from its top, below it from its bottom, the lowest priority first', () => {
    const before = lines('above', 200);
    const after = lines('below', 200);
    const selection = lines('selected', 10);
    const budget = estimateTokens(selection) + 600;
    const r = packContext(
      [
        { id: 'before', text: before, priority: 3, cut: 'start' },
        { id: 'selection', text: selection, priority: 9, required: true },
        { id: 'after', text: after, priority: 2, cut: 'end' },
      ],
      budget,
    );
    assert.ok(r.tokens <= budget);
    const get = (id: string) => r.items.find((i) => i.id === id);
    assert.equal(get('selection')!.text, selection);
    // "after" had lower priority: it goes entirely before "before" shrinks.
    assert.ok(!get('after'));
    assert.deepEqual(r.dropped, ['after']);
    const b = get('before')!;
    assert.ok(b.truncated);
    assert.ok(before.endsWith(b.text), 'kept the lines nearest the selection');
    assert.ok(b.text.startsWith('above line'), 'whole lines');
  });

  it('trims the bottom of an item cut at its end, whole lines', () => {
    const text = lines('x', 100);
    const r = packContext([{ id: 'f', text, priority: 0, cut: 'end' }], 100);
    const t = r.items[0].text;
    assert.ok(text.startsWith(t) && t.endsWith('\n') && r.tokens <= 100 && r.tokens > 80);
  });

  it('never includes an excluded file, and says so', () => {
    const r = packContext([{ id: 'env', text: 'API_KEY=sk-123', priority: 9, path: 'app/.env' }, { id: 'code', text: 'x', priority: 1, path: 'app/main.ts' }], 1000);
    assert.deepEqual(r.items.map((i) => i.id), ['code']);
    assert.deepEqual(r.excluded, ['env']);
  });

  it('reports when the required items alone exceed the budget', () => {
    const r = packContext([{ id: 's', text: lines('s', 100), priority: 9, required: true }], 10);
    assert.equal(r.overBudget, true);
    assert.equal(r.items.length, 1);
  });
});
