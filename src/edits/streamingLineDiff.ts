// The streaming inline diff behind "Edit Inline": while the rewrite streams in, which original
// lines are unchanged, removed or replaced, and where the line being written is.
//
// Cost per chunk does not grow with the answer: each completed line is matched against the
// original at a cursor that only moves forward (a hash lookup and an amortised O(1) advance),
// and an update carries only the runs committed since the previous one. The rules are greedy
// and local: a line equal to the next original line is unchanged; a distinctive line may jump
// ahead when it is unique in the original or the jump is short; a line like `}` after a change
// waits (at most MAX_HELD of them) for the next distinctive line, then a diff of a few lines
// says where it belongs. So the view never waits for the end, and on ordinary edits it is
// already the final diff. At the end the full diff (diff.ts) is the final word: `finish()`
// returns it and says whether it differs from what was streamed.

import { type DiffBase, diffLines, diffSequences, type LineHunk } from './diff';
import { type ExtractOptions, type ExtractResult, StreamingExtractor } from './extract';
import { type ContentChange, rebaseHunks, type RebaseResult, touches } from './rebase';
import { endsWithEol, splitLines } from './text';

export type LineKind = 'same' | 'removed' | 'added';

/** `count` consecutive lines of one kind. Line numbers are relative to the region. */
export interface DiffRun {
  kind: LineKind;
  /** first original line (for 'added': the original line they go before) */
  orig: number;
  /** first proposal line (for 'removed': the proposal line they go before) */
  new: number;
  count: number;
  /**
   * first line in the interleaved layout: the region shows every line once, removed ones kept
   * (marked) after the lines that replace them. That order is the stream's own (an original line
   * is known to be removed only once a later line matches past it, and it already sits there in
   * the buffer), so the final diff uses it too and nothing moves at the end.
   */
  display: number;
}

/** Where the stream is: everything before is settled, original lines from `orig` on are not reached yet. */
export interface Frontier {
  orig: number;
  new: number;
  /** completed proposal lines after `new` not placed yet (lines like `}`); shown as being written */
  pending: number;
  display: number;
  /** the line being written, '' when the stream sits between lines */
  partial: string;
}

export interface InlineUpdate {
  /** runs committed since the previous update, in order */
  runs: readonly DiffRun[];
  frontier: Frontier;
}

const NO_RUNS: readonly DiffRun[] = Object.freeze([]);
/** How far ahead a line that occurs several times in the original may match. */
const NEAR = 8;

/** Lines such as `}`, `);`, a comment's end or a blank: they occur everywhere, so where one belongs is unclear alone. */
function isTrivial(line: string): boolean {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127) return false;
    if (++n > 4) return false;
  }
  return true;
}

/** Lines like `}` waiting for the next distinctive line to say where they belong; at most this many. */
const MAX_HELD = 16;

export class StreamingLineDiff {
  private readonly positions = new Map<string, number[]>();
  private readonly cursor = new Map<string, number>();
  private orig = 0;
  private newCount = 0;
  private display = 0;
  private partial = '';
  private addedSinceMatch = 0;
  /** completed common lines not yet placed: a `}` after deleted lines must not be called added */
  private readonly held: string[] = [];
  private fresh: DiffRun[] = [];
  private readonly all: DiffRun[] = [];

  constructor(readonly original: readonly string[]) {
    for (let i = 0; i < original.length; i++) {
      const p = this.positions.get(original[i]);
      if (p) p.push(i);
      else this.positions.set(original[i], [i]);
    }
  }

  /** A completed proposal line (without EOL). */
  pushLine(line: string): void {
    // Unless it is the very next original line, after c replaced lines the line c ahead is the
    // likeliest partner (one-for-one replacement).
    const c = this.orig + this.addedSinceMatch + this.held.length;
    let j = this.nextOccurrence(line);
    if (j !== this.orig && this.addedSinceMatch > 0 && c < this.original.length && this.original[c] === line) j = c;
    const k = j - this.orig;
    if (isTrivial(line)) {
      // Only an unbroken run of unchanged lines places it at once; after any change it waits
      // for the next distinctive line (a changed line then `}`: is it the old `}` or a new one?).
      if (this.held.length === 0 && this.addedSinceMatch === 0 && k === 0) return this.match(j);
      this.held.push(line);
      if (this.held.length > MAX_HELD) {
        this.held.shift();
        this.added(1);
      }
      return;
    }
    const unique = j >= 0 && this.positions.get(line)!.length === 1;
    if (j >= 0 && (k <= NEAR || unique || k <= this.addedSinceMatch + this.held.length)) {
      this.placeHeld(j);
      return this.match(j);
    }
    this.placeHeld(this.orig);
    this.added(1);
  }

  setPartial(text: string): void {
    this.partial = text;
  }

  /** Runs committed since the last call, and the frontier. */
  update(): InlineUpdate {
    const runs = this.fresh.length ? this.fresh : NO_RUNS;
    if (this.fresh.length) this.fresh = [];
    return { runs, frontier: this.frontier() };
  }

  frontier(): Frontier {
    return { orig: this.orig, new: this.newCount, pending: this.held.length, display: this.display, partial: this.partial };
  }

  /** Every committed run so far, consecutive runs of a kind merged. */
  runs(): DiffRun[] {
    return mergeRuns(this.all);
  }

  /** The streamed view completed: held lines placed among, and original lines not reached removed. */
  streamedFinal(): DiffRun[] {
    const out = this.runs();
    let { orig, newCount: nw, display } = this;
    const emit = (kind: LineKind, count: number) => {
      if (count <= 0) return;
      pushRun(out, { kind, orig, new: nw, count, display });
      if (kind !== 'added') orig += count;
      if (kind !== 'removed') nw += count;
      display += count;
    };
    for (const [kind, count] of this.placement(this.orig, this.original.length)) emit(kind, count);
    emit('removed', this.original.length - orig);
    return out;
  }

  private match(j: number): void {
    if (j > this.orig) this.commit('removed', j - this.orig);
    this.commit('same', 1);
    this.addedSinceMatch = 0;
  }

  private added(count: number): void {
    this.commit('added', count);
    this.addedSinceMatch += count;
  }

  /** Places the held lines among original lines [orig, until), which the stream is about to pass. */
  private placeHeld(until: number): void {
    if (this.held.length === 0) return;
    for (const [kind, count] of this.placement(this.orig, until)) {
      if (kind === 'added') this.added(count);
      else this.commit(kind, count);
    }
    this.held.length = 0;
  }

  /**
   * How the held lines align with original lines [lo, hi): a small diff against the last few of
   * them (held lines close a block, so they belong at its end), the rest removed before. Bounded
   * by MAX_HELD + NEAR lines, whatever the file's size.
   */
  private placement(lo: number, hi: number): Array<[LineKind, number]> {
    const T = this.held;
    const tail = Math.min(hi - lo, T.length + NEAR);
    let head = hi - lo - tail;
    const S = this.original.slice(hi - tail, hi);
    // Pair from the end first: a held `}` is the `}` just before the next matched line.
    let sEnd = S.length;
    let tEnd = T.length;
    while (sEnd > 0 && tEnd > 0 && S[sEnd - 1] === T[tEnd - 1]) sEnd--, tEnd--;
    const out: Array<[LineKind, number]> = [];
    let a = 0;
    for (const r of diffSequences(S.slice(0, sEnd), T.slice(0, tEnd))) {
      if (r.aStart > a) {
        if (head) out.push(['removed', head]);
        head = 0;
        out.push(['same', r.aStart - a]);
      }
      out.push(['added', r.bEnd - r.bStart], ['removed', head + r.aEnd - r.aStart]);
      head = 0;
      a = r.aEnd;
    }
    if (head) out.push(['removed', head]);
    if (a < S.length) out.push(['same', S.length - a]);
    return out;
  }

  private nextOccurrence(line: string): number {
    const pos = this.positions.get(line);
    if (!pos) return -1;
    let p = this.cursor.get(line) ?? 0;
    while (p < pos.length && pos[p] < this.orig) p++;
    this.cursor.set(line, p);
    return p < pos.length ? pos[p] : -1;
  }

  private commit(kind: LineKind, count: number): void {
    if (count <= 0) return;
    const run: DiffRun = { kind, orig: this.orig, new: this.newCount, count, display: this.display };
    this.fresh.push(run);
    this.all.push(run);
    if (kind !== 'added') this.orig += count;
    if (kind !== 'removed') this.newCount += count;
    this.display += count;
  }
}

function pushRun(out: DiffRun[], r: DiffRun): void {
  const last = out[out.length - 1];
  if (last && last.kind === r.kind && last.display + last.count === r.display) last.count += r.count;
  else out.push({ ...r });
}

export function mergeRuns(runs: readonly DiffRun[]): DiffRun[] {
  const out: DiffRun[] = [];
  for (const r of runs) pushRun(out, r);
  return out;
}

/** The view of a full diff, in the same run form and order (added, then removed) as the stream. */
export function runsFromDiff(original: readonly string[], proposal: readonly string[]): DiffRun[] {
  const out: DiffRun[] = [];
  let a = 0;
  let b = 0;
  let display = 0;
  const add = (kind: LineKind, count: number) => {
    if (count <= 0) return;
    pushRun(out, { kind, orig: a, new: b, count, display });
    display += count;
    if (kind !== 'added') a += count;
    if (kind !== 'removed') b += count;
  };
  for (const r of diffSequences(original, proposal)) {
    add('same', r.aStart - a);
    add('added', r.bEnd - r.bStart);
    add('removed', r.aEnd - r.aStart);
  }
  add('same', original.length - a);
  return out;
}

export function sameRuns(x: readonly DiffRun[], y: readonly DiffRun[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) {
    const p = x[i];
    const q = y[i];
    if (p.kind !== q.kind || p.orig !== q.orig || p.new !== q.new || p.count !== q.count || p.display !== q.display) return false;
  }
  return true;
}

/** Lines of a region without EOLs; a final EOL does not make an extra empty line. */
export function regionLines(text: string): string[] {
  const lines = splitLines(text);
  if (endsWithEol(text) || text.length === 0) lines.pop();
  return lines;
}

export interface InlineEditOptions extends ExtractOptions {
  /** where the region (`original`) starts in the document at request time */
  base?: DiffBase;
}

export type InlineResult =
  | {
      ok: true;
      /** the final replacement of the region, as extracted from the whole answer */
      code: string;
      /** hunks against the document at request time */
      hunks: LineHunk[];
      /** the same hunks carried over the user's edits above the region since */
      rebase: RebaseResult<LineHunk>;
      /** the final view: exactly the full diff of the region and `code` */
      runs: DiffRun[];
      /** the final view differs from what was streamed (the editor must redraw the region) */
      changedAtFinish: boolean;
      /** the user edited inside the region during the stream: nothing may be written there */
      regionConflict: boolean;
      extract: ExtractResult & { ok: true };
    }
  | { ok: false; reason: string; message: string; regionConflict: boolean };

/**
 * One inline edit: answer chunks in, view updates out; `finish()` gives the hunks to show as a
 * pending proposal. Tracks the user's edits during the stream so the hunks land where the
 * region is now, and refuses if the user edited inside it.
 */
export class InlineEditStream {
  readonly extractor: StreamingExtractor;
  readonly diff: StreamingLineDiff;
  private consumed = 0;
  private readonly before: ContentChange[] = [];
  private regionStart: number;
  private regionConflict = false;

  constructor(private readonly opts: InlineEditOptions) {
    this.extractor = new StreamingExtractor(opts);
    this.diff = new StreamingLineDiff(regionLines(opts.original));
    this.regionStart = opts.base?.offset ?? 0;
  }

  push(chunk: string): InlineUpdate {
    this.extractor.push(chunk);
    const lines = this.extractor.lines;
    for (; this.consumed < lines.length; this.consumed++) this.diff.pushLine(lines[this.consumed]);
    this.diff.setPartial(this.extractor.partial);
    return this.diff.update();
  }

  /**
   * The user's changes to the document during the stream. `regionLength` is the region's
   * current length in the document (larger than the original when the stream is being written
   * into the buffer). Returns false once any change has touched the region.
   */
  userChanged(changes: readonly ContentChange[], regionLength = this.opts.original.length): boolean {
    for (const c of changes) {
      const span = { start: this.regionStart, end: this.regionStart + regionLength };
      if (touches(span, c)) this.regionConflict = true;
      else if (c.rangeOffset + c.rangeLength <= span.start) {
        this.before.push(c);
        this.regionStart += c.text.length - c.rangeLength;
      }
    }
    return !this.regionConflict;
  }

  finish(): InlineResult {
    const extract = this.extractor.finish();
    if (!extract.ok) return { ...extract, regionConflict: this.regionConflict };
    const original = this.opts.original;
    const runs = runsFromDiff(this.diff.original, regionLines(extract.code));
    const changedAtFinish = !sameRuns(runs, this.diff.streamedFinal());
    const base = this.opts.base ?? { offset: 0, line: 0, character: 0 };
    // Both texts end the same way by the extraction's newline policy, so line diffs agree with runs.
    const hunks = diffLines(original, extract.code, base);
    return { ok: true, code: extract.code, hunks, rebase: rebaseHunks(hunks, this.before), runs, changedAtFinish, regionConflict: this.regionConflict, extract };
  }
}
