// The rules of a turn's parts that host and view share, and the host's live parts.
import * as assert from 'node:assert/strict';
import type { TurnPart } from '../../../src/protocol/messages';
import { joinedText, openPartIndex } from '../../../src/protocol/parts';
import { LiveParts } from '../../../src/turns/liveParts';
import { fitTurn, MAX_TURN_TEXT, type StoredTurn } from '../../../src/turns/turn';

const tool = (id: string): TurnPart => ({ kind: 'toolCall', id, name: 'readFile', args: '{}', status: 'done' });

describe('turn parts', () => {
  it('a delta extends its kind\'s part in the current step, or opens one', () => {
    assert.equal(openPartIndex([], 'text'), -1);
    const parts: TurnPart[] = [{ kind: 'reasoning', text: 'r' }, { kind: 'text', text: 'a' }];
    assert.equal(openPartIndex(parts, 'text'), 1);
    assert.equal(openPartIndex(parts, 'reasoning'), 0, 'reasoning after text in the same step extends the step\'s reasoning');
    assert.equal(openPartIndex([...parts, tool('c1')], 'text'), -1, 'a tool call closes the step');
  });

  it('live parts keep batches until asked, and start new parts after a tool call', () => {
    const live = new LiveParts([{ kind: 'text', text: 'Hel' }, tool('c1')]);
    live.append('text', 'lo');
    live.append('reasoning', 'think');
    live.append('text', ' world');
    assert.deepEqual(live.snapshot(), [
      { kind: 'text', text: 'Hel' },
      tool('c1'),
      { kind: 'text', text: 'lo world' },
      { kind: 'reasoning', text: 'think' },
    ]);
    assert.equal(live.length('text'), 'Hello world'.length);
  });

  it('a continued answer grows its own text part; the parts it started from are not changed', () => {
    const from: TurnPart[] = [{ kind: 'text', text: '1. one' }];
    const live = new LiveParts(from);
    live.append('text', '\n2. two');
    assert.deepEqual(live.snapshot(), [{ kind: 'text', text: '1. one\n2. two' }]);
    assert.deepEqual(from, [{ kind: 'text', text: '1. one' }]);
  });

  it('fitTurn cuts all text of a kind to the cap together, and says where', () => {
    const half = 'x'.repeat(MAX_TURN_TEXT / 2 + 10);
    const t = { id: 't', question: 'q', context: [], status: 'done', parts: [{ kind: 'text', text: half }, tool('c'), { kind: 'text', text: half }, { kind: 'reasoning', text: 'r' }, null] } as unknown as StoredTurn;
    fitTurn(t);
    assert.equal(joinedText(t.parts, 'text').length, MAX_TURN_TEXT);
    assert.equal(t.truncatedAt, MAX_TURN_TEXT);
    assert.equal(t.parts.length, 4, 'a damaged part is dropped, the rest kept');
    assert.equal(joinedText(t.parts, 'reasoning'), 'r');
  });
});
