// grep_search's matching and its answer, over texts the caller has already let through the send
// policy. One pass per text, line by line, so the work is linear in the text searched (given the
// model's regex itself is: the regex runs in a worker that is stopped when it is not, see
// regexWorker.ts); matches past the cap are counted, not kept.

/** Matching lines shown to the model; the rest are counted and the model is told to narrow. */
export const MAX_SHOWN_MATCHES = 200;
/** A matching line longer than this is shown as an excerpt around its first match. */
export const MAX_MATCH_LINE_CHARS = 500;

/**
 * The model's pattern as a JavaScript regex, or the sentence it is told. A leading `(?i)` (ripgrep
 * and PCRE write case-insensitivity that way, and models copy it) becomes the `i` flag.
 */
export function compilePattern(raw: unknown): RegExp | { error: string } {
  if (typeof raw !== 'string' || raw === '') return { error: 'pattern must be a non-empty regular expression.' };
  let source = raw;
  let flags = '';
  if (source.startsWith('(?i)')) {
    source = source.slice(4);
    flags = 'i';
  }
  try {
    return new RegExp(source, flags);
  } catch (e) {
    return { error: `The pattern ${JSON.stringify(raw)} is not a valid JavaScript regular expression (${(e as Error).message}); fix it and search again.` };
  }
}

/** A long line cut to the part around `index`, marked where it was cut. */
export function excerpt(line: string, index: number, max = MAX_MATCH_LINE_CHARS): string {
  if (line.length <= max) return line;
  const start = Math.max(0, Math.min(index - Math.floor(max / 5), line.length - max));
  const body = line.slice(start, start + max);
  return `${start > 0 ? '…' : ''}${body}${start + max < line.length ? '…' : ''}`;
}

/** One text's matching lines: every one counted, the first ones located. */
export interface LineMatches {
  count: number;
  /** the first matching lines: where each starts and ends in the text (no CR or LF), its number, and where its first match is in it */
  lines: Array<{ start: number; end: number; lineNo: number; index: number }>;
}

/**
 * Runs `re` over each line of `text`, counting every matching line and locating the first `keep`.
 * `re` must be neither global nor sticky (no state between lines). This is the part that runs the
 * model's regex, so it runs in a worker thread (grepWorker.ts), where a pattern that backtracks
 * for minutes can be stopped.
 */
export function matchLines(text: string, re: RegExp, keep: number): LineMatches {
  const found: LineMatches = { count: 0, lines: [] };
  if (text === '') return found;
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    // a final newline ends the last line; it does not start an empty one
    if (start === text.length && lineNo > 0) break;
    lineNo++;
    const lineEnd = text.charCodeAt(end - 1) === 13 && end > start ? end - 1 : end;
    const m = re.exec(text.slice(start, lineEnd));
    if (m) {
      found.count++;
      if (found.lines.length < keep) found.lines.push({ start, end: lineEnd, lineNo, index: m.index });
    }
    start = end + 1;
  }
  return found;
}

/** Collects matches file by file, keeping the first MAX_SHOWN_MATCHES and counting every one. */
export class GrepReport {
  /** matching lines in all files */
  matches = 0;
  /** files with at least one matching line */
  files = 0;
  private readonly shown: string[][] = [];
  private shownCount = 0;

  constructor(private readonly maxShown = MAX_SHOWN_MATCHES) {}

  /** How many more matching lines would be shown. */
  get room(): number {
    return this.maxShown - this.shownCount;
  }

  /** One file's matches (matchLines' answer, or `re` to run here on a trusted pattern). */
  add(path: string, text: string, found: LineMatches | RegExp): void {
    const m = found instanceof RegExp ? matchLines(text, found, this.room) : found;
    if (m.count === 0) return;
    const block: string[] = [];
    for (const l of m.lines.slice(0, this.room)) block.push(`${path}:${l.lineNo}: ${excerpt(text.slice(l.start, l.end), l.index)}`);
    if (block.length) this.shown.push(block);
    this.shownCount += block.length;
    this.matches += m.count;
    this.files++;
  }

  /** The model's answer. `what` names the search, e.g. `/parseUser/ in src (files matching "*.ts")`. */
  render(what: string, notes: readonly string[] = []): string {
    const extra = notes.map((n) => `[${n}]`);
    if (this.matches === 0) return [`No matches for ${what}.`, ...extra].join('\n');
    const head = `Found ${plural(this.matches, 'match', 'matches')} in ${plural(this.files, 'file', 'files')} for ${what}:`;
    if (this.shownCount < this.matches) {
      extra.unshift(`[Showing the first ${this.shownCount} of ${this.matches} matches. Narrow the search with a more specific pattern, a glob or a path to see the rest.]`);
    }
    return [head, ...extra, '', this.shown.map((b) => b.join('\n')).join('\n\n')].join('\n');
  }
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
