// What a shell command printed, made fit for the model as it streams in: terminal escape
// sequences stripped, stored keys replaced, and only the head and the tail kept once it passes the
// cap, so memory stays bounded however much a command prints. Pure: no vscode, no Node.
import { scrub } from '../qwen/scrub';

/** What replaces a stored key in a command's output (the same mark as every other scrub). */
export const KEY_MARK = '***';
/** Keys shorter than this are not hidden: they would blank out ordinary words (as scrub does). */
const MIN_SECRET = 6;
/** An unfinished escape sequence longer than this is not one: it is dropped, not held. */
const MAX_HELD_ESCAPE = 4096;

// Complete sequences: CSI (colours, cursor moves), OSC (titles, hyperlinks, shell-integration
// marks) ended by BEL or ST, charset selection, and the other two-character escapes.
const ESCAPE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()*+][0-~]|\x1b[@-Z\\^_`a-~]/g;
// The start of a sequence whose end has not arrived yet.
const UNFINISHED = /^\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*\x1b?|[()*+])?$/;
// Control characters a model has no use for (tab and newline stay).
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/**
 * Strips escape sequences from a stream of text, holding back a sequence (or a `\r`) cut at a
 * chunk's end until the next chunk finishes it. `\r\n` and a lone `\r` become `\n`.
 */
export class AnsiStripper {
  private held = '';

  push(chunk: string): string {
    let text = this.held + chunk;
    this.held = '';
    text = text.replace(ESCAPE, '');
    // the last ESC may be the first half of an OSC's terminator (ESC \\): try the one before too
    const last = text.lastIndexOf('\x1b');
    const before = last > 0 ? text.lastIndexOf('\x1b', last - 1) : -1;
    for (const esc of [before, last]) {
      if (esc < 0) continue;
      const rest = text.slice(esc);
      if (UNFINISHED.test(rest) && rest.length <= MAX_HELD_ESCAPE) {
        this.held = rest;
        text = text.slice(0, esc);
        break;
      }
    }
    if (text.endsWith('\r')) {
      this.held = '\r' + this.held;
      text = text.slice(0, -1);
    }
    return clean(text);
  }

  flush(): string {
    const rest = this.held;
    this.held = '';
    return clean(rest.replace(ESCAPE, ''));
  }
}

function clean(text: string): string {
  // stray ESC bytes (a sequence that never formed) go with the other control characters
  return text.replace(/\r\n?/g, '\n').replace(/\x1b/g, '').replace(CONTROL, '');
}

/**
 * Replaces each of `secrets` in a stream of text, holding back the last few characters of each
 * chunk (one less than the longest secret) so a key split across two chunks is still caught.
 */
export class SecretHider {
  private readonly secrets: string[];
  private readonly keep: number;
  private held = '';

  constructor(secrets: Iterable<string | undefined>) {
    // longest first, so a key that contains another is replaced whole
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET))].sort((a, b) => b.length - a.length);
    this.keep = this.secrets.length ? this.secrets[0]!.length - 1 : 0;
  }

  push(chunk: string): string {
    let text = this.held + chunk;
    for (const s of this.secrets) if (text.includes(s)) text = text.split(s).join(KEY_MARK);
    if (this.keep === 0 || text.length <= this.keep) {
      this.held = this.keep === 0 ? '' : text;
      return this.keep === 0 ? text : '';
    }
    this.held = text.slice(text.length - this.keep);
    return text.slice(0, text.length - this.keep);
  }

  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}

/**
 * Keeps the first `headShare` of `maxChars` and the last of the rest, counting what falls between;
 * never holds much more than `maxChars` characters.
 */
export class HeadTail {
  private head = '';
  private tail: string[] = [];
  private tailLength = 0;
  private total = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(readonly maxChars: number, headShare = 0.4) {
    const max = Math.max(0, Math.floor(maxChars));
    this.headMax = Math.floor(max * headShare);
    this.tailMax = max - this.headMax;
  }

  push(text: string): void {
    if (!text) return;
    this.total += text.length;
    if (this.head.length < this.headMax) {
      const room = this.headMax - this.head.length;
      this.head += text.slice(0, room);
      text = text.slice(room);
      if (!text) return;
    }
    this.tail.push(text);
    this.tailLength += text.length;
    // drop whole chunks from the front while the rest still fills the tail, then trim the first
    while (this.tail.length > 1 && this.tailLength - this.tail[0]!.length >= this.tailMax) this.tailLength -= this.tail.shift()!.length;
    if (this.tailLength > this.tailMax) {
      const over = this.tailLength - this.tailMax;
      this.tail[0] = this.tail[0]!.slice(over);
      this.tailLength -= over;
    }
  }

  /** Everything when it fit; else head, a note saying how much was cut, and tail. */
  result(): { text: string; truncated: boolean; cut: number } {
    const tail = this.tail.join('');
    const cut = this.total - this.head.length - tail.length;
    if (cut <= 0) return { text: this.head + tail, truncated: false, cut: 0 };
    return { text: `${this.head}\n[… ${cut} characters cut …]\n${tail}`, truncated: true, cut };
  }
}

/** The whole pipeline for one command: strip escapes, hide keys, keep head and tail. */
export class OutputCapture {
  private readonly ansi = new AnsiStripper();
  private readonly hider: SecretHider;
  private readonly kept: HeadTail;
  private readonly secrets: string[];

  constructor(maxChars: number, secrets: Iterable<string | undefined> = []) {
    this.secrets = [...secrets].filter((s): s is string => typeof s === 'string');
    this.hider = new SecretHider(this.secrets);
    this.kept = new HeadTail(maxChars);
  }

  push(raw: string): void {
    this.kept.push(this.hider.push(this.ansi.push(raw)));
  }

  finish(): { text: string; truncated: boolean } {
    this.kept.push(this.hider.push(this.ansi.flush()));
    this.kept.push(this.hider.flush());
    const r = this.kept.result();
    // the common patterns too (bearer tokens, sk- keys, URL passwords), as everywhere else
    return { text: scrub(r.text, this.secrets), truncated: r.truncated };
  }
}
