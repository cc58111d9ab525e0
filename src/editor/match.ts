// Where in a file a code fragment from the chat belongs, so "Apply" can replace those lines
// rather than the whole file. Pure (no vscode): lines in, a line span or nothing out.
//
// Candidates are the file's symbols (functions, classes…) and windows anchored on lines equal
// to the fragment's first or last line; each is scored by how many of its lines the fragment
// shares (Dice coefficient over trimmed, non-blank lines). No good candidate means: ask.

export interface Span {
  /** first and last line, inclusive */
  start: number;
  end: number;
  /** a symbol's name, when the span is one */
  name?: string;
}

export interface Match extends Span {
  score: number;
}

const MAX_ANCHORS = 64;
/** Below this, a span is not the fragment's place. */
const MIN_SCORE = 0.5;
/** A symbol named in the fragment's first line needs less. */
const MIN_SCORE_NAMED = 0.3;

function key(line: string): string {
  return line.trim();
}

export function bestMatch(docLines: readonly string[], fragment: readonly string[], symbols: readonly Span[] = []): Match | undefined {
  const frag = fragment.map(key).filter((l) => l.length > 0);
  if (frag.length === 0 || docLines.length === 0) return undefined;
  const want = new Map<string, number>();
  for (const l of frag) want.set(l, (want.get(l) ?? 0) + 1);
  const firstLine = frag[0];
  const lastLine = frag[frag.length - 1];
  const height = fragment.length;

  const firstAt: number[] = [];
  const lastAt: number[] = [];
  for (let i = 0; i < docLines.length; i++) {
    const k = key(docLines[i]);
    if (k === firstLine && firstAt.length < MAX_ANCHORS) firstAt.push(i);
    if (k === lastLine && lastAt.length < MAX_ANCHORS) lastAt.push(i);
  }

  const candidates: Span[] = [...symbols];
  for (const s of firstAt) {
    const reach = s + Math.max(height * 3, height + 10);
    const e = lastAt.find((q) => q >= s && q <= reach);
    candidates.push({ start: s, end: e ?? Math.min(docLines.length - 1, s + height - 1) });
  }
  for (const e of lastAt) candidates.push({ start: Math.max(0, e - height + 1), end: e });
  candidates.push({ start: 0, end: docLines.length - 1 });

  let best: Match | undefined;
  const seen = new Set<string>();
  const have = new Map<string, number>();
  for (const c of candidates) {
    const id = `${c.start}:${c.end}`;
    if (seen.has(id) || c.start > c.end || c.end >= docLines.length) continue;
    seen.add(id);
    have.clear();
    let size = 0;
    let shared = 0;
    for (let i = c.start; i <= c.end; i++) {
      const k = key(docLines[i]);
      if (!k) continue;
      size++;
      const n = (have.get(k) ?? 0) + 1;
      have.set(k, n);
      if (n <= (want.get(k) ?? 0)) shared++;
    }
    if (size === 0) continue;
    const score = (2 * shared) / (frag.length + size);
    const named = c.name !== undefined && c.name.length > 1 && firstLine.includes(c.name);
    if (score < (named ? MIN_SCORE_NAMED : MIN_SCORE)) continue;
    if (!best || score > best.score + 1e-9 || (Math.abs(score - best.score) <= 1e-9 && c.end - c.start < best.end - best.start)) {
      best = { start: c.start, end: c.end, name: c.name, score };
    }
  }
  return best;
}
