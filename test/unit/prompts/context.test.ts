import * as assert from 'node:assert/strict';
import { packContext, trimHistory } from '../../../src/prompts/context';
import { estimateTokens } from '../../../src/prompts/tokens';
import type { ChatMessage } from '../../../src/qwen/types';

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

describe('prompts/context: trimHistory', () => {
  const sys: ChatMessage = { role: 'system', content: 'You are helpful.' };
  const turn = (i: number, size = 400): ChatMessage[] => [
    { role: 'user', content: `question ${i} ` + 'q'.repeat(size) },
    { role: 'assistant', content: `answer ${i} ` + 'a'.repeat(size) },
  ];

  it('keeps all when it fits', () => {
    const msgs = [sys, ...turn(1), ...turn(2), { role: 'user', content: 'now' } as ChatMessage];
    const r = trimHistory(msgs, 100_000);
    assert.equal(r.droppedTurns, 0);
    assert.deepEqual(r.messages, msgs);
    assert.ok(r.fits);
  });

  it('drops the oldest whole turns, keeps the system message and the newest turn, and counts what it dropped', () => {
    const msgs = [sys, ...turn(1), ...turn(2), ...turn(3), ...turn(4), { role: 'user', content: 'latest' } as ChatMessage];
    const r = trimHistory(msgs, 600);
    assert.equal(r.messages[0], sys);
    assert.equal(r.messages[r.messages.length - 1].content, 'latest');
    assert.ok(r.tokens <= 600);
    assert.equal(r.droppedTurns, 2);
    assert.equal(r.messages[1].content!.toString().startsWith('question 3'), true);
  });

  it('keeps a tool call with its result (they belong to one turn)', () => {
    const msgs: ChatMessage[] = [
      sys,
      ...turn(1),
      { role: 'user', content: 'read the file' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'read', arguments: '{"path":"a.ts"}' } }] },
      { role: 'tool', tool_call_id: 'c1', content: 'x'.repeat(300) },
      { role: 'assistant', content: 'done' },
    ];
    const r = trimHistory(msgs, 200);
    assert.equal(r.droppedTurns, 1);
    assert.deepEqual(r.messages.map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant']);
  });

  it('says when even the newest turn does not fit', () => {
    const r = trimHistory([sys, { role: 'user', content: 'x'.repeat(10_000) }], 100);
    assert.equal(r.fits, false);
    assert.equal(r.messages.length, 2);
  });
});
