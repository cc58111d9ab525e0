// The code fence grammar the host and the view agree on (CommonMark 0.31, 4.5 "Fenced code
// blocks"), read the same way by extraction (edits/extract.ts), ghost text (completions/trim.ts)
// and the streaming renderer's block splitter (webview/blockSplitter.ts). It lives in protocol/
// because the webview may import only protocol/; it imports nothing, so it runs in Node and in
// the browser alike.
//
//  - An opening fence: indentation, then a run of three or more ` or three or more ~, then an info
//    string (the language and maybe attributes); a backtick fence's info string holds no backtick
//    (```a`b``` is inline code).
//  - Its closing fence: indentation, then a run of the same character at least as long, then
//    nothing but spaces or tabs (a CR before the line end counts as the line end).
//  - Indentation is spaces and tabs; a tab goes to the next multiple of 4 columns.
//
// CommonMark limits a fence's indentation to 3 columns *inside its container* (a list item, a
// quote). No reader here tracks containers, so the limit is the caller's: an opening fence is
// read at any indentation (models indent fences under list items) and reports its columns, and
// the closing fence's most indentation is a parameter.
//
// Every function reads a line as [start, end) of a larger string, without its line end and
// without slicing: the block splitter calls them for each chunk of a stream.

export const BACKTICK = 0x60;
export const TILDE = 0x7e;
/** the shortest fence */
export const FENCE_MIN = 3;

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

/** What a closing fence must match. */
export interface Fence {
  /** BACKTICK or TILDE */
  char: number;
  /** the opening run's length, FENCE_MIN or more */
  len: number;
  /** columns of indentation before the run */
  indent: number;
}

/** An opening fence line, as read by `openingFence`. */
export interface OpeningFence extends Fence {
  /** offset of the run's first character (the indentation is [start, at)) */
  at: number;
  /** offset just after the run: the info string is [infoStart, end), untrimmed */
  infoStart: number;
}

/** Offset of the first character of [start, end) that is not a space or a tab. */
export function skipIndent(s: string, start = 0, end = s.length): number {
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB) break;
    i++;
  }
  return i;
}

/** Columns of the spaces and tabs that start [start, end) (a tab goes to the next multiple of 4). */
export function indentColumns(s: string, start = 0, end = s.length): number {
  let w = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === SPACE) w++;
    else if (c === TAB) w += 4 - (w % 4);
    else break;
  }
  return w;
}

/** How many times `char` repeats from `at`, up to `end`. */
export function runLength(s: string, at: number, end: number, char: number): number {
  let i = at;
  while (i < end && s.charCodeAt(i) === char) i++;
  return i - at;
}

/**
 * The fence run a line starts with, after its indentation: its length when the line's first
 * character past the indentation is ` or ~, else 0. A line still being written opens a fence as
 * soon as this reaches FENCE_MIN, but for a backtick info string still to come.
 */
export function fenceRun(s: string, start = 0, end = s.length): number {
  const at = skipIndent(s, start, end);
  const c = s.charCodeAt(at);
  return at < end && (c === BACKTICK || c === TILDE) ? runLength(s, at, end, c) : 0;
}

/** Whether [from, end) holds only spaces, tabs and CRs. */
function blankFrom(s: string, from: number, end: number): boolean {
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c !== SPACE && c !== TAB && c !== CR) return false;
  }
  return true;
}

/** The line [start, end) read as an opening fence, at any indentation; null when it is not one. */
export function openingFence(s: string, start = 0, end = s.length): OpeningFence | null {
  const at = skipIndent(s, start, end);
  const len = fenceRun(s, at, end);
  if (len < FENCE_MIN) return null;
  const char = s.charCodeAt(at);
  const infoStart = at + len;
  if (char === BACKTICK) {
    const tick = s.indexOf('`', infoStart);
    if (tick >= 0 && tick < end) return null;
  }
  return { char, len, indent: indentColumns(s, start, at), at, infoStart };
}

/** The opening fence's info string, trimmed: `ts title="a.ts"` for the line ```` ```ts title="a.ts" ````. */
export function infoString(s: string, open: OpeningFence, end = s.length): string {
  return s.slice(open.infoStart, end).trim();
}

/** Whether the line [start, end) closes `fence`, being indented by at most `maxIndent` columns. */
export function isClosingFence(s: string, fence: Fence, start = 0, end = s.length, maxIndent = Infinity): boolean {
  const at = skipIndent(s, start, end);
  if (indentColumns(s, start, at) > maxIndent) return false;
  const run = runLength(s, at, end, fence.char);
  return run >= fence.len && blankFrom(s, at + run, end);
}

/**
 * Whether the line [start, end), still being written, may yet become a closing fence of `fence`
 * (indented by at most `maxIndent` columns): only indentation so far, or a run of the fence's
 * character not yet long enough, or a run long enough followed by spaces.
 */
export function mayBecomeClosingFence(s: string, fence: Fence, start = 0, end = s.length, maxIndent = Infinity): boolean {
  const at = skipIndent(s, start, end);
  if (indentColumns(s, start, at) > maxIndent) return false;
  if (at === end) return true;
  const run = runLength(s, at, end, fence.char);
  if (run === 0) return false;
  return run < fence.len ? at + run === end : blankFrom(s, at + run, end);
}
