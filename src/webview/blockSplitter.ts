// Finds where top-level markdown blocks end while an answer streams in, so that each closed
// block is rendered once and never again. Each character is looked at a bounded number of
// times: the cost is linear in the answer, however it is chunked.
//
// It cuts only where the cut cannot change how the text renders, i.e. where rendering the two
// halves separately gives what rendering the whole would give:
//  - before a line at column 0 that follows a blank line and cannot continue the block above
//    (a list item after a list may continue it: no cut there);
//  - before a column-0 fence or ATX heading (both interrupt anything), and after that heading;
//  - after the closing line of a column-0 fence.
// Everywhere else it keeps text together, which is always safe (merely less incremental).
// Known gap: a link reference definition applies only within its own block.

import { type Fence as FenceShape, FENCE_MIN, fenceRun, indentColumns, isClosingFence, mayBecomeClosingFence, runLength, skipIndent } from '../protocol/fences';
import { languageOf } from './language';

type LineClass = 'blank' | 'indented' | 'fence' | 'heading' | 'list' | 'quote' | 'text' | 'content' | 'close';
type BlockKind = 'none' | 'text' | 'list' | 'quote' | 'heading' | 'fence' | 'other';

interface Fence extends FenceShape {
  topLevel: boolean;
}

/** Enough of a line's start to classify it and to read a fence's language. */
const HEAD = 40;
const SPACE = 32;
const TAB = 9;
const CR = 13;

export interface OpenFence {
  /** from the info string; '' when none or implausible */
  language: string;
  /** absolute offset of the first character after the opening line */
  contentStart: number;
}

export class BlockSplitter {
  /** absolute offset of the next character to be fed */
  offset = 0;
  /** absolute offset where the open (last, unfinished) block starts */
  blockStart = 0;
  /** the open block is a column-0 fence whose opening line is complete */
  openFence: OpenFence | null = null;

  private lineStart = 0;
  private head = '';
  private lineNonBlank = false;
  private lineClass: LineClass | undefined;
  private lineIndent = 0;
  private blockKind: BlockKind = 'none';
  private prevBlank = false;
  private fence: Fence | null = null;
  private openingLine = false;
  private cutAfterLine = false;

  /** The open block is a column-0 fence (its opening line may still be arriving). */
  get openIsFence(): boolean {
    return this.blockKind === 'fence';
  }

  /**
   * Text before this offset belongs, for sure, to the block it is in now. After it comes the
   * start of a line not yet classified (a few characters at most, except a blank-looking line).
   */
  get stableEnd(): number {
    return this.lineClass === undefined ? this.lineStart : this.offset;
  }

  /** Scans more text; pushes to `cuts` the absolute offsets where a closed block ends. */
  feed(text: string, cuts: number[]): void {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? n : nl;
      if (end > i) this.take(text, i, end, cuts);
      if (nl === -1) break;
      this.endLine(cuts);
      i = nl + 1;
    }
  }

  private take(text: string, from: number, to: number, cuts: number[]): void {
    if (this.head.length < HEAD) this.head += text.slice(from, Math.min(to, from + HEAD - this.head.length));
    if (!this.lineNonBlank) {
      for (let k = from; k < to; k++) {
        const c = text.charCodeAt(k);
        if (c !== SPACE && c !== TAB && c !== CR) {
          this.lineNonBlank = true;
          break;
        }
      }
    }
    this.offset += to - from;
    if (this.lineClass === undefined) this.decide(false, cuts);
  }

  private endLine(cuts: number[]): void {
    if (this.lineClass === undefined) this.decide(true, cuts);
    this.offset += 1;
    const cls = this.lineClass;
    if (this.fence) {
      if (this.openingLine) {
        this.openingLine = false;
        const fence = this.fence;
        const head = this.head;
        const at = skipIndent(head);
        fence.len = runLength(head, at, head.length, fence.char);
        if (fence.topLevel) this.openFence = { language: languageOf(head.slice(at + fence.len)), contentStart: this.offset };
      } else if (cls === 'close') {
        const topLevel = this.fence.topLevel;
        this.fence = null;
        if (topLevel) this.cut(this.offset, cuts);
      }
      this.prevBlank = false;
    } else {
      this.prevBlank = cls === 'blank';
      if (this.cutAfterLine) {
        this.cutAfterLine = false;
        this.cut(this.offset, cuts);
      }
    }
    this.lineStart = this.offset;
    this.head = '';
    this.lineNonBlank = false;
    this.lineClass = undefined;
  }

  private cut(at: number, cuts: number[]): void {
    if (at <= this.blockStart) return;
    cuts.push(at);
    this.blockStart = at;
    this.blockKind = 'none';
    this.openFence = null;
    this.prevBlank = false;
  }

  private decide(complete: boolean, cuts: number[]): void {
    const cls = this.fence && !this.openingLine ? this.classifyInFence(complete) : this.classify(complete);
    if (cls === undefined) return;
    this.lineClass = cls;
    if (!this.fence || this.openingLine) this.apply(cls, cuts);
  }

  /** A line inside a fence: its closing fence may be indented 3 columns more than its opening one. */
  private classifyInFence(complete: boolean): LineClass | undefined {
    const fence = this.fence!;
    const head = this.head;
    const maxIndent = fence.indent + 3;
    if (complete) return isClosingFence(head, fence, 0, head.length, maxIndent) ? 'close' : 'content';
    return mayBecomeClosingFence(head, fence, 0, head.length, maxIndent) ? undefined : 'content';
  }

  private classify(complete: boolean): LineClass | undefined {
    const head = this.head;
    if (!this.lineNonBlank) {
      if (complete) return 'blank';
      return indentColumns(head) >= 4 ? 'indented' : undefined;
    }
    const indent = indentColumns(head);
    this.lineIndent = indent;
    const at = skipIndent(head);
    // A fence opens at its third character, before its info string arrives (a backtick there would
    // make ```a`b``` inline code: a known gap, keeping text together).
    const run = fenceRun(head, at);
    if (run >= FENCE_MIN) return 'fence';
    if (run > 0) return at + run === head.length && !complete ? undefined : 'text';
    if (indent >= 4) return 'indented';
    const rest = head.slice(at);
    const c0 = rest.charCodeAt(0);
    if (c0 === 35 /* # */) {
      const m = /^#{1,7}/.exec(rest)![0].length;
      if (m === rest.length && m <= 6) return complete ? 'heading' : undefined;
      const next = rest.charCodeAt(m);
      return m <= 6 && (next === SPACE || next === TAB || next === CR) ? 'heading' : 'text';
    }
    if (c0 === 45 /* - */ || c0 === 42 /* * */ || c0 === 43 /* + */) {
      if (rest.length === 1) return complete ? 'list' : undefined;
      const next = rest.charCodeAt(1);
      return next === SPACE || next === TAB || next === CR ? 'list' : 'text';
    }
    if (c0 >= 48 && c0 <= 57) {
      const m = /^(\d{1,9})([.)])?/.exec(rest)!;
      if (m[0].length === rest.length) return complete ? (m[2] ? 'list' : 'text') : undefined;
      if (!m[2]) return 'text';
      const next = rest.charCodeAt(m[0].length);
      return next === SPACE || next === TAB || next === CR ? 'list' : 'text';
    }
    if (c0 === 62 /* > */) return 'quote';
    return 'text';
  }

  private apply(cls: LineClass, cuts: number[]): void {
    const col0 = this.lineIndent === 0;
    switch (cls) {
      case 'blank':
        return;
      case 'fence': {
        const topLevel = col0;
        if (topLevel) {
          this.cutBefore(cuts);
          this.blockKind = 'fence';
        } else if (this.blockKind === 'none') this.blockKind = 'other';
        this.fence = { char: this.head.charCodeAt(skipIndent(this.head)), len: FENCE_MIN, indent: this.lineIndent, topLevel };
        this.openingLine = true;
        return;
      }
      case 'heading':
        if (col0) {
          this.cutBefore(cuts);
          this.blockKind = 'heading';
          this.cutAfterLine = true;
          return;
        }
        break;
      case 'indented':
        if (this.blockKind === 'none') this.blockKind = 'other';
        return;
      default:
        break;
    }
    const kind: BlockKind = cls === 'list' ? 'list' : cls === 'quote' ? 'quote' : 'text';
    if (this.prevBlank && col0 && !(kind === 'list' && this.blockKind === 'list')) this.cutBefore(cuts);
    if (this.blockKind === 'none') this.blockKind = kind;
  }

  private cutBefore(cuts: number[]): void {
    if (this.blockKind !== 'none') this.cut(this.lineStart, cuts);
  }
}
