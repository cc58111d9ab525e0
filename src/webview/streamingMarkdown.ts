// Renders a streaming answer with total work linear in its length:
//  - closed blocks (see BlockSplitter) are rendered once, appended, and never touched again;
//  - the open block is re-rendered only when it has grown by a fixed fraction since its last
//    render (geometric steps: its renders add up to a constant times its length), only if
//    what arrived since holds markdown syntax, and at most every few updates (new DOM costs
//    the browser a style and layout pass; formatting that catches up a few times a second is
//    enough); between renders the new characters are appended as plain text where the block
//    ends, which for plain words is exactly what a render gives;
//  - an open column-0 code fence is never re-rendered: its text goes straight into <code>,
//    and it is highlighted once, when it closes.
// `append` only queues; `flush` does the work and is called at most once per animation frame.
import { BlockSplitter } from './blockSplitter';
import { openCodeBlock } from './codeBlock';
import { renderMarkdown, renderMarkdownPair } from './markdown';

export interface StreamingOptions {
  /** re-render the open block once it has grown by this fraction of what was last rendered */
  growth?: number;
  /** ...and by at least this many characters */
  minStep?: number;
  /** ...and no sooner than this many flushes after its previous render (its first is at once) */
  minFrames?: number;
  /** start a new container for closed blocks after this many characters (keeps layout local) */
  groupChars?: number;
}

/** Characters that can make rendered markdown differ from the same text appended plain. */
const SYNTAX = /[\n\\`*_~[\]()<>&!|#=+:@-]|www\./i;

/** Blocks that raw text may flow into; inline elements (code, links, emphasis) are not. */
const TEXT_CONTAINERS = new Set([
  'DIV', 'P', 'UL', 'OL', 'LI', 'BLOCKQUOTE', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD',
  'H1', 'H2', 'H3', 'H4', 'H5', 'H6',
]);

export class StreamingMarkdown {
  readonly element: HTMLDivElement;
  private readonly splitter = new BlockSplitter();
  private readonly growth: number;
  private readonly minStep: number;
  private readonly minFrames: number;
  private framesSinceRender = 0;
  private readonly groupChars: number;
  private readonly cuts: number[] = [];
  private incoming: string[] = [];
  private openParts: string[] = [];
  /** stream offset where openParts begins (the open block's start) */
  private openStart = 0;
  /** stream characters before this are on screen, rendered or as raw text */
  private shownUpTo = 0;
  /** stream text from shownUpTo to what was fed: waiting to be shown */
  private unshown = '';
  private group: HTMLDivElement | null = null;
  private groupLength = 0;
  private readonly openEl: HTMLDivElement;
  private renderedLength = 0;
  /** the open block's display differs from its rendering (syntax arrived since the last one) */
  private dirty = true;
  private rawSink: TextSink | null = null;
  private fenceSink: TextSink | null = null;
  /** blocks closed by this flush, not yet rendered: rendered with the open block if it renders */
  private closedText = '';
  private finished = false;

  constructor(options: StreamingOptions = {}) {
    this.growth = options.growth ?? 0.5;
    this.minStep = options.minStep ?? 24;
    this.minFrames = options.minFrames ?? 6;
    this.groupChars = options.groupChars ?? 8192;
    this.element = document.createElement('div');
    this.element.className = 'markdown';
    this.openEl = document.createElement('div');
    this.openEl.className = 'md-open';
    this.element.append(this.openEl);
  }

  /** Queues text; nothing is parsed or touched until `flush`. */
  append(text: string): void {
    if (text) this.incoming.push(text);
  }

  /** Applies everything queued since the last flush. Returns whether the DOM changed. */
  flush(): boolean {
    if (this.incoming.length === 0 || this.finished) return false;
    const added = this.incoming.length === 1 ? this.incoming[0]! : this.incoming.join('');
    this.incoming = [];
    const splitter = this.splitter;
    const base = splitter.offset;
    const cuts = this.cuts;
    cuts.length = 0;
    splitter.feed(added, cuts);

    let pos = 0;
    let closed = '';
    for (const cut of cuts) {
      const rel = cut - base;
      if (rel >= pos) {
        this.pushOpen(added.slice(pos, rel));
        pos = rel;
        closed += this.takeOpenText();
      } else {
        // A cut before a line can be decided only once enough of that line arrived, which may
        // be after the line began in an earlier flush: split the open text already taken in.
        const open = this.takeOpenText();
        const k = cut - this.openStart;
        closed += open.slice(0, k);
        this.pushOpen(open.slice(k));
      }
      this.openStart = cut;
    }
    const rest = pos === 0 ? added : added.slice(pos);
    this.pushOpen(rest);
    if (cuts.length > 0) {
      this.closedText = closed;
      this.resetOpen(cuts[cuts.length - 1]!, this.openText());
    } else {
      this.unshown += added;
    }
    this.showOpen();
    if (this.closedText) {
      this.appendClosed(renderMarkdown(this.closedText), this.closedText.length);
      this.closedText = '';
    }
    return true;
  }

  /** The stream ended: everything is rendered as final blocks (and highlighted). */
  finish(): void {
    if (this.finished) return;
    this.flush();
    this.finished = true;
    const text = this.takeOpenText();
    this.openEl.remove();
    if (text) this.appendClosed(renderMarkdown(text), text.length);
    this.unshown = '';
    this.rawSink = this.fenceSink = null;
  }

  private pushOpen(text: string): void {
    if (!text) return;
    this.openParts.push(text);
  }

  private takeOpenText(): string {
    const text = this.openParts.length === 1 ? this.openParts[0]! : this.openParts.join('');
    this.openParts = [];
    return text;
  }

  private openText(): string {
    if (this.openParts.length > 1) this.openParts = [this.openParts.join('')];
    return this.openParts[0] ?? '';
  }

  private appendClosed(nodes: DocumentFragment, length: number): void {
    if (!this.group || this.groupLength >= this.groupChars) {
      this.group = document.createElement('div');
      this.group.className = 'md-group';
      this.element.insertBefore(this.group, this.finished ? null : this.openEl);
      this.groupLength = 0;
    }
    this.group.append(nodes);
    this.groupLength += length;
  }

  private resetOpen(blockStart: number, openText: string): void {
    this.openEl.replaceChildren();
    this.renderedLength = 0;
    this.dirty = true;
    this.rawSink = this.fenceSink = null;
    this.shownUpTo = blockStart;
    this.unshown = openText;
  }

  private showOpen(): void {
    const splitter = this.splitter;
    const stableEnd = splitter.stableEnd;
    if (splitter.openIsFence) {
      const fence = splitter.openFence;
      if (!fence) return; // its opening line (and language) is still arriving
      if (!this.fenceSink) {
        const block = openCodeBlock(fence.language);
        this.openEl.replaceChildren(block.root);
        this.fenceSink = new TextSink(block.code, true);
        this.unshown = this.unshown.slice(fence.contentStart - this.shownUpTo);
        this.shownUpTo = fence.contentStart;
      }
      this.showRaw(this.fenceSink, stableEnd);
      return;
    }
    const stableLength = stableEnd - splitter.blockStart;
    const fresh = stableEnd - this.shownUpTo;
    if (!this.dirty && fresh > 0 && SYNTAX.test(fresh === this.unshown.length ? this.unshown : this.unshown.slice(0, fresh))) this.dirty = true;
    this.framesSinceRender++;
    if (
      this.dirty &&
      (this.renderedLength === 0 || this.framesSinceRender >= this.minFrames) &&
      stableLength - this.renderedLength >= Math.max(this.minStep, this.renderedLength * this.growth)
    ) {
      this.framesSinceRender = 0;
      const text = this.openText();
      const shown = stableLength === text.length ? text : text.slice(0, stableLength);
      if (this.closedText) {
        // The blocks this flush closed go through the sanitizer with it.
        const [closed, open] = renderMarkdownPair(this.closedText, shown);
        this.appendClosed(closed, this.closedText.length);
        this.closedText = '';
        this.openEl.replaceChildren(open);
      } else this.openEl.replaceChildren(renderMarkdown(shown, { highlight: false }));
      this.renderedLength = stableLength;
      this.dirty = false;
      this.rawSink = null;
      this.unshown = this.unshown.slice(stableEnd - this.shownUpTo);
      this.shownUpTo = stableEnd;
      return;
    }
    if (stableEnd > this.shownUpTo) {
      this.rawSink ??= new TextSink(rawTextParent(this.openEl), false);
      this.showRaw(this.rawSink, stableEnd);
    }
  }

  private showRaw(sink: TextSink, upTo: number): void {
    const n = upTo - this.shownUpTo;
    if (n <= 0) return;
    sink.append(n === this.unshown.length ? this.unshown : this.unshown.slice(0, n));
    this.unshown = n === this.unshown.length ? '' : this.unshown.slice(n);
    this.shownUpTo = upTo;
  }
}

/** Text nodes are immutable strings: appending to one copies it. Past this, start another. */
const TEXT_NODE_MAX = 1024;
/** Lines per block of a streaming code fence: the browser re-lays out only the last block. */
const LINES_PER_BLOCK = 4;

/**
 * Appends streamed text under an element at a cost proportional to what is appended. For code,
 * lines go into display:block spans of LINES_PER_BLOCK lines (each span ends with its newline),
 * so a frame's layout touches one span rather than the whole growing <pre>.
 */
class TextSink {
  private node: Text | null = null;
  private block: HTMLElement | null = null;
  private lines = 0;

  constructor(private readonly parent: Element, private readonly codeLines: boolean) {}

  append(text: string): void {
    if (!this.codeLines) return this.appendText(this.parent, text);
    let from = 0;
    while (from < text.length) {
      if (!this.block || this.lines >= LINES_PER_BLOCK) {
        this.block = document.createElement('span');
        this.block.className = 'code-lines';
        this.parent.append(this.block);
        this.node = null;
        this.lines = 0;
      }
      // Fill the current block up to its last line's end; the rest starts the next one.
      let to = text.length;
      let at = from;
      while (this.lines < LINES_PER_BLOCK) {
        const nl = text.indexOf('\n', at);
        if (nl === -1) break;
        this.lines++;
        at = nl + 1;
        if (this.lines >= LINES_PER_BLOCK) to = at;
      }
      this.appendText(this.block, from === 0 && to === text.length ? text : text.slice(from, to));
      from = to;
    }
  }

  private appendText(parent: Element, text: string): void {
    if (!this.node || this.node.parentNode !== parent || this.node.length + text.length > TEXT_NODE_MAX) {
      this.node = document.createTextNode(text);
      parent.append(this.node);
    } else this.node.appendData(text);
  }
}

/** Where text typed after the rendered part of a block belongs: its last, deepest element. */
function rawTextParent(root: HTMLElement): Element {
  let el: Element = root;
  for (;;) {
    const last: Element | null = el.lastElementChild;
    if (!last) return el;
    if (last.classList.contains('code-block')) return last.querySelector('pre > code') ?? el;
    if (!TEXT_CONTAINERS.has(last.tagName)) return el;
    el = last;
  }
}
