// From what a model sent to what ghost text may show. Model output is untrusted: special tokens,
// code fences, the cursor marker, a repeated line start, text that repeats what already follows
// the cursor. Mid-line, only the rest of the line is offered; at the end of a line, a few lines,
// cut where they start repeating the code below.
import { isClosingFence, openingFence } from '../protocol/fences';
import type { CompletionMode } from './mode';

export interface FitContext {
  /** document text before the cursor (as sent) */
  prefix: string;
  /** document text after the cursor (as sent) */
  suffix: string;
  mode: CompletionMode;
  /** most lines a suggestion may have */
  maxLines: number;
}

/** Tokens of Qwen's chat and FIM formats: a model that writes one has left the middle. */
const SPECIAL_TOKEN = /<\|(?:fim_prefix|fim_suffix|fim_middle|fim_pad|endoftext|file_sep|repo_name|im_start|im_end)\|>/;
export const CURSOR_MARKER = '<|cursor|>';

/** The text of the cursor's line before the cursor. */
export function linePrefixOf(prefix: string): string {
  return prefix.slice(prefix.lastIndexOf('\n') + 1);
}

/** The text of the cursor's line after the cursor. */
export function lineSuffixOf(suffix: string): string {
  const nl = suffix.indexOf('\n');
  const line = nl < 0 ? suffix : suffix.slice(0, nl);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** True when the cursor sits in the middle of a line with code after it: one line is wanted. */
export function isMidLine(suffix: string): boolean {
  return lineSuffixOf(suffix).trim() !== '';
}

/** The cursor is inside a word (`fo|o`): nothing sensible can be inserted there. */
export function isInsideWord(prefix: string, suffix: string): boolean {
  const before = prefix.charCodeAt(prefix.length - 1);
  const after = suffix.charCodeAt(0);
  return isWordChar(before) && isWordChar(after);
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}

/** Special tokens, the cursor marker, code fences around the answer. */
export function cleanAnswer(raw: string, mode: CompletionMode): string {
  let text = raw.indexOf('\r') >= 0 ? raw.replace(/\r\n?/g, '\n') : raw;
  const special = text.search(SPECIAL_TOKEN);
  if (special >= 0) text = text.slice(0, special);
  // A chat model that echoes the marker echoes the suffix after it.
  const cursor = text.indexOf(CURSOR_MARKER);
  if (cursor >= 0) text = text.slice(0, cursor);
  if (mode !== 'fim') text = unfence(text);
  return text;
}

/** ```lang\n code \n``` → code. Only an answer whose first line (ended) is a fence is unwrapped. */
function unfence(text: string): string {
  const firstEnd = text.indexOf('\n');
  const open = firstEnd < 0 ? null : openingFence(text, 0, firstEnd);
  if (!open) {
    // A last line that is a bare fence, with no opening one: the model closed a block we never showed it.
    const last = text.lastIndexOf('\n');
    const bare = last < 0 ? null : openingFence(text, last + 1);
    return bare && isClosingFence(text, bare, last + 1) ? text.slice(0, last) : text;
  }
  const bodyStart = firstEnd + 1;
  for (let line = bodyStart; line <= text.length; ) {
    const nl = text.indexOf('\n', line);
    const end = nl < 0 ? text.length : nl;
    if (isClosingFence(text, open, line, end)) return text.slice(bodyStart, Math.max(bodyStart, line - 1));
    if (nl < 0) break;
    line = nl + 1;
  }
  return text.slice(bodyStart);
}

/** A chat model may write the whole line (or its indentation) again: keep only what follows the cursor. */
export function dropRepeatedLinePrefix(text: string, linePrefix: string): string {
  if (!linePrefix) return text;
  const lp = linePrefix.trimStart();
  // Indentation alone, or two characters or more: one character is too little evidence.
  if (lp && lp.length < 2) return text;
  if (text.startsWith(linePrefix)) return text.slice(linePrefix.length);
  if (!lp) return text;
  const lead = text.length - text.trimStart().length;
  return text.startsWith(lp, lead) ? text.slice(lead + lp.length) : text;
}

const OPEN = '([{';
const CLOSE = ')]}';

/** Closing brackets with no opening one before them in `s`. */
function unmatchedClosers(s: string): number {
  const stack: number[] = [];
  let unmatched = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const o = OPEN.indexOf(ch);
    if (o >= 0) {
      stack.push(o);
      continue;
    }
    const c = CLOSE.indexOf(ch);
    if (c < 0) continue;
    if (stack.length && stack[stack.length - 1] === c) stack.pop();
    else unmatched++;
  }
  return unmatched;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * Mid-line, the model often writes the line's end too (`a, b)` before an existing `)`). The overlap is
 * dropped only when it really closes nothing of the suggestion's own: its brackets are unmatched
 * in the suggestion, its quotes close a string the suggestion did not open.
 */
export function stripLineSuffixOverlap(text: string, lineSuffix: string): string {
  const ls = lineSuffix.trim();
  for (let k = Math.min(ls.length, text.length); k >= 1; k--) {
    const tail = ls.slice(0, k);
    if (!text.endsWith(tail)) continue;
    const stripped = text.slice(0, text.length - k);
    let closers = 0;
    let quotesOk = true;
    for (const ch of tail) {
      if (CLOSE.includes(ch)) closers++;
      else if ((ch === '"' || ch === "'" || ch === '`') && count(text, ch) % 2 === 0) quotesOk = false;
    }
    if (!quotesOk) continue;
    if (closers && unmatchedClosers(stripped) + closers !== unmatchedClosers(text)) continue;
    return stripped;
  }
  return text;
}

/** The next few non-blank lines after the cursor's line, without trailing whitespace. */
function followingLines(suffix: string, want: number): string[] {
  const out: string[] = [];
  let start = suffix.indexOf('\n');
  for (let scanned = 0; start >= 0 && out.length < want && scanned < 40; scanned++) {
    const end = suffix.indexOf('\n', start + 1);
    const line = suffix.slice(start + 1, end < 0 ? suffix.length : end).trimEnd();
    if (line.trim()) out.push(line);
    start = end;
  }
  return out;
}

/**
 * At most maxLines lines, ending before the first line that is exactly (indentation included) the
 * next line of code after the cursor: from there on the model is writing what is already there.
 */
export function cutAtSuffix(text: string, linePrefix: string, suffix: string, maxLines: number): string {
  let lines = text.split('\n');
  if (lines.length > maxLines) lines = lines.slice(0, maxLines);
  const next = followingLines(suffix, 1)[0];
  if (next !== undefined) {
    const blankLine = linePrefix.trim() === '';
    for (let i = 0; i < lines.length; i++) {
      if (i === 0 && !blankLine) continue;
      const line = (i === 0 ? linePrefix + lines[0] : lines[i]!).trimEnd();
      if (line === next) {
        lines = lines.slice(0, i);
        break;
      }
    }
  }
  return lines.join('\n');
}

/** The suggestion to show for this context, '' for none. */
export function fitSuggestion(raw: string, ctx: FitContext): string {
  let text = cleanAnswer(raw, ctx.mode);
  const linePrefix = linePrefixOf(ctx.prefix);
  if (ctx.mode !== 'fim') text = dropRepeatedLinePrefix(text, linePrefix);
  const lineSuffix = lineSuffixOf(ctx.suffix);
  if (lineSuffix.trim()) {
    const nl = text.indexOf('\n');
    text = stripLineSuffixOverlap((nl < 0 ? text : text.slice(0, nl)).trimEnd(), lineSuffix);
  } else {
    text = cutAtSuffix(text, linePrefix, ctx.suffix, ctx.maxLines);
  }
  text = text.trimEnd();
  return text.trim() ? text : '';
}
