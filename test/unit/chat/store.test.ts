import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ConversationStore, type Conversation, type ConversationFiles } from '../../../src/chat/store';
import { joinedText } from '../../../src/protocol/parts';
import { TurnSchema } from '../../../src/protocol/messages';
import { viewOf, type StoredTurn } from '../../../src/turns/turn';

/** workspaceState as VS Code keeps it: one object, values copied in and out. */
class Memento {
  readonly data = new Map<string, unknown>();
  writes = 0;
  get<T>(key: string, fallback?: T): T | undefined {
    return this.data.has(key) ? (structuredClone(this.data.get(key)) as T) : fallback;
  }
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  async update(key: string, value: unknown): Promise<void> {
    this.writes++;
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, structuredClone(value));
  }
}

/** A folder of files whose writes complete in a random order, as a slow disk's might. */
class Files implements ConversationFiles {
  readonly data = new Map<string, string>();
  async read(id: string) {
    await tick();
    return this.data.get(id);
  }
  async write(id: string, text: string) {
    await tick(Math.random() * 5);
    this.data.set(id, text);
  }
  async remove(id: string) {
    await tick();
    this.data.delete(id);
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

function conversation(id: string, answer: string): Conversation {
  return { id, title: `about ${id}`, createdAt: 1, updatedAt: 1, turns: [{ id: `${id}-t`, question: 'q', context: [], parts: [{ kind: 'text', text: answer }], status: 'done' }] };
}

/** A turn's answer: its text parts, joined. */
const answerOf = (t: StoredTurn | undefined) => joinedText(t!.parts, 'text');

const asMemento = (m: Memento) => m as unknown as vscode.Memento;

describe('ConversationStore', () => {
  it('keeps each conversation in its own file and only the index in workspaceState', async () => {
    const memento = new Memento();
    const files = new Files();
    const store = new ConversationStore(asMemento(memento), files);
    await store.save(conversation('a', 'x'.repeat(100_000)));
    await store.save(conversation('b', '答案'));
    assert.deepEqual(memento.keys(), ['qwen.chat.index'], 'no answer text in workspaceState');
    assert.deepEqual([...files.data.keys()].sort(), ['a', 'b']);
    assert.equal(answerOf((await store.load('a'))!.turns[0]).length, 100_000);
    assert.equal(answerOf((await store.load('b'))!.turns[0]), '答案');
    assert.deepEqual(store.list().map((c) => c.id), ['b', 'a']);
  });

  it('the last save of a conversation wins, however its writes complete', async () => {
    const store = new ConversationStore(asMemento(new Memento()), new Files());
    const conv = conversation('a', '');
    const saves: Promise<void>[] = [];
    for (let i = 1; i <= 20; i++) {
      conv.turns[0]!.parts = [{ kind: 'text', text: `version ${i}` }];
      saves.push(store.save(conv));
    }
    await Promise.all(saves);
    assert.equal(answerOf((await store.load('a'))!.turns[0]), 'version 20');
  });

  it('reads conversations an earlier version kept in workspaceState, and moves them to a file when saved', async () => {
    const memento = new Memento();
    const old = conversation('old', 'from before');
    await memento.update('qwen.chat.conversation.old', old);
    await memento.update('qwen.chat.index', [{ id: 'old', title: old.title, updatedAt: 1, turnCount: 1 }]);
    const files = new Files();
    const store = new ConversationStore(asMemento(memento), files);
    const loaded = await store.load('old');
    assert.equal(answerOf(loaded!.turns[0]), 'from before');
    await store.save(loaded!);
    assert.equal(memento.get('qwen.chat.conversation.old'), undefined, 'moved out of workspaceState');
    assert.equal(answerOf(JSON.parse(files.data.get('old')!).turns[0]), 'from before');
  });

  it('deletes the file, the old entry and the summary', async () => {
    const memento = new Memento();
    const files = new Files();
    const store = new ConversationStore(asMemento(memento), files);
    await store.save(conversation('a', 'x'));
    await memento.update('qwen.chat.conversation.a', conversation('a', 'legacy copy'));
    await store.delete('a');
    assert.equal(await store.load('a'), undefined);
    assert.equal(files.data.size, 0);
    assert.deepEqual(store.list(), []);
  });

  it('keeps the newest 200 conversations and removes the files of the rest', async () => {
    const files = new Files();
    const store = new ConversationStore(asMemento(new Memento()), files);
    for (let i = 0; i < 203; i++) await store.save(conversation(`c${i}`, String(i)));
    assert.equal(store.list().length, 200);
    assert.equal(files.data.size, 200);
    assert.ok(!files.data.has('c0') && !files.data.has('c2') && files.data.has('c3'));
  });

  it('without a storage folder (no folder open) keeps bodies in workspaceState', async () => {
    const memento = new Memento();
    const store = new ConversationStore(asMemento(memento));
    await store.save(conversation('a', 'kept'));
    assert.equal(answerOf((await store.load('a'))!.turns[0]), 'kept');
    assert.ok(memento.keys().includes('qwen.chat.conversation.a'));
  });

  it('a torn or foreign file is not a conversation: the old entry (or nothing) is used', async () => {
    const memento = new Memento();
    const files = new Files();
    files.data.set('a', '{"id":"a","turns":[{"answ');
    files.data.set('b', '{"hello":1}');
    await memento.update('qwen.chat.conversation.a', conversation('a', 'legacy'));
    const store = new ConversationStore(asMemento(memento), files);
    assert.equal(answerOf((await store.load('a'))!.turns[0]), 'legacy');
    assert.equal(await store.load('b'), undefined);
  });

  it('opens a conversation file written before turns had parts: reasoning, then answer, as parts', async () => {
    // As versions before parts wrote it: the answer and the reasoning as two strings per turn.
    const old = {
      id: 'v1',
      title: 'Why does it overflow?',
      createdAt: 1,
      updatedAt: 2,
      turns: [
        { id: 't1', question: '为什么会溢出？', context: [], answer: 'Because `i` is never checked.', reasoning: '先看边界。', status: 'done', finishReason: 'stop', model: 'qwen3-coder-plus' },
        { id: 't2', question: 'and now?', context: [], answer: 'Fixed.', reasoning: '', status: 'stopped', finishReason: 'cancelled' },
        { id: 't3', question: 'retry', context: [], answer: '', reasoning: '', status: 'error', error: { message: 'The connection dropped.', actions: ['retry'] } },
      ],
    };
    const files = new Files();
    files.data.set('v1', JSON.stringify(old));
    const memento = new Memento();
    await memento.update('qwen.chat.index', [{ id: 'v1', title: old.title, updatedAt: 2, turnCount: 3 }]);
    const store = new ConversationStore(asMemento(memento), files);
    const conv = (await store.load('v1'))!;
    assert.deepEqual(conv.turns.map((t) => t.parts), [
      [{ kind: 'reasoning', text: '先看边界。' }, { kind: 'text', text: 'Because `i` is never checked.' }],
      [{ kind: 'text', text: 'Fixed.' }],
      [],
    ]);
    assert.ok(conv.turns.every((t) => !('answer' in t) && !('reasoning' in t)), 'the old fields are gone');
    assert.equal(conv.turns[0]!.model, 'qwen3-coder-plus', 'the rest of the turn is kept');
    assert.deepEqual(conv.turns[2]!.error, old.turns[2]!.error);
    for (const t of conv.turns) assert.equal(TurnSchema.safeParse(viewOf(t)).success, true, 'the view takes the converted turn');
    // Saved again, it is in the new shape.
    await store.save(conv);
    assert.deepEqual(JSON.parse(files.data.get('v1')!).turns[1].parts, [{ kind: 'text', text: 'Fixed.' }]);
  });

  it('converts an old-format conversation an earlier version kept in workspaceState too', async () => {
    const memento = new Memento();
    await memento.update('qwen.chat.conversation.w', { id: 'w', title: 'w', createdAt: 1, updatedAt: 1, turns: [{ id: 't', question: 'q', context: [], answer: 'kept', reasoning: 'thought', status: 'done' }] });
    const store = new ConversationStore(asMemento(memento), new Files());
    assert.deepEqual((await store.load('w'))!.turns[0]!.parts, [{ kind: 'reasoning', text: 'thought' }, { kind: 'text', text: 'kept' }]);
  });
});
