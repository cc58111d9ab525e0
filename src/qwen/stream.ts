// Bytes of a chat.completion.chunk SSE stream in, typed events out. Network-free, so tests can feed
// it any split of a recorded stream. This is the per-chunk hot path: a UTF-8 decode, eventsource-parser,
// JSON.parse, a shape check, and string appends that V8 keeps as ropes (linear).
import { createParser, type EventSourceMessage, type EventSourceParser } from 'eventsource-parser';
import { checkChunk } from './chunkCheck';
import { errorFromStream, QwenError, type ErrorContext } from './errors';
import type { Chunk, WireMeta, WireUsage } from './schema';
import { TextAccumulator } from './textAccumulator';
import type { ChatResult, FinishReason, StreamEvent, ToolCall, Usage } from './types';

/**
 * UTF-8 bytes to text across network chunks, as a streaming TextDecoder('utf-8') would give them
 * (same U+FFFD for bad bytes, leading BOM dropped), at about two thirds of its cost per chunk: each
 * chunk is decoded up to its last whole character in one native call, and the 1-3 bytes of a
 * character cut by the network wait for the next chunk.
 */
export class Utf8Stream {
  private carry: Buffer | undefined;
  private started = false;

  write(input: Uint8Array): string {
    let b = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.carry) {
      b = Buffer.concat([this.carry, b]);
      this.carry = undefined;
    }
    const end = wholeCharsEnd(b);
    if (end < b.length) this.carry = Buffer.from(b.subarray(end));
    const s = b.toString('utf8', 0, end);
    return this.started ? s : this.first(s);
  }

  /** The stream ended: a character still cut becomes U+FFFD, as TextDecoder's final decode() does. */
  end(): string {
    const c = this.carry;
    if (!c) return '';
    this.carry = undefined;
    return this.first(c.toString('utf8'));
  }

  private first(s: string): string {
    if (s.length === 0) return s;
    this.started = true;
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  }
}

/** Where the last whole UTF-8 character ends: before a lead byte whose continuation bytes have not all arrived. */
function wholeCharsEnd(b: Uint8Array): number {
  const n = b.length;
  let i = n - 1;
  const stop = n > 3 ? n - 3 : 0;
  while (i >= stop && (b[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const lead = b[i]!;
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return n - i < need ? i : n;
}

interface ToolCallDraft {
  index: number;
  id: string;
  type: 'function';
  name: string;
  arguments: string;
}

export function usageFromWire(u: WireUsage | null | undefined, meta: WireMeta | null | undefined): Usage | undefined {
  const spent = meta?.usage?.usd_spent;
  if (!u && (spent === null || spent === undefined)) return undefined;
  const usage: Usage = {
    promptTokens: u?.prompt_tokens ?? 0,
    completionTokens: u?.completion_tokens ?? 0,
    totalTokens: u?.total_tokens ?? (u?.prompt_tokens ?? 0) + (u?.completion_tokens ?? 0),
  };
  const cached = u?.prompt_tokens_details?.cached_tokens;
  if (typeof cached === 'number') usage.cachedTokens = cached;
  const reasoning = u?.completion_tokens_details?.reasoning_tokens;
  if (typeof reasoning === 'number') usage.reasoningTokens = reasoning;
  if (typeof spent === 'number') usage.usdSpent = spent;
  return usage;
}

/**
 * No real chunk comes near a few MB, so a line longer than this is a broken or hostile server;
 * without a cap its bytes would be buffered for as long as they keep coming.
 */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;
/** Generous: the bench streams a 50 MB answer, and nothing a person reads comes close. */
export const MAX_ANSWER_CHARS = 64 * 1024 * 1024;

export interface StreamLimits {
  maxLineChars?: number;
  maxAnswerChars?: number;
}

export function emptyResult(): ChatResult {
  return { text: '', reasoning: '', toolCalls: [] };
}

/**
 * Decodes one response stream. Call push() per network chunk and end() when the body ends; both
 * throw a QwenError when the stream says something is wrong. `done` turns true at `[DONE]`.
 */
export class ChatStreamDecoder {
  private readonly res: ChatResult = emptyResult();
  private readonly text = new TextAccumulator();
  private readonly reasoning = new TextAccumulator();
  /** `[DONE]` was seen */
  done = false;
  /** at least one event reached the caller: from here on nothing may be retried silently */
  delivered = false;
  /** set by the owner on abort or settle: no event may be delivered after it */
  stopped = false;
  chunks = 0;
  /** bytes received, to tell a silent drop from a body that was never SSE */
  bytes = 0;

  private readonly decoder = new Utf8Stream();
  private readonly parser: EventSourceParser;
  private readonly drafts: ToolCallDraft[] = [];
  private toolCallsEmitted = false;
  private finishEmitted = false;
  private flushing = false;
  private sawComment = false;
  private pending: QwenError | undefined;
  /** characters kept so far: text, reasoning and tool arguments */
  private size = 0;
  private readonly maxAnswer: number;

  constructor(
    private readonly onEvent: ((event: StreamEvent) => void) | undefined,
    private readonly ctx: ErrorContext,
    limits: StreamLimits = {},
  ) {
    this.maxAnswer = limits.maxAnswerChars ?? MAX_ANSWER_CHARS;
    const maxLine = limits.maxLineChars ?? MAX_LINE_CHARS;
    this.parser = createParser({
      onEvent: (e) => this.onMessage(e),
      // The parser checks its buffered line against this in O(1) per feed, so the cap costs nothing per chunk.
      maxBufferSize: maxLine,
      onError: (err) => {
        // Unknown fields and bad `retry:` values are ignorable; only an overflow ends the stream.
        if (err.type === 'max-buffer-size-exceeded') this.fail(this.tooLarge('line', maxLine));
      },
      onComment: () => {
        // `: keep-alive` and friends: nothing to do, but they prove this is an SSE stream.
        this.sawComment = true;
      },
    });
  }

  push(bytes: Uint8Array): void {
    if (this.done || this.stopped) return;
    this.bytes += bytes.length;
    this.parser.feed(this.decoder.write(bytes));
    this.raise();
  }

  /** The body ended. Flushes a final event that lacked its blank line; throws `dropped` if `[DONE]` never came. */
  end(): void {
    if (this.done || this.stopped) return;
    this.flushing = true;
    const tail = this.decoder.end();
    this.parser.feed(tail + '\n\n');
    this.raise();
    if (this.done) return;
    // Some OpenAI-compatible servers end cleanly after the finish chunk without `[DONE]`.
    if (this.res.finishReason !== undefined) {
      this.complete();
      return;
    }
    // Bytes came but not one event could be read from them: this was never an SSE stream.
    if (this.chunks === 0 && this.bytes > 0 && !this.sawComment) throw new QwenError({ kind: 'invalid-response', code: 'not-sse', ...this.errorBase() });
    throw new QwenError({ kind: 'dropped', retryable: true, actions: ['retry'], ...this.errorBase() });
  }

  /** What arrived, as the call's result. */
  get result(): ChatResult {
    this.res.text = this.text.toString();
    this.res.reasoning = this.reasoning.toString();
    return this.res;
  }

  private errorBase() {
    return {
      provider: this.ctx.provider,
      providerLabel: this.ctx.providerLabel,
      host: this.ctx.host,
      model: this.ctx.model,
      proxy: this.ctx.proxy,
    };
  }

  private tooLarge(code: 'line' | 'answer', sizeLimit: number): QwenError {
    return new QwenError({ kind: 'too-large', code, sizeLimit, ...this.errorBase() });
  }

  /** Counts `chars` more against the answer cap; past it, ends the stream before they are kept. */
  private admit(chars: number): boolean {
    if ((this.size += chars) <= this.maxAnswer) return true;
    this.fail(this.tooLarge('answer', this.maxAnswer));
    return false;
  }

  private raise(): void {
    const e = this.pending;
    if (e) {
      this.pending = undefined;
      this.stopped = true;
      throw e;
    }
  }

  private fail(e: QwenError): void {
    // Errors are raised after feed() returns so the parser is never left mid-line by a throw.
    if (!this.pending) this.pending = e;
    this.stopped = true;
  }

  private onMessage(msg: EventSourceMessage): void {
    if (this.stopped || this.done) return;
    const data = msg.data;
    if (data === '[DONE]') {
      this.complete();
      return;
    }
    if (data.length === 0) return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      // A half line flushed from a cut connection is a drop, not a malformed stream.
      if (this.flushing) return;
      this.fail(new QwenError({ kind: 'invalid-response', code: 'bad-json', ...this.errorBase() }));
      return;
    }
    const chunk = checkChunk(json);
    if (!chunk) {
      this.fail(new QwenError({ kind: 'invalid-response', code: 'bad-chunk', ...this.errorBase() }));
      return;
    }
    this.chunks++;
    this.apply(chunk, msg.event === 'error');
  }

  private emit(event: StreamEvent): void {
    if (this.stopped) return;
    this.delivered = true;
    if (this.onEvent) this.onEvent(event);
  }

  private apply(chunk: Chunk, errorEvent: boolean): void {
    if (chunk.error || errorEvent) {
      const err = chunk.error ?? { message: 'error event' };
      this.fail(errorFromStream(err, chunk.id ?? undefined, this.ctx));
      return;
    }
    const r = this.res;
    if (r.id === undefined && chunk.id) r.id = chunk.id;
    if (r.model === undefined && chunk.model) r.model = chunk.model;

    const choices = chunk.choices;
    if (choices) {
      for (let i = 0; i < choices.length; i++) {
        const c = choices[i]!;
        if (c.index !== 0 && c.index !== undefined && c.index !== null) continue;
        const d = c.delta;
        if (d) {
          const reasoning = d.reasoning_content ?? d.reasoning;
          if (reasoning) {
            if (!this.admit(reasoning.length)) return;
            this.reasoning.push(reasoning);
            this.emit({ type: 'reasoning', text: reasoning });
          }
          const content = d.content;
          if (content) {
            const text = typeof content === 'string' ? content : partsText(content);
            if (text) {
              if (!this.admit(text.length)) return;
              this.text.push(text);
              this.emit({ type: 'text', text });
            }
          }
          if (d.tool_calls) this.addToolFragments(d.tool_calls);
        }
        const fr = c.finish_reason;
        if (fr && !this.stopped) this.finish(fr);
        if (this.stopped) return;
      }
    }
    if (chunk.usage || chunk.meta?.usage) {
      const usage = usageFromWire(chunk.usage, chunk.meta);
      if (usage) {
        // AI/ML API may send meta in a chunk of its own: keep the token counts we already have.
        if (!chunk.usage && r.usage) {
          usage.promptTokens = r.usage.promptTokens;
          usage.completionTokens = r.usage.completionTokens;
          usage.totalTokens = r.usage.totalTokens;
          if (r.usage.cachedTokens !== undefined) usage.cachedTokens = r.usage.cachedTokens;
          if (r.usage.reasoningTokens !== undefined) usage.reasoningTokens = r.usage.reasoningTokens;
        }
        if (r.usage?.usdSpent !== undefined && usage.usdSpent === undefined) usage.usdSpent = r.usage.usdSpent;
        r.usage = usage;
        this.emit({ type: 'usage', usage });
      }
    }
  }

  private addToolFragments(fragments: NonNullable<NonNullable<Chunk['choices']>[number]['delta']>['tool_calls']): void {
    if (!fragments) return;
    for (const f of fragments) {
      let index = typeof f.index === 'number' ? f.index : -1;
      if (index < 0) {
        // No index: a fresh non-empty id starts a new call, anything else continues the last one.
        const last = this.drafts[this.drafts.length - 1];
        index = !last || (f.id && f.id !== last.id) ? this.drafts.length : last.index;
      }
      let draft = this.drafts.find((d) => d.index === index);
      if (!draft) {
        draft = { index, id: '', type: 'function', name: '', arguments: '' };
        this.drafts.push(draft);
      }
      // Later fragments say `"id": ""` and sometimes `function: {}`: never let them erase what we have.
      if (f.id && !draft.id) draft.id = f.id;
      const fn = f.function;
      if (fn) {
        if (fn.name && !draft.name) draft.name = fn.name;
        if (fn.arguments) {
          if (!this.admit(fn.arguments.length)) return;
          draft.arguments += fn.arguments;
        }
      }
    }
    this.res.toolCalls = this.drafts.map(toToolCall);
  }

  private flushToolCalls(): void {
    if (this.toolCallsEmitted || this.drafts.length === 0) return;
    this.toolCallsEmitted = true;
    const sorted = [...this.drafts].sort((a, b) => a.index - b.index);
    this.res.toolCalls = sorted.map(toToolCall);
    for (let i = 0; i < sorted.length; i++) this.emit({ type: 'toolCall', index: sorted[i]!.index, call: this.res.toolCalls[i]! });
  }

  private finish(reason: FinishReason): void {
    if (this.finishEmitted) return;
    this.finishEmitted = true;
    this.flushToolCalls();
    this.res.finishReason = reason;
    this.emit({ type: 'finish', reason });
  }

  private complete(): void {
    this.flushToolCalls();
    this.done = true;
  }

  /** A copy of what has arrived, for QwenError.partial. */
  snapshot(): ChatResult {
    const r = this.res;
    return {
      text: this.text.toString(),
      reasoning: this.reasoning.toString(),
      toolCalls: this.drafts.map(toToolCall),
      ...(r.usage ? { usage: r.usage } : {}),
      ...(r.finishReason !== undefined ? { finishReason: r.finishReason } : {}),
      ...(r.model !== undefined ? { model: r.model } : {}),
      ...(r.id !== undefined ? { id: r.id } : {}),
    };
  }
}

function partsText(parts: readonly { type?: string | null; text?: string | null }[]): string {
  let out = '';
  for (const p of parts) if (p && typeof p.text === 'string' && (p.type === 'text' || !p.type)) out += p.text;
  return out;
}

function toToolCall(d: ToolCallDraft): ToolCall {
  return { id: d.id || `call_${d.index}`, type: 'function', function: { name: d.name, arguments: d.arguments } };
}
