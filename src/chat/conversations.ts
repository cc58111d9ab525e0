// The conversation the chat view shows: restored at start, replaced by New Chat or by opening
// another, deleted, saved after each turn, and as the view takes it.
import { randomUUID } from 'node:crypto';
import { TurnSchema, type ConversationSummary, type Turn, type TurnPart } from '../protocol/messages';
import type { Log } from '../log';
import { fitTurn, titleFrom, viewOf, type Conversation, type StoredTurn } from '../turns/turn';
import type { ConversationStore } from './store';

export class Conversations {
  private conv: Conversation = emptyConversation();
  /** Settles once the last conversation of this workspace is back (or there was none). */
  readonly restored: Promise<void>;
  /** the conversation was replaced (New Chat, opened or deleted one) before the restore finished */
  private replaced = false;

  /** `live`: the parts of the turn streaming now, when it is this one */
  constructor(
    private readonly store: ConversationStore,
    private readonly log: Pick<Log, 'warn'>,
    private readonly live: (turnId: string) => TurnPart[] | undefined,
  ) {
    this.restored = this.restore();
  }

  private async restore(): Promise<void> {
    const latest = this.store.list()[0];
    const conv = latest ? await this.store.load(latest.id).catch(() => undefined) : undefined;
    // Not if the user already moved on (New Chat, another conversation) while it loaded.
    if (!conv || this.replaced || this.conv.turns.length) return;
    this.conv = this.fitForView(conv);
  }

  /**
   * A stored conversation the view cannot take would blank it at every start (the last one is
   * restored): texts over the cap are cut and say so, and a turn that still does not fit is left out.
   */
  private fitForView(conv: Conversation): Conversation {
    // A turn that was streaming when the window closed is shown as stopped, with what it had; an
    // agent task as interrupted, with Continue, its rows that waited or ran as interrupted.
    for (const t of conv.turns) if (t.status === 'streaming' && !this.live(t.id)) settleInterrupted(t);
    const turns = conv.turns.filter((t) => {
      fitTurn(t);
      const check = TurnSchema.safeParse(this.viewTurn(t));
      if (!check.success) this.log.warn(`A stored turn of conversation ${conv.id} cannot be shown and is left out: ${check.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return check.success;
    });
    return { ...conv, turns };
  }

  get current(): Conversation {
    return this.conv;
  }

  list(): ConversationSummary[] {
    return this.store.list();
  }

  startNew(): void {
    this.replaced = true;
    this.conv = emptyConversation();
  }

  /** False when there is no such conversation (the current one stays). */
  async open(id: string): Promise<boolean> {
    this.replaced = true;
    const conv = await this.store.load(id);
    if (conv) this.conv = this.fitForView(conv);
    return !!conv;
  }

  async delete(id: string): Promise<void> {
    this.replaced = true;
    if (id === this.conv.id) this.conv = emptyConversation();
    await this.store.delete(id);
  }

  /** A new turn at the end; the first one names the conversation. */
  add(turn: StoredTurn): void {
    if (!this.conv.turns.length) this.conv.title = titleFrom(turn.question);
    this.conv.turns.push(turn);
  }

  /** Replaces turn `index` and drops every later one (regenerate, edit and resend, continue). */
  replaceFrom(index: number, turn: StoredTurn): void {
    this.conv.turns.splice(index, this.conv.turns.length - index, turn);
  }

  async persist(): Promise<void> {
    const conv = this.conv;
    if (!conv.turns.length) return;
    // Its own loop turn: serializing the conversation (the answer may be megabytes) must not add
    // to what the stream's last burst and the turn's end are doing (an immediate would run in the
    // same turn as the burst's resumed parsing).
    await new Promise((resolve) => setTimeout(resolve, 0));
    // A turn still running (an agent task saved after each step) is saved with what it has so far.
    const turns = conv.turns.map((t) => {
      const live = this.live(t.id);
      return live ? { ...t, parts: live } : t;
    });
    const saved = { ...conv, turns };
    await this.store.save(saved);
    conv.updatedAt = saved.updatedAt;
  }

  viewTurn(t: StoredTurn): Turn {
    const view = viewOf(t);
    const live = this.live(t.id);
    return live ? { ...view, parts: live } : view;
  }

  viewTurns(): Turn[] {
    return this.conv.turns.map((t) => this.viewTurn(t));
  }
}

function emptyConversation(): Conversation {
  const now = Date.now();
  return { id: randomUUID(), title: '', createdAt: now, updatedAt: now, turns: [] };
}

/** A turn the window closed on: a chat answer is stopped; an agent task is interrupted, with Continue. */
export function settleInterrupted(t: StoredTurn): void {
  if (t.mode !== 'agent') {
    t.status = 'stopped';
    return;
  }
  t.status = 'done';
  t.finishReason = 'agentStop';
  t.agentStop = 'interrupted';
  t.parts = t.parts.map((p) => (p.kind === 'toolCall' && (p.status === 'pending' || p.status === 'running') ? { ...p, status: 'interrupted' as const, result: p.result ?? 'Not run: the window was closed before this call finished.' } : p));
}
