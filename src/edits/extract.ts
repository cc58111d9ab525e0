// From a model's answer to the exact replacement text for a selection: find the fenced block,
// choose one when there are several, then make it fit the document (EOL, tabs or spaces, base
// indentation, blank lines and final newline matching the selection). Model output is untrusted:
// every path ends in a plain string or a reason why there is none.

import { fenceMatchesLanguage, isKnownFenceTag } from '../prompts/languages';
import { type Fence as FenceShape, infoString, isClosingFence, mayBecomeClosingFence, openingFence } from '../protocol/fences';
import { indentWidth, isBlank, leadingWhitespace, splitLines } from './text';
import { type ExtractOptions, isCommentContinuation, normalizeCode, planIndent, renderIndent, type IndentPlan } from './fitCode';

export type { ExtractOptions };

/** A line still being written past this many characters is shown cut, not fitted again at every chunk. */
const LONG_LINE = 2000;

export interface CodeBlock {
  /** the fence's first word, lower case ('' when untagged) */
  lang: string;
  /** the whole info string after the fence */
  info: string;
  /** content with LF line ends and no final newline */
  code: string;
  /** false when the answer ended before the closing fence (truncated or still streaming) */
  complete: boolean;
  /** offsets of the block, fences included, in the answer */
  start: number;
  end: number;
}

export type ExtractResult =
  | {
      ok: true;
      /** the replacement for `original`, ready to put in the document */
      code: string;
      block: CodeBlock;
      blockIndex: number;
      blockCount: number;
      /** why this block was chosen, for logs and for telling the user */
      why: string;
      /** the block had no closing fence */
      truncated: boolean;
    }
  | { ok: false; reason: 'no-code-block'; message: string };

/** An opening fence as extraction keeps it: the grammar's fence, its indentation and info string. */
interface Fence extends FenceShape {
  /** the opening fence's indentation, removed from content lines */
  indentText: string;
  info: string;
}

/** The opening fence on `line`, at any indentation (models indent fences under list items). */
function parseFenceOpen(line: string): Fence | null {
  const open = openingFence(line);
  return open && { char: open.char, len: open.len, indent: open.indent, indentText: line.slice(0, open.at), info: infoString(line, open) };
}

/** `python title="x"`, `ts:src/a.ts`, `{.rust}`, `src/a.py` → python, ts, rust, py */
export function fenceLang(info: string): string {
  let s = info.replace(/^[{.\s]+/, '');
  s = s.split(/[\s{}:,]/, 1)[0] ?? '';
  if (s.includes('/') || (s.includes('.') && !isKnownFenceTag(s.toLowerCase()))) {
    const dot = s.lastIndexOf('.');
    s = dot >= 0 ? s.slice(dot + 1) : '';
  }
  return s.toLowerCase();
}

/** CommonMark removes the opening fence's indentation from content lines; so do we, leniently. */
function dedentContent(line: string, indent: string): string {
  if (!indent) return line;
  if (line.startsWith(indent)) return line.slice(indent.length);
  const ws = leadingWhitespace(line);
  return line.slice(Math.min(ws.length, indent.length));
}

/** Every fenced block (``` or ~~~, three or more), in order; the last may be unclosed. */
export function findCodeBlocks(answer: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let open: { fence: Fence; start: number; lines: string[] } | null = null;
  let pos = 0;
  while (pos < answer.length) {
    const nl = answer.indexOf('\n', pos);
    const lineEnd = nl < 0 ? answer.length : nl;
    const next = nl < 0 ? answer.length : nl + 1;
    let line = answer.slice(pos, lineEnd);
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (!open) {
      const f = parseFenceOpen(line);
      if (f) open = { fence: f, start: pos, lines: [] };
    } else if (isClosingFence(line, open.fence)) {
      blocks.push(makeBlock(open.fence, open.lines, true, open.start, next));
      open = null;
    } else {
      // A last line without newline that looks like a fence being typed is not code.
      if (!(nl < 0 && mayBecomeClosingFence(line, open.fence))) open.lines.push(dedentContent(line, open.fence.indentText));
    }
    pos = next;
  }
  if (open) blocks.push(makeBlock(open.fence, open.lines, false, open.start, answer.length));
  return blocks;
}

function makeBlock(f: Fence, lines: string[], complete: boolean, start: number, end: number): CodeBlock {
  return { lang: fenceLang(f.info), info: f.info, code: lines.join('\n'), complete, start, end };
}

/**
 * Which block is the replacement: one tagged with the selection's language, else an untagged one,
 * else any; within that, skipping a block that only repeats the original ("before" / "after"
 * answers), the largest.
 */
export function chooseBlock(blocks: readonly CodeBlock[], languageId: string | undefined, original?: string): { index: number; why: string } {
  if (blocks.length === 0) return { index: -1, why: 'no fenced block' };
  if (blocks.length === 1) return { index: 0, why: 'the only fenced block' };
  const tiers: Array<{ name: string; test: (b: CodeBlock) => boolean }> = [
    { name: `tagged ${languageId ?? ''}`.trim(), test: (b) => fenceMatchesLanguage(b.lang, languageId) },
    { name: 'untagged', test: (b) => b.lang === '' },
    { name: 'any language', test: () => true },
  ];
  const origNorm = original === undefined ? undefined : normalizeForCompare(original);
  for (const tier of tiers) {
    const idx: number[] = [];
    blocks.forEach((b, i) => tier.test(b) && !isBlank(b.code) && idx.push(i));
    if (idx.length === 0) continue;
    const fresh = origNorm === undefined ? idx : idx.filter((i) => normalizeForCompare(blocks[i].code) !== origNorm);
    const pool = fresh.length > 0 ? fresh : idx;
    let best = pool[0];
    for (const i of pool) if (blocks[i].code.length > blocks[best].code.length) best = i;
    const skipped = pool.length < idx.length ? ', skipping a copy of the original' : '';
    const why = pool.length === 1 ? `the only ${tier.name} block of ${blocks.length}${skipped}` : `the largest of ${pool.length} ${tier.name} blocks (${blocks.length} in all)${skipped}`;
    return { index: best, why };
  }
  return { index: blocks.length - 1, why: `all ${blocks.length} blocks are empty; took the last` };
}

function normalizeForCompare(s: string): string {
  return splitLines(s)
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join('\n');
}

export function extractReplacement(answer: string, opts: ExtractOptions): ExtractResult {
  const blocks = findCodeBlocks(answer);
  if (blocks.length === 0) {
    if (opts.allowBare && !isBlank(answer.replace(/\n/g, ''))) {
      const block: CodeBlock = { lang: '', info: '', code: answer.replace(/\r\n/g, '\n').replace(/\n+$/, ''), complete: true, start: 0, end: answer.length };
      return { ok: true, code: normalizeCode(block.code, opts), block, blockIndex: 0, blockCount: 0, why: 'no fence: the whole answer', truncated: false };
    }
    return { ok: false, reason: 'no-code-block', message: 'The answer contains no code block.' };
  }
  const { index, why } = chooseBlock(blocks, opts.languageId, opts.original);
  const block = blocks[index];
  return { ok: true, code: normalizeCode(block.code, opts), block, blockIndex: index, blockCount: blocks.length, why, truncated: !block.complete };
}

/**
 * The same extraction while the answer streams: code lines come out as soon as they are complete,
 * already fitted to the document as far as the lines so far allow; `finish()` runs the full
 * extraction on the whole answer, which is the final word. The state depends only on the text
 * received, never on how it was chunked.
 */
export class StreamingExtractor {
  /** completed code lines, fitted to the document, without EOL */
  readonly lines: string[] = [];
  /** the code line being written (fitted), '' when none */
  partial = '';
  state: 'before' | 'inside' | 'closed' = 'before';

  private readonly chunks: string[] = [];
  private pendingRaw = '';
  private fence: Fence | null = null;
  private skipping: Fence | null = null;
  private readonly plan: IndentPlan;
  private readonly tab: number;
  private codeBase = -1;
  private heldBlank = 0;
  private firstCode = true;
  private unit = 0;
  private longPartial: string | undefined;

  constructor(private readonly opts: ExtractOptions) {
    this.plan = planIndent(opts);
    this.tab = this.plan.style.size || 4;
  }

  /** Feeds a chunk; returns how many lines were appended to `lines`. */
  push(chunk: string): number {
    this.chunks.push(chunk);
    const before = this.lines.length;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', start);
      if (nl < 0) break;
      const raw = this.pendingRaw + chunk.slice(start, nl);
      this.pendingRaw = '';
      this.longPartial = undefined;
      this.rawLine(raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw);
      start = nl + 1;
    }
    if (start < chunk.length) this.pendingRaw += start === 0 ? chunk : chunk.slice(start);
    this.partial = this.fitPartial();
    return this.lines.length - before;
  }

  /** The code so far (completed lines and the partial one), in the document's EOL. */
  codeSoFar(): string {
    const eol = this.plan.eol;
    const s = this.lines.join(eol);
    return this.partial ? (s ? s + eol + this.partial : this.partial) : s;
  }

  /** The whole answer so far. */
  answer(): string {
    if (this.chunks.length > 1) this.chunks.splice(0, this.chunks.length, this.chunks.join(''));
    return this.chunks[0] ?? '';
  }

  /** The final extraction of everything received. */
  finish(): ExtractResult {
    return extractReplacement(this.answer(), this.opts);
  }

  private rawLine(line: string): void {
    if (this.state === 'closed') return;
    if (this.skipping) {
      if (isClosingFence(line, this.skipping)) this.skipping = null;
      return;
    }
    if (this.state === 'before') {
      const f = parseFenceOpen(line);
      if (!f) return;
      const lang = fenceLang(f.info);
      // A block plainly in another language (a shell command before the code) is not the edit.
      if (lang && this.opts.languageId && isKnownFenceTag(lang) && !fenceMatchesLanguage(lang, this.opts.languageId)) {
        this.skipping = f;
        return;
      }
      this.fence = f;
      this.state = 'inside';
      for (const b of this.plan.leadingBlank) this.lines.push(b);
      return;
    }
    const f = this.fence!;
    if (isClosingFence(line, f)) {
      this.state = 'closed';
      // The selection's own trailing blank lines, as the final extraction puts them back.
      if (this.codeBase >= 0) for (const b of this.plan.trailingBlank) this.lines.push(b);
      return;
    }
    const content = dedentContent(line, f.indentText);
    if (isBlank(content)) {
      // Blank lines wait for the next code line: trailing ones are the selection's business.
      if (this.codeBase >= 0) this.heldBlank++;
      return;
    }
    for (; this.heldBlank > 0; this.heldBlank--) this.lines.push('');
    this.lines.push(this.fit(content));
  }

  private fit(line: string): string {
    const ws = leadingWhitespace(line);
    const w = indentWidth(ws, this.tab);
    if (this.codeBase < 0) this.codeBase = w;
    const p = this.plan;
    const modelTabs = ws.charCodeAt(0) === 9;
    const styleDiffers = ws.length > 0 && modelTabs !== p.style.useTabs;
    // The model's space step: its first indentation past the first line (finish() looks at all).
    const rel = w - this.codeBase;
    if (this.unit === 0 && !modelTabs && rel >= 2 && rel <= 8 && !isCommentContinuation(line)) this.unit = rel;
    const unit = modelTabs ? this.tab : this.unit || this.tab;
    let indent: string;
    if (this.codeBase < p.baseWidth) indent = p.baseStr + renderIndent(rel, p.style, unit);
    else if (styleDiffers) indent = renderIndent(w, p.style, unit);
    else indent = ws;
    let out = indent + line.slice(ws.length);
    if (this.firstCode && p.linePrefix) {
      const lw = leadingWhitespace(out);
      out = isBlank(p.linePrefix) ? out.slice(Math.min(lw.length, p.linePrefix.length)) : out.slice(lw.length);
    }
    this.firstCode = false;
    return out;
  }

  private fitPartial(): string {
    if (this.state !== 'inside' || !this.pendingRaw) return '';
    // A very long line shows only its head, computed once, so each chunk stays cheap.
    if (this.pendingRaw.length > LONG_LINE) {
      if (this.longPartial === undefined) this.longPartial = this.fitRaw(this.pendingRaw.slice(0, LONG_LINE));
      return this.longPartial;
    }
    this.longPartial = undefined;
    return this.fitRaw(this.pendingRaw);
  }

  private fitRaw(raw: string): string {
    if (raw.charCodeAt(raw.length - 1) === 13) raw = raw.slice(0, -1);
    const f = this.fence!;
    if (mayBecomeClosingFence(raw, f)) return '';
    const content = dedentContent(raw, f.indentText);
    if (isBlank(content)) return '';
    const saveBase = this.codeBase;
    const saveFirst = this.firstCode;
    const saveUnit = this.unit;
    const fitted = this.fit(content);
    this.codeBase = saveBase;
    this.firstCode = saveFirst;
    this.unit = saveUnit;
    return fitted;
  }
}
