import type * as vscode from 'vscode';
import type { ConversationSummary } from '../protocol/messages';
import { upgradeConversation, type Conversation } from '../turns/turn';

export type { Conversation, StoredTurn } from '../turns/turn';

/** Where conversation bodies live when the workspace has a storage folder (see conversationFiles.ts). */
export interface ConversationFiles {
  read(id: string): Promise<string | undefined>;
  write(id: string, text: string): Promise<void>;
  remove(id: string): Promise<void>;
}

const INDEX_KEY = 'qwen.chat.index';
const CONV_PREFIX = 'qwen.chat.conversation.';
const MAX_CONVERSATIONS = 200;

/**
 * Conversations per workspace (they survive reloads): an index of summaries in workspaceState, and each
 * conversation in a file of its own in the workspace's storage folder. VS Code stores an
 * extension's workspaceState as one value and re-sends all of it on every write, so bodies kept
 * there made each save cost as much as every stored answer together (milliseconds of extension
 * host time per megabyte, after every answer). Without a storage folder (no folder open) bodies
 * stay in workspaceState; bodies written there by earlier versions are still read, and move to a
 * file the next time their conversation is saved.
 */
export class ConversationStore {
  /** the last write of each conversation, so writes of one conversation land in order */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(
    private readonly memento: vscode.Memento,
    private readonly files?: ConversationFiles,
  ) {}

  list(): ConversationSummary[] {
    return [...this.memento.get<ConversationSummary[]>(INDEX_KEY, [])].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async load(id: string): Promise<Conversation | undefined> {
    if (this.files) {
      await this.writes.get(id);
      const text = await this.files.read(id).catch(() => undefined);
      const conv = text === undefined ? undefined : parseConversation(text);
      if (conv) return upgradeConversation(conv);
    }
    const legacy = this.memento.get<Conversation>(CONV_PREFIX + id);
    return legacy && Array.isArray(legacy.turns) ? upgradeConversation(legacy) : legacy;
  }

  async save(conv: Conversation): Promise<void> {
    conv.updatedAt = Date.now();
    const summary: ConversationSummary = { id: conv.id, title: conv.title, updatedAt: conv.updatedAt, turnCount: conv.turns.length };
    let index = this.list().filter((c) => c.id !== conv.id);
    index.unshift(summary);
    const dropped = index.slice(MAX_CONVERSATIONS);
    index = index.slice(0, MAX_CONVERSATIONS);
    const updates: Thenable<void>[] = [];
    if (this.files) {
      // Serialized now, so later changes to the conversation do not reach this write half-way.
      updates.push(this.queue(conv.id, JSON.stringify(conv)));
      if (this.memento.get(CONV_PREFIX + conv.id) !== undefined) updates.push(this.memento.update(CONV_PREFIX + conv.id, undefined));
    } else updates.push(this.memento.update(CONV_PREFIX + conv.id, conv));
    for (const d of dropped) updates.push(this.forget(d.id));
    updates.push(this.memento.update(INDEX_KEY, index));
    // Together, not one after another: updates made in the same tick go out as one write.
    await Promise.all(updates);
  }

  async delete(id: string): Promise<void> {
    await Promise.all([this.forget(id), this.memento.update(INDEX_KEY, this.list().filter((c) => c.id !== id))]);
  }

  private async forget(id: string): Promise<void> {
    const legacy = this.memento.get(CONV_PREFIX + id) !== undefined ? this.memento.update(CONV_PREFIX + id, undefined) : undefined;
    if (this.files) {
      const files = this.files;
      const previous = this.writes.get(id) ?? Promise.resolve();
      const removal = previous.then(() => files.remove(id)).catch(() => undefined);
      this.writes.set(id, removal);
      await removal;
    }
    await legacy;
  }

  private queue(id: string, text: string): Promise<void> {
    const files = this.files!;
    const previous = this.writes.get(id) ?? Promise.resolve();
    const write = previous.catch(() => undefined).then(() => files.write(id, text));
    this.writes.set(id, write.catch(() => undefined));
    return write;
  }
}

function parseConversation(text: string): Conversation | undefined {
  try {
    const v = JSON.parse(text) as Conversation;
    return v && typeof v.id === 'string' && Array.isArray(v.turns) ? v : undefined;
  } catch {
    return undefined;
  }
}
