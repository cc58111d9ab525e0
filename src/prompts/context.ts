// Fitting what we would like to send into what the model can take: context items trimmed or
// dropped by priority. (The chat's history is trimmed by whole turns in turns/promptMessages.ts.)

import { DEFAULT_EXCLUDE_PATTERNS, isExcludedPath } from './exclude';
import { estimateTokens } from './tokens';

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
