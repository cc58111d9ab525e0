// Fitting what we would like to send into what the model can take: context items trimmed or
// dropped by priority, and conversation history trimmed by whole turns from the oldest.

import type { ChatMessage } from '../qwen/types';
import { DEFAULT_EXCLUDE_PATTERNS, isExcludedPath } from './exclude';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from './tokens';

export interface ContextItem {
  id: string;
  text: string;
  /** higher survives longer */
  priority: number;
  /**
   * Which end goes first when the item must shrink, whole lines at a time: 'start' for context
   * above a selection (keep what is nearest), 'end' for context below and for other files,
   * 'none' for all or nothing.
   */
  cut?: 'start' | 'end' | 'none';
  /** never cut nor dropped (the selection itself) */
  required?: boolean;
  /** the file it comes from, checked against the exclude patterns */
  path?: string;
}

export interface PackedItem {
  id: string;
  text: string;
  tokens: number;
  truncated: boolean;
}

export interface PackResult {
  /** what fits, in the input order */
  items: PackedItem[];
  /** ids of items left out for lack of room */
  dropped: string[];
  /** ids of items left out because their path is excluded; they never count, never go out */
  excluded: string[];
  tokens: number;
  /** even the required items alone exceed the budget */
  overBudget: boolean;
}

export function packContext(items: readonly ContextItem[], budgetTokens: number, opts: { exclude?: readonly string[] } = {}): PackResult {
  const exclude = opts.exclude ?? DEFAULT_EXCLUDE_PATTERNS;
  const live: Array<PackedItem & { src: ContextItem }> = [];
  const excluded: string[] = [];
  for (const it of items) {
    if (it.path !== undefined && isExcludedPath(it.path, exclude)) excluded.push(it.id);
    else live.push({ id: it.id, text: it.text, tokens: estimateTokens(it.text), truncated: false, src: it });
  }
  let total = live.reduce((n, p) => n + p.tokens, 0);
  const dropped: string[] = [];
  // Lowest priority first; among equals, the later item gives way first.
  const order = live
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !p.src.required)
    .sort((a, b) => a.p.src.priority - b.p.src.priority || b.i - a.i);
  for (const { p } of order) {
    const cut = p.src.cut ?? 'end';
    // Line estimates do not add up exactly to the whole's, so trim until it really fits.
    while (total > budgetTokens && p.tokens >= 0) {
      const need = total - budgetTokens;
      const text = cut !== 'none' && need < p.tokens ? trimLines(p.text, need, cut) : '';
      if (text && text.length < p.text.length) {
        const t = estimateTokens(text);
        total += t - p.tokens;
        p.text = text;
        p.tokens = t;
        p.truncated = true;
      } else {
        total -= p.tokens;
        p.tokens = -1;
        dropped.push(p.id);
      }
    }
    if (total <= budgetTokens) break;
  }
  const out = live.filter((p) => p.tokens >= 0).map(({ id, text, tokens, truncated }) => ({ id, text, tokens, truncated }));
  return { items: out, dropped, excluded, tokens: total, overBudget: total > budgetTokens };
}

/** Drops whole lines from one end until at least `need` tokens are gone; '' when nothing is left. */
function trimLines(text: string, need: number, from: 'start' | 'end'): string {
  let removed = 0;
  if (from === 'start') {
    let pos = 0;
    while (removed < need && pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const next = nl < 0 ? text.length : nl + 1;
      removed += estimateTokens(text.slice(pos, next));
      pos = next;
    }
    return text.slice(pos);
  }
  let end = text.length;
  while (removed < need && end > 0) {
    let s = end - 1;
    if (text.charCodeAt(s) === 10) s--;
    const start = s >= 0 ? text.lastIndexOf('\n', s) + 1 : 0;
    removed += estimateTokens(text.slice(start, end));
    end = start;
  }
  return text.slice(0, end);
}

export function messageTokens(m: ChatMessage): number {
  let n = MESSAGE_OVERHEAD_TOKENS;
  if (typeof m.content === 'string') n += estimateTokens(m.content);
  else if (m.content) for (const part of m.content) n += estimateTokens(part.text);
  for (const call of m.tool_calls ?? []) n += MESSAGE_OVERHEAD_TOKENS + estimateTokens(call.function.name) + estimateTokens(call.function.arguments);
  return n;
}

export interface HistoryTrim {
  messages: ChatMessage[];
  /** whole turns (a user message and the answers and tool results after it) left out, oldest first */
  droppedTurns: number;
  tokens: number;
  /** false when the system messages and the last turn alone exceed the budget */
  fits: boolean;
}

/**
 * Keeps the leading system messages and the newest turns that fit in `budgetTokens` (the
 * context window minus the room kept for the answer). A turn is never split, so a tool call
 * always keeps its result. The last turn is always kept.
 */
export function trimHistory(messages: readonly ChatMessage[], budgetTokens: number): HistoryTrim {
  let head = 0;
  while (head < messages.length && messages[head].role === 'system') head++;
  const turns: Array<{ start: number; end: number; tokens: number }> = [];
  for (let i = head; i < messages.length; i++) {
    if (messages[i].role === 'user' || turns.length === 0) turns.push({ start: i, end: i + 1, tokens: 0 });
    const t = turns[turns.length - 1];
    t.end = i + 1;
    t.tokens += messageTokens(messages[i]);
  }
  let total = 0;
  for (let i = 0; i < head; i++) total += messageTokens(messages[i]);
  let keepFrom = turns.length;
  for (let k = turns.length - 1; k >= 0; k--) {
    if (k < turns.length - 1 && total + turns[k].tokens > budgetTokens) break;
    total += turns[k].tokens;
    keepFrom = k;
  }
  const kept = messages.slice(0, head).concat(keepFrom < turns.length ? messages.slice(turns[keepFrom].start) : []);
  return { messages: kept, droppedTurns: keepFrom, tokens: total, fits: total <= budgetTokens };
}
