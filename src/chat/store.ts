import type * as vscode from 'vscode';
import type { ContextChip, ConversationSummary, Turn } from '../protocol/messages';

/** A turn as stored: what the view shows, plus the context text that was sent with the question. */
export interface StoredTurn extends Turn {
  /** the packed context (selection, files) sent before the question; never shown raw in the view */
  contextText?: string;
  /** a content-moderation refusal flagged this question: it is left out of later requests */
  excluded?: boolean;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  turns: StoredTurn[];
}

const INDEX_KEY = 'qwen.chat.index';
const CONV_PREFIX = 'qwen.chat.conversation.';
const MAX_CONVERSATIONS = 200;

/**
 * Conversations per workspace (CONTRACT.md), in workspaceState: an index of summaries plus one
 * entry per conversation, so listing never loads every answer.
 */
export class ConversationStore {
  constructor(private readonly memento: vscode.Memento) {}

  list(): ConversationSummary[] {
    return [...this.memento.get<ConversationSummary[]>(INDEX_KEY, [])].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  load(id: string): Conversation | undefined {
    return this.memento.get<Conversation>(CONV_PREFIX + id);
  }

  async save(conv: Conversation): Promise<void> {
    conv.updatedAt = Date.now();
    const summary: ConversationSummary = { id: conv.id, title: conv.title, updatedAt: conv.updatedAt, turnCount: conv.turns.length };
    let index = this.list().filter((c) => c.id !== conv.id);
    index.unshift(summary);
    const dropped = index.slice(MAX_CONVERSATIONS);
    index = index.slice(0, MAX_CONVERSATIONS);
    // Together, not one after another: VS Code writes an extension's whole workspaceState (every
    // stored conversation) for each write it flushes, and updates made in the same tick go out as one.
    await Promise.all([
      this.memento.update(CONV_PREFIX + conv.id, conv),
      ...dropped.map((d) => this.memento.update(CONV_PREFIX + d.id, undefined)),
      this.memento.update(INDEX_KEY, index),
    ]);
  }

  async delete(id: string): Promise<void> {
    await this.memento.update(CONV_PREFIX + id, undefined);
    await this.memento.update(INDEX_KEY, this.list().filter((c) => c.id !== id));
  }
}

export function titleFrom(question: string): string {
  const line = question.split('\n').find((l) => l.trim()) ?? question;
  const t = line.trim().replace(/\s+/g, ' ');
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}

export function chipsOf(turn: StoredTurn): ContextChip[] {
  return turn.context ?? [];
}
