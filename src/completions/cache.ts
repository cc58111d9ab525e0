// A small LRU of suggestions, so retyping a prefix (backspace, then the same keys) or typing the
// suggestion's own first characters costs no request. Keyed by the file, the text just before
// the cursor and just after it: what the model saw nearest the cursor.

export interface CacheContext {
  docKey: string;
  /** the cursor's offset in the document */
  offset: number;
  prefix: string;
  suffix: string;
}

interface Entry {
  docKey: string;
  offset: number;
  prefixTail: string;
  suffixHead: string;
  /** '' when the model had nothing to add: that answer is worth remembering too */
  suggestion: string;
}

const PREFIX_TAIL = 512;
const SUFFIX_HEAD = 128;

function tail(s: string, n: number): string {
  return s.length <= n ? s : s.slice(s.length - n);
}

function head(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n);
}

export class SuggestionCache {
  /** Map keeps insertion order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = 64) {}

  get size(): number {
    return this.entries.size;
  }

  private key(docKey: string, prefixTail: string, suffixHead: string): string {
    return `${docKey}\u0000${prefixTail}\u0000${suffixHead}`;
  }

  /**
   * The suggestion for this context: the one stored for it, or the rest of one whose first
   * characters the user has typed since (same file, same text after the cursor). Undefined = unknown.
   */
  get(ctx: CacheContext): string | undefined {
    const prefixTail = tail(ctx.prefix, PREFIX_TAIL);
    const suffixHead = head(ctx.suffix, SUFFIX_HEAD);
    const k = this.key(ctx.docKey, prefixTail, suffixHead);
    const exact = this.entries.get(k);
    if (exact) {
      this.touch(k, exact);
      return exact.suggestion;
    }
    for (const [key, e] of this.entries) {
      const typed = ctx.offset - e.offset;
      if (typed <= 0 || typed >= e.suggestion.length || e.docKey !== ctx.docKey || e.suffixHead !== suffixHead) continue;
      // The prefix must be the stored one followed by the suggestion's first `typed` characters.
      const end = ctx.prefix.length - typed;
      if (end < 0 || !ctx.prefix.startsWith(e.suggestion.slice(0, typed), end) || !ctx.prefix.endsWith(e.prefixTail, end)) continue;
      this.touch(key, e);
      return e.suggestion.slice(typed);
    }
    return undefined;
  }

  set(ctx: CacheContext, suggestion: string): void {
    const prefixTail = tail(ctx.prefix, PREFIX_TAIL);
    const suffixHead = head(ctx.suffix, SUFFIX_HEAD);
    const k = this.key(ctx.docKey, prefixTail, suffixHead);
    this.entries.delete(k);
    this.entries.set(k, { docKey: ctx.docKey, offset: ctx.offset, prefixTail, suffixHead, suggestion });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.entries.clear();
  }

  private touch(key: string, e: Entry): void {
    this.entries.delete(key);
    this.entries.set(key, e);
  }
}
