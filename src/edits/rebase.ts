// A proposal is computed against the document as it was when asked (the snapshot). These
// functions carry its hunks over the user's later edits and apply them, or undo them, exactly.
//
// The rule that protects the user's typing: a hunk that any later change touches is refused,
// never merged. "Touches" includes the boundaries (typing at the first character of a replaced
// line, or joining the line above onto it), except typing right after a hunk's last line break:
// that text lands after the hunk's lines whatever the hunk does.

/** One entry of `TextDocumentChangeEvent.contentChanges`, offsets in the document before it. */
export interface ContentChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export interface Span {
  start: number;
  end: number;
}

/** A replacement of [start, end), which must hold `oldText`, by `newText`. `LineHunk` is one. */
export interface Replacement {
  start: number;
  end: number;
  oldText: string;
  newText: string;
}

/** Whether a change touches a span (see the rule above). */
export function touches(span: Span, c: ContentChange): boolean {
  const s = c.rangeOffset;
  const e = c.rangeOffset + c.rangeLength;
  if (s > span.end || e < span.start) return false;
  // Typing or deleting right after a non-empty hunk's final line break does not touch it.
  if (s === span.end && span.start < span.end) return false;
  return true;
}

/** How far a change that does not touch `span` moves it: its length delta when before it, else 0. */
export function shiftFor(span: Span, c: ContentChange): number {
  return c.rangeOffset + c.rangeLength <= span.start ? c.text.length - c.rangeLength : 0;
}

export interface Rebased<H> extends Replacement {
  /** the hunk as computed against the snapshot */
  hunk: H;
}

export interface RebaseResult<H> {
  /** hunks no later change touched, with their offsets in the current document, in order */
  rebased: Rebased<H>[];
  /** hunks some later change touched: refused */
  conflicts: H[];
}

/**
 * Carries hunks (offsets in the snapshot, sorted, non-overlapping) over the changes made since,
 * in the order they happened (within one event, in the order VS Code lists them: it applies them
 * one after the other, and so do we).
 */
export function rebaseHunks<H extends Replacement>(hunks: readonly H[], changes: readonly ContentChange[]): RebaseResult<H> {
  const starts = new Array<number>(hunks.length);
  const ends = new Array<number>(hunks.length);
  const alive = new Array<boolean>(hunks.length);
  for (let i = 0; i < hunks.length; i++) {
    starts[i] = hunks[i].start;
    ends[i] = hunks[i].end;
    alive[i] = true;
  }
  const span = { start: 0, end: 0 };
  for (const c of changes) {
    for (let i = 0; i < hunks.length; i++) {
      if (!alive[i]) continue;
      span.start = starts[i];
      span.end = ends[i];
      if (touches(span, c)) {
        alive[i] = false;
        continue;
      }
      const d = shiftFor(span, c);
      starts[i] += d;
      ends[i] += d;
    }
  }
  const result: RebaseResult<H> = { rebased: [], conflicts: [] };
  for (let i = 0; i < hunks.length; i++) {
    const h = hunks[i];
    if (alive[i]) result.rebased.push({ hunk: h, start: starts[i], end: ends[i], oldText: h.oldText, newText: h.newText });
    else result.conflicts.push(h);
  }
  return result;
}

export class StaleTextError extends Error {
  constructor(readonly at: number) {
    super(`The document no longer holds the expected text at offset ${at}.`);
    this.name = 'StaleTextError';
  }
}

/**
 * Applies replacements (sorted, non-overlapping, offsets in `text`) after checking each still
 * finds its `oldText`; returns the new text and the inverse replacements, in the new text's
 * offsets, which give back `text` byte for byte. For inline mode that inverse is Reject.
 */
export function applyHunks(text: string, edits: readonly Replacement[]): { text: string; inverse: Replacement[] } {
  const parts: string[] = [];
  const inverse: Replacement[] = [];
  let pos = 0;
  let delta = 0;
  for (const e of edits) {
    if (e.start < pos || e.end < e.start || e.end > text.length) throw new RangeError(`Replacements overlap or fall outside the text at ${e.start}.`);
    if (text.slice(e.start, e.end) !== e.oldText) throw new StaleTextError(e.start);
    parts.push(text.slice(pos, e.start), e.newText);
    const ns = e.start + delta;
    inverse.push({ start: ns, end: ns + e.newText.length, oldText: e.newText, newText: e.oldText });
    delta += e.newText.length - (e.end - e.start);
    pos = e.end;
  }
  parts.push(text.slice(pos));
  return { text: parts.join(''), inverse };
}

/** Applies content changes in order, the way the extension host does: for tests and simulations. */
export function applyChanges(text: string, changes: readonly ContentChange[]): string {
  for (const c of changes) text = text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);
  return text;
}
