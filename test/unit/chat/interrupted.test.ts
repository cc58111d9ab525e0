// An agent task saved after a step and reopened after a window reload: its rows that waited or ran
// read as interrupted, the turn offers Continue (agentStop 'interrupted'), and what it had is kept.
import * as assert from 'node:assert/strict';
import { Conversations } from '../../../src/chat/conversations';
import { ConversationStore } from '../../../src/chat/store';
import type { TurnPart } from '../../../src/protocol/messages';
import type { StoredTurn } from '../../../src/turns/turn';

class Memento {
  readonly data = new Map<string, unknown>();
  get<T>(key: string, fallback?: T): T | undefined {
    return this.data.has(key) ? (structuredClone(this.data.get(key)) as T) : fallback;
  }
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  async update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
  }
}

const log = { warn: () => undefined, info: () => undefined, error: () => undefined } as never;

describe('an agent task across a window reload', () => {
  it('is saved with its live rows mid-task and reopens interrupted, with what it had', async () => {
    const memento = new Memento();
    const store = new ConversationStore(memento as never);
    const live: TurnPart[] = [
      { kind: 'text', text: 'Reading first.' },
      { kind: 'toolCall', id: 'c1', name: 'read_file', args: '{"file_path":"a.ts"}', status: 'done', result: 'text of a', step: 1 },
      { kind: 'toolCall', id: 'c2', name: 'run_shell_command', args: '{"command":"npm test"}', status: 'pending', step: 2 },
    ];
    const running = new Conversations(store, log, (id) => (id === 't1' ? live : undefined));
    await running.restored;
    const turn: StoredTurn = { id: 't1', question: 'fix it', context: [], parts: [], status: 'streaming', mode: 'agent', steps: 2 };
    running.add(turn);
    await running.persist();

    // a new window: nothing is running
    const reopened = new Conversations(new ConversationStore(memento as never), log, () => undefined);
    await reopened.restored;
    const t = reopened.current.turns[0]!;
    assert.equal(t.status, 'done');
    assert.equal(t.agentStop, 'interrupted');
    assert.deepEqual(t.parts.map((p) => (p.kind === 'toolCall' ? `${p.name}:${p.status}` : p.kind)), ['text', 'read_file:done', 'run_shell_command:interrupted']);
    const waiting = t.parts[2] as Extract<TurnPart, { kind: 'toolCall' }>;
    assert.match(waiting.result ?? '', /window was closed/);
  });

  it('an ordinary answer cut by the reload is stopped, as before', async () => {
    const memento = new Memento();
    const store = new ConversationStore(memento as never);
    const c = new Conversations(store, log, () => undefined);
    await c.restored;
    c.add({ id: 't1', question: 'q', context: [], parts: [{ kind: 'text', text: 'part' }], status: 'streaming' });
    await c.persist();
    const reopened = new Conversations(new ConversationStore(memento as never), log, () => undefined);
    await reopened.restored;
    assert.equal(reopened.current.turns[0]!.status, 'stopped');
    assert.equal(reopened.current.turns[0]!.agentStop, undefined);
  });
});
