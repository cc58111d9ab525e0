// grep_search's matching and its answer, over texts the caller has already let through the send
// policy. One pass per text, line by line, so the work is linear in the text searched (given the
// model's regex itself is); matches past the cap are counted, not kept.

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

/** Collects matches file by file, keeping the first MAX_SHOWN_MATCHES and counting every one. */
export class GrepReport {
  /** matching lines in all files */
  matches = 0;
  /** files with at least one matching line */
  files = 0;
  private readonly shown: string[][] = [];
  private shownCount = 0;

  constructor(private readonly maxShown = MAX_SHOWN_MATCHES) {}

  /** Searches one file's text; `re` must be neither global nor sticky (no state between lines). */
  add(path: string, text: string, re: RegExp): void {
    if (text === '') return;
    let found = 0;
    let block: string[] | undefined;
    let start = 0;
    let lineNo = 0;
    while (start <= text.length) {
      let end = text.indexOf('\n', start);
      if (end === -1) end = text.length;
      // a final newline ends the last line; it does not start an empty one
      if (start === text.length && lineNo > 0) break;
      lineNo++;
      const line = text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
      const m = re.exec(line);
      if (m) {
        found++;
        if (this.shownCount < this.maxShown) {
          if (!block) this.shown.push((block = []));
          block.push(`${path}:${lineNo}: ${excerpt(line, m.index)}`);
          this.shownCount++;
        }
      }
      start = end + 1;
    }
    if (found > 0) {
      this.matches += found;
      this.files++;
    }
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
