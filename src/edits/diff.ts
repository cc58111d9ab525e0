// Line diff between the text a proposal replaces and the proposal.
//
// Why our own: jsdiff's diffLines builds an object per path component and its cost grows with
// N*D on large inputs; for the editor we need plain line regions fast. The algorithm is git's
// patience diff: trim the common prefix and suffix, anchor on lines that occur exactly once on
// each side (longest increasing run of them), recurse between anchors, and run Myers' O(ND)
// greedy diff only in the gaps without anchors. Anchoring on unique lines is also what keeps the
// hunks readable for code: Myers alone happily aligns unrelated `}` and blank lines.

import { splitLinesKeepEol } from './text';

/** A changed region: lines [aStart, aEnd) of the original become lines [bStart, bEnd) of the proposal. */
export interface Region {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** Beyond this many edits in one anchor-free gap, the whole gap is reported as one replacement. */
const MAX_EDITS_PER_GAP = 1000;

/** Regions where two sequences of lines differ, in order, never adjacent to each other. */
export function diffSequences(a: readonly string[], b: readonly string[]): Region[] {
  const ids = new Map<string, number>();
  const A = new Int32Array(a.length);
  const B = new Int32Array(b.length);
  for (let i = 0; i < a.length; i++) {
    let id = ids.get(a[i]);
    if (id === undefined) ids.set(a[i], (id = ids.size));
    A[i] = id;
  }
  for (let i = 0; i < b.length; i++) {
    let id = ids.get(b[i]);
    if (id === undefined) ids.set(b[i], (id = ids.size));
    B[i] = id;
  }
  return new PatienceDiff(A, B, ids.size).run();
}

class PatienceDiff {
  private readonly out: Region[] = [];
  private readonly cntA: Int32Array;
  private readonly cntB: Int32Array;
  private readonly posB: Int32Array;

  constructor(
    private readonly A: Int32Array,
    private readonly B: Int32Array,
    nIds: number,
  ) {
    this.cntA = new Int32Array(nIds);
    this.cntB = new Int32Array(nIds);
    this.posB = new Int32Array(nIds);
  }

  run(): Region[] {
    this.solve(0, this.A.length, 0, this.B.length);
    this.slideDown();
    return this.out;
  }

  /**
   * A pure insertion or deletion next to equal lines can sit at several places (deleting one of
   * two blank lines). Slide each as far down as it goes, so equal lines pair as early as
   * possible: one canonical answer, and the one the streaming view (streamingLineDiff.ts) reaches too.
   */
  private slideDown(): void {
    const { A, B, out } = this;
    const merged: Region[] = [];
    for (let i = 0; i < out.length; i++) {
      const r = out[i];
      const nextA = i + 1 < out.length ? out[i + 1].aStart : A.length;
      const nextB = i + 1 < out.length ? out[i + 1].bStart : B.length;
      if (r.bStart === r.bEnd) {
        while (r.aEnd < nextA && A[r.aStart] === A[r.aEnd]) r.aStart++, r.aEnd++, r.bStart++, r.bEnd++;
      } else if (r.aStart === r.aEnd) {
        while (r.bEnd < nextB && B[r.bStart] === B[r.bEnd]) r.aStart++, r.aEnd++, r.bStart++, r.bEnd++;
      }
      if (i + 1 < out.length && r.aEnd === nextA && r.bEnd === nextB) {
        out[i + 1].aStart = r.aStart;
        out[i + 1].bStart = r.bStart;
      } else merged.push(r);
    }
    this.out.length = 0;
    for (const r of merged) this.out.push(r);
  }

  private emit(aStart: number, aEnd: number, bStart: number, bEnd: number): void {
    if (aStart === aEnd && bStart === bEnd) return;
    const last = this.out[this.out.length - 1];
    if (last && last.aEnd === aStart && last.bEnd === bStart) {
      last.aEnd = aEnd;
      last.bEnd = bEnd;
    } else this.out.push({ aStart, aEnd, bStart, bEnd });
  }

  private solve(aLo: number, aHi: number, bLo: number, bHi: number): void {
    const { A, B } = this;
    while (aLo < aHi && bLo < bHi && A[aLo] === B[bLo]) aLo++, bLo++;
    while (aHi > aLo && bHi > bLo && A[aHi - 1] === B[bHi - 1]) aHi--, bHi--;
    if (aLo === aHi || bLo === bHi) return this.emit(aLo, aHi, bLo, bHi);
    const anchors = this.uniqueAnchors(aLo, aHi, bLo, bHi);
    if (anchors.length === 0) return this.myers(aLo, aHi, bLo, bHi);
    let pa = aLo;
    let pb = bLo;
    for (let i = 0; i < anchors.length; i += 2) {
      this.solve(pa, anchors[i], pb, anchors[i + 1]);
      pa = anchors[i] + 1;
      pb = anchors[i + 1] + 1;
    }
    this.solve(pa, aHi, pb, bHi);
  }

  /** Pairs (ai, bi), flattened, of lines unique on both sides, as the longest run increasing on both. */
  private uniqueAnchors(aLo: number, aHi: number, bLo: number, bHi: number): number[] {
    const { A, B, cntA, cntB, posB } = this;
    for (let i = aLo; i < aHi; i++) cntA[A[i]]++;
    for (let j = bLo; j < bHi; j++) {
      cntB[B[j]]++;
      posB[B[j]] = j;
    }
    const ai: number[] = [];
    const bi: number[] = [];
    for (let i = aLo; i < aHi; i++) {
      const id = A[i];
      if (cntA[id] === 1 && cntB[id] === 1) {
        ai.push(i);
        bi.push(posB[id]);
      }
    }
    for (let i = aLo; i < aHi; i++) cntA[A[i]] = 0;
    for (let j = bLo; j < bHi; j++) cntB[B[j]] = 0;
    if (ai.length === 0) return ai;
    // Longest increasing subsequence of bi (patience sorting with predecessor links).
    const n = bi.length;
    const tails = new Int32Array(n);
    const prev = new Int32Array(n);
    let len = 0;
    for (let k = 0; k < n; k++) {
      let lo = 0;
      let hi = len;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (bi[tails[mid]] < bi[k]) lo = mid + 1;
        else hi = mid;
      }
      prev[k] = lo > 0 ? tails[lo - 1] : -1;
      tails[lo] = k;
      if (lo === len) len++;
    }
    const res = new Array<number>(len * 2);
    for (let k = tails[len - 1], r = len - 1; k >= 0; k = prev[k], r--) {
      res[2 * r] = ai[k];
      res[2 * r + 1] = bi[k];
    }
    return res;
  }

  /** Myers' greedy forward diff with the V arrays kept for backtracking; ends already trimmed. */
  private myers(aLo: number, aHi: number, bLo: number, bHi: number): void {
    const { A, B } = this;
    const N = aHi - aLo;
    const M = bHi - bLo;
    const max = N + M;
    const off = max + 1;
    const V = new Int32Array(2 * max + 3);
    const trace: Int32Array[] = [];
    let found = -1;
    for (let d = 0; d <= max && found < 0; d++) {
      if (d > MAX_EDITS_PER_GAP) return this.emit(aLo, aHi, bLo, bHi);
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && V[off + k - 1] < V[off + k + 1]) ? V[off + k + 1] : V[off + k - 1] + 1;
        let y = x - k;
        while (x < N && y < M && A[aLo + x] === B[bLo + y]) x++, y++;
        V[off + k] = x;
        if (x >= N && y >= M) found = d;
      }
      trace.push(V.slice(off - d, off + d + 1));
    }
    // Walk back from (N, M), collecting the diagonal runs, then report the gaps between them.
    const snakes: number[] = [];
    let x = N;
    let y = M;
    for (let d = found; d > 0; d--) {
      const Vp = trace[d - 1];
      const k = x - y;
      const down = k === -d || (k !== d && Vp[k - 1 + d - 1] < Vp[k + 1 + d - 1]);
      const pk = down ? k + 1 : k - 1;
      const px = Vp[pk + d - 1];
      const sx = down ? px : px + 1;
      const sy = sx - k;
      if (x > sx) snakes.push(sx, sy, x - sx);
      x = px;
      y = px - pk;
    }
    if (x > 0) snakes.push(0, 0, x);
    let ca = 0;
    let cb = 0;
    for (let i = snakes.length - 3; i >= 0; i -= 3) {
      const sx = snakes[i];
      const sy = snakes[i + 1];
      this.emit(aLo + ca, aLo + sx, bLo + cb, bLo + sy);
      ca = sx + snakes[i + 2];
      cb = sy + snakes[i + 2];
    }
    this.emit(aLo + ca, aHi, bLo + cb, bHi);
  }
}

export interface Position {
  line: number;
  character: number;
}

/** Where the diffed text starts in its document, so hunks come out in document coordinates. */
export interface DiffBase {
  offset: number;
  line: number;
  /** column of the text's first character (non-zero only when it starts mid-line) */
  character: number;
}

export interface LineHunk {
  /** original lines [origStart, origEnd) are replaced (document line numbers) */
  origStart: number;
  origEnd: number;
  /** by proposal lines [newStart, newEnd) (line numbers within the proposal) */
  newStart: number;
  newEnd: number;
  /** offsets of the replaced text in the document as it was: [start, end) */
  start: number;
  end: number;
  /** exactly the document's text in [start, end) */
  oldText: string;
  /** what goes there: whole lines with their EOLs, as in the proposal */
  newText: string;
  /** [start, end) as an editor range */
  range: { start: Position; end: Position };
}

const ORIGIN: DiffBase = { offset: 0, line: 0, character: 0 };

/**
 * Hunks turning `original` into `proposal`, lines compared with their EOLs so that applying
 * them gives the proposal byte for byte. With `base`, offsets, lines and ranges are those of
 * the document that `original` was taken from.
 */
export function diffLines(original: string, proposal: string, base: DiffBase = ORIGIN): LineHunk[] {
  const a = splitLinesKeepEol(original);
  const b = splitLinesKeepEol(proposal);
  const regions = diffSequences(a, b);
  if (regions.length === 0) return [];
  const aStarts = prefixOffsets(a);
  const bStarts = prefixOffsets(b);
  const finalEol = original.length === 0 || original.charCodeAt(original.length - 1) === 10;
  const pos = (i: number): Position => {
    if (i < a.length || finalEol) return { line: base.line + i, character: i === 0 ? base.character : 0 };
    const last = a.length - 1;
    return { line: base.line + last, character: (last === 0 ? base.character : 0) + a[last].length };
  };
  const hunks = new Array<LineHunk>(regions.length);
  for (let r = 0; r < regions.length; r++) {
    const { aStart, aEnd, bStart, bEnd } = regions[r];
    const s = aStarts[aStart];
    const e = aStarts[aEnd];
    hunks[r] = {
      origStart: base.line + aStart,
      origEnd: base.line + aEnd,
      newStart: bStart,
      newEnd: bEnd,
      start: base.offset + s,
      end: base.offset + e,
      oldText: original.slice(s, e),
      newText: proposal.slice(bStarts[bStart], bStarts[bEnd]),
      range: { start: pos(aStart), end: pos(aEnd) },
    };
  }
  return hunks;
}

function prefixOffsets(lines: readonly string[]): Int32Array {
  const out = new Int32Array(lines.length + 1);
  for (let i = 0; i < lines.length; i++) out[i + 1] = out[i] + lines[i].length;
  return out;
}
