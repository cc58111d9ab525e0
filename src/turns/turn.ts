// A turn and a conversation as they are stored, the cap on a turn's text, and the reading of
// conversations written before turns had parts. Pure: the store and the runner share it.
import type { Turn, TurnPart, TurnUsage } from '../protocol/messages';
import type { Usage } from '../qwen/types';
import { textLength } from '../protocol/parts';

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

/**
 * The most of one turn's question, answer or reasoning the chat keeps and shows. 2 million
 * characters is 500,000 tokens and more, past any model's output limit (a few tens of thousands of
 * tokens), so no real answer comes near it; what does is a misbehaving server. Lower than the
 * protocol's 8,000,000 so a restored turn always fits the view, and small enough that the view's
 * render and the conversation file's write of one turn stay well under a second.
 */
export const MAX_TURN_TEXT = 2_000_000;

/** The first `max` characters, never splitting a surrogate pair. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/**
 * Cuts a stored turn to MAX_TURN_TEXT (the question, all its text, all its reasoning, each tool
 * result), marking it, and fills what an older or damaged file lacks.
 */
export function fitTurn(t: StoredTurn): void {
  let cut = false;
  const fit = (value: unknown, room: number): string => {
    if (typeof value !== 'string') return '';
    if (value.length <= room) return value;
    cut = true;
    return cutText(value, room);
  };
  t.question = fit(t.question, MAX_TURN_TEXT);
  const room = { text: MAX_TURN_TEXT, reasoning: MAX_TURN_TEXT };
  const parts: TurnPart[] = [];
  for (const p of Array.isArray(t.parts) ? (t.parts as unknown[]) : []) {
    if (!p || typeof p !== 'object') continue;
    const part = p as TurnPart;
    if (part.kind === 'text' || part.kind === 'reasoning') {
      const text = fit(part.text, room[part.kind]);
      room[part.kind] -= text.length;
      parts.push({ kind: part.kind, text });
    } else if (part.kind === 'toolCall') {
      parts.push(part.result === undefined ? part : { ...part, result: fit(part.result, MAX_TURN_TEXT) });
    }
  }
  t.parts = parts;
  if (cut) t.truncatedAt = textLength(parts, 'text');
}

/** A turn written before turns had parts kept its answer and reasoning as two strings. */
interface LegacyTurn {
  answer?: unknown;
  reasoning?: unknown;
}

/**
 * Brings a conversation read from disk to the current shape, in place: a turn with `answer` and
 * `reasoning` strings becomes its reasoning part then its text part (the order they streamed in).
 */
export function upgradeConversation(conv: Conversation): Conversation {
  for (const t of conv.turns) {
    if (!t || typeof t !== 'object' || Array.isArray(t.parts)) continue;
    const legacy = t as StoredTurn & LegacyTurn;
    const parts: TurnPart[] = [];
    if (typeof legacy.reasoning === 'string' && legacy.reasoning) parts.push({ kind: 'reasoning', text: legacy.reasoning });
    if (typeof legacy.answer === 'string' && legacy.answer) parts.push({ kind: 'text', text: legacy.answer });
    delete legacy.answer;
    delete legacy.reasoning;
    t.parts = parts;
  }
  return conv;
}

/** A stored turn as the view takes it: without the context text and the moderation flag. */
export function viewOf(t: StoredTurn): Turn {
  const { contextText: _c, excluded: _e, ...view } = t;
  return { ...view, usage: viewUsage(t.usage) };
}

/** Only the counts the protocol carries (a client's usage has more). */
export function viewUsage(u: Usage | TurnUsage | undefined): TurnUsage | undefined {
  if (!u) return undefined;
  const { promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens } = u;
  return { promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens };
}

export function titleFrom(question: string): string {
  const line = question.split('\n').find((l) => l.trim()) ?? question;
  const t = line.trim().replace(/\s+/g, ' ');
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}
