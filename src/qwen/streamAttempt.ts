// One streaming attempt, from connecting to a settled promise. Its whole state is the fields of one
// StreamAttempt, and its steps run in this order:
//
//   connect → headers → classify the response ─┬─ SSE body: decode each chunk as it comes
//                                               ├─ a JSON body (stream:true ignored): read it whole, replay it
//                                               └─ an error or HTML body: read it whole, classify it
//   → succeed or fail, both through settle()
//
// settle() is the one gate out: it lets one outcome through and stops the decoder, both clocks and
// the abort listener. Nothing reaches the caller after it.
import type * as http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { abortedError, classifySocketError, contextFields, firstByteTimeout, idleTimeout, type Attempt, type OpenRequest } from './attempt';
import { parseCompletion, replayAsEvents } from './completion';
import { errorFromResponse, QwenError } from './errors';
import { IdleWatch } from './idleWatch';
import { ModeRejection } from './modeRejection';
import { MAX_ERROR_BODY, MAX_JSON_BODY, readBody, readRest } from './readBody';
import { isToolsStreamRejection } from './request';
import { markStale } from './retry';
import { ChatStreamDecoder, type StreamLimits } from './stream';
import type { ChatRequest, ChatResult, StreamEvent } from './types';

/** Longest stretch of stream parsing before yielding to the event loop (keeps the host responsive). */
const YIELD_AFTER_MS = 6;
/** Bytes between looks at the clock: well under a millisecond of parsing, so a burst yields after 6-7 ms. */
const YIELD_CHECK_BYTES = 8 * 1024;

/** Failures after which a cut answer can be continued from where it stopped. */
const CONTINUABLE = new Set<QwenError['kind']>(['dropped', 'timeout', 'stream-error', 'network', 'server']);

export interface StreamSettings extends StreamLimits {
  idleTimeoutMs: number;
  /** a stream of only comments or keep-alives ends after this long */
  noEventTimeoutMs: number;
}

/**
 * One streaming attempt. Settles exactly once; after settling (or abort) the decoder is stopped
 * so no further event reaches the caller.
 */
export function streamOnce(open: OpenRequest, a: Attempt, req: ChatRequest, onEvent: ((e: StreamEvent) => void) | undefined, settings: StreamSettings): Promise<ChatResult> {
  return new Promise<ChatResult>((resolve, reject) => new StreamAttempt(a, req, onEvent, settings, resolve, reject).connect(open));
}

class StreamAttempt {
  private readonly decoder: ChatStreamDecoder;
  private settled = false;
  private httpReq: http.ClientRequest | undefined = undefined;
  private res: IncomingMessage | undefined = undefined;
  /** until the first body byte */
  private headerTimer: NodeJS.Timeout | undefined = undefined;
  /** from the first body byte on */
  private idle: IdleWatch | undefined = undefined;

  // The SSE body's per-chunk state.
  private first = true;
  /** the body turned out not to be SSE and is read whole elsewhere */
  private diverted = false;
  /** when the current run of parsing without yielding began; -1 when none is running */
  private sliceStart = -1;
  /** bytes since the clock was last read */
  private unchecked = 0;
  /** the rest of a chunk whose first event was just delivered, parsed after a timer (see feedUntilFirstEvent()) */
  private held: Buffer | undefined = undefined;
  /** the body ended while bytes were held: its end is handled after them */
  private endedWhileHeld = false;

  constructor(
    private readonly a: Attempt,
    private readonly req: ChatRequest,
    private readonly onEvent: ((e: StreamEvent) => void) | undefined,
    private readonly settings: StreamSettings,
    private readonly resolve: (result: ChatResult) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.decoder = new ChatStreamDecoder(onEvent, a.ctx, { maxLineChars: settings.maxLineChars, maxAnswerChars: settings.maxAnswerChars });
  }

  // --- connect ---------------------------------------------------------------------------------

  connect(open: OpenRequest): void {
    const { signal, ctx } = this.a;
    if (signal?.aborted) {
      this.reject(abortedError(ctx));
      return;
    }
    const httpReq = open(this.a);
    this.httpReq = httpReq;
    signal?.addEventListener('abort', this.onAbort, { once: true });
    // Runs until the first chunk of the body (not just the headers) has been delivered.
    this.headerTimer = setTimeout(() => this.fail(firstByteTimeout(this.a.headerTimeoutMs, ctx)), this.a.headerTimeoutMs);
    // Once the response has started, a socket error means the stream was cut: `dropped`.
    httpReq.on('error', (err) => this.fail(markStale(classifySocketError(err, ctx, this.decoder.delivered, this.res ? 'dropped' : undefined), httpReq, !this.res)));
    httpReq.on('response', (response) => this.onHeaders(response));
  }

  private readonly onAbort = (): void => this.fail(abortedError(this.a.ctx));

  // --- headers: classify the response --------------------------------------------------------

  private onHeaders(response: IncomingMessage): void {
    this.res = response;
    if (this.settled) {
      clearTimeout(this.headerTimer);
      response.destroy();
      return;
    }
    const status = response.statusCode ?? 0;
    // rawHeaders, not headers: node builds the headers object on first use, ~20 µs on a cold wake-up.
    const type = contentType(response.rawHeaders);
    if (status < 200 || status >= 300 || type.includes('html')) this.readErrorBody(response, status);
    else if (type.includes('json')) this.readWholeAnswer(response);
    else this.readSse(response);
  }

  // --- clocks ----------------------------------------------------------------------------------

  /**
   * The first-byte timer keeps running until a body byte arrives; then the idle watch takes over.
   * On an SSE body it also ends a stream of nothing but keep-alives.
   */
  private startIdleWatch(sse: boolean): void {
    clearTimeout(this.headerTimer);
    if (this.settled) return;
    const { idleTimeoutMs, noEventTimeoutMs } = this.settings;
    const ctx = this.a.ctx;
    const noEvents = () => this.fail(new QwenError({ kind: 'timeout', timeoutPhase: 'no-event', timeoutMs: noEventTimeoutMs, retryable: true, actions: ['retry'], ...contextFields(ctx) }));
    this.idle = new IdleWatch(
      idleTimeoutMs,
      () => this.fail(idleTimeout(idleTimeoutMs, ctx, this.decoder.delivered ? ['continue', 'retry'] : ['retry'])),
      sse ? { count: () => this.decoder.chunks, limitMs: noEventTimeoutMs, onNone: noEvents } : undefined,
    );
  }

  /** Bodies read whole (errors, JSON) get the same clocks as a stream. */
  private watchWholeBody(response: IncomingMessage): void {
    response.on('data', () => {
      if (this.idle) this.idle.touch();
      else this.startIdleWatch(false);
    });
  }

  // --- an error or HTML body ------------------------------------------------------------------

  private readErrorBody(response: IncomingMessage, status: number): void {
    this.watchWholeBody(response);
    readBody(response, MAX_ERROR_BODY).then((text) => {
      const err = errorFromResponse(status, response.headers, text, this.a.ctx);
      this.fail(isToolsStreamRejection(status, err.serverMessage, this.req) ? new ModeRejection('non-stream') : err);
    }, this.failReading);
  }

  // --- a whole JSON answer: the server ignored stream:true ------------------------------------

  private readWholeAnswer(response: IncomingMessage): void {
    this.watchWholeBody(response);
    readBody(response, MAX_JSON_BODY).then(this.deliverWhole, this.failReading);
  }

  /** Delivers a whole answer as the events its stream would have given. */
  private readonly deliverWhole = (text: string): void => {
    if (this.settled) return;
    const signal = this.a.signal;
    const onEvent = this.onEvent;
    try {
      const result = parseCompletion(text, this.a.ctx);
      replayAsEvents(result, { onEvent: (e) => !this.settled && !signal?.aborted && onEvent?.(e), signal });
      this.succeed(result);
    } catch (e) {
      this.fail(e);
    }
  };

  private readonly failReading = (e: unknown): void => this.fail(classifySocketError(e, this.a.ctx, false));

  // --- the SSE body -------------------------------------------------------------------------

  private readSse(response: IncomingMessage): void {
    const ctx = this.a.ctx;
    response.on('data', this.onData);
    response.on('end', this.onEnd);
    response.on('error', (err) => this.fail(classifySocketError(err, ctx, this.decoder.delivered, 'dropped')));
    response.on('aborted', () => this.fail(new QwenError({ kind: 'dropped', retryable: true, actions: ['retry'], ...contextFields(ctx) })));
    // A stream that was never read holds its first bytes back for a tick (node's Readable buffers
    // pushes until its first read). Reading once now lets the chunk that came with the headers go
    // from the HTTP parser straight to the decoder, before node parses the rest of the socket read.
    response.read(0);
  }

  /**
   * The per-chunk hot path (benchmarked as client.us_per_chunk): no allocation, no closure and no
   * timer work per chunk. The first chunk usually arrives with the headers, in the same socket read:
   * it is delivered before any timer bookkeeping (swapping the header timer for the idle watch costs
   * tens of µs when the process has just woken up with cold caches); the swap follows it.
   */
  private readonly onData = (buf: Buffer): void => {
    if (this.settled) return;
    // A diverted body is read by readRest, but its bytes still count as life.
    this.idle?.touch();
    if (this.diverted) return;
    if ((this.unchecked += buf.length) >= YIELD_CHECK_BYTES) this.yieldIfLong();
    if (this.first) {
      this.first = false;
      if (this.divertIfNotSse(buf)) return;
    }
    try {
      if (this.decoder.delivered) this.decoder.push(buf);
      else this.feedUntilFirstEvent(buf);
    } catch (e) {
      this.fail(e);
      return;
    }
    if (this.idle === undefined) this.startIdleWatch(true);
    if (this.decoder.done) this.endOfStream();
  };

  /**
   * A burst (a fast local server, a buffering proxy, a host that fell behind) brings the first
   * event with many more in one chunk. Parsed whole, the rest (and the answer's end, if it is in
   * there) runs before anything the caller did with the first event can leave the process: inside
   * VS Code the message that puts the first words on screen is sent from a timer. So until the
   * first event is delivered the chunk goes in a line at a time (an event is delivered at the blank
   * line that ends it), and the rest of it waits for a timer queued after the caller's.
   */
  private feedUntilFirstEvent(buf: Buffer): void {
    let at = 0;
    while (at < buf.length && !this.decoder.delivered && !this.decoder.done) {
      const nl = buf.indexOf(0x0a, at);
      const end = nl < 0 ? buf.length : nl + 1;
      this.decoder.push(at === 0 && end === buf.length ? buf : buf.subarray(at, end));
      at = end;
    }
    if (at >= buf.length || this.decoder.done || this.settled) return;
    this.held = buf.subarray(at);
    this.res!.pause();
    setTimeout(this.releaseHeld, 0);
  }

  private readonly releaseHeld = (): void => {
    const rest = this.held;
    this.held = undefined;
    if (this.settled || !rest) return;
    try {
      this.decoder.push(rest);
    } catch (e) {
      this.fail(e);
      return;
    }
    if (this.decoder.done) this.endOfStream();
    else if (this.endedWhileHeld) this.onEnd();
    else this.res!.resume();
  };

  private readonly onEnd = (): void => {
    if (this.settled || this.diverted) return;
    if (this.held) {
      this.endedWhileHeld = true;
      return;
    }
    try {
      this.decoder.end();
    } catch (e) {
      this.fail(e);
      return;
    }
    this.endOfStream();
  };

  private endOfStream(): void {
    if (!this.settled) this.succeed(this.decoder.result);
  }

  /**
   * When the process fell behind, the socket hands over megabytes in one go; parsing them all in one
   * macrotask would freeze the host. After a few ms, pause and let the loop breathe. The clock is
   * read once per YIELD_CHECK_BYTES, not per chunk: a live stream brings one small chunk per loop
   * turn, and a clock read plus a setImmediate each time cost ~0.5 µs per chunk.
   */
  private yieldIfLong(): void {
    this.unchecked = 0;
    if (this.sliceStart < 0) {
      this.sliceStart = performance.now();
      setImmediate(this.endSlice);
    } else if (performance.now() - this.sliceStart > YIELD_AFTER_MS) {
      this.res!.pause();
      // Two hops: an immediate queued now runs in this loop turn's check phase, right after the
      // slice that paused; resuming there would start the next slice before the loop's timers
      // ever ran (12 ms of parsing in one turn). The second hop lands after a timers phase.
      setImmediate(this.resumeNextTurn);
    }
  }

  private readonly endSlice = (): void => {
    this.sliceStart = -1;
  };

  private readonly resumeNextTurn = (): void => {
    setImmediate(this.resume);
  };

  private readonly resume = (): void => {
    // Held bytes go first: releaseHeld resumes the body once they are parsed.
    if (!this.settled && this.held === undefined) this.res!.resume();
  };

  /** A body that starts like HTML or JSON is not SSE, whatever the content-type said: it is read whole. */
  private divertIfNotSse(firstChunk: Buffer): boolean {
    const c = firstNonSpace(firstChunk);
    if (c !== 0x3c /* < */ && c !== 0x7b /* { */) return false;
    this.diverted = true;
    this.startIdleWatch(false);
    const response = this.res!;
    const whole = readRest(response, firstChunk, c === 0x3c ? MAX_ERROR_BODY : MAX_JSON_BODY);
    if (c === 0x3c) whole.then((text) => this.fail(errorFromResponse(response.statusCode ?? 0, { 'content-type': 'text/html' }, text, this.a.ctx)), this.failReading);
    else whole.then(this.deliverWhole, this.failReading);
    return true;
  }

  // --- settle: the one way out ---------------------------------------------------------------

  /** True the first time only: stops the decoder, both clocks and the abort listener. */
  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    this.decoder.stopped = true;
    clearTimeout(this.headerTimer);
    this.idle?.stop();
    this.a.signal?.removeEventListener('abort', this.onAbort);
    return true;
  }

  private succeed(result: ChatResult): void {
    if (!this.settle()) return;
    const res = this.res;
    if (res && !res.complete) {
      // `[DONE]` came; let the body end so the socket can be reused, but not forever.
      const guard = setTimeout(() => res.destroy(), 2000);
      guard.unref();
      res.once('close', () => clearTimeout(guard));
      res.resume();
    }
    this.resolve(result);
  }

  private fail(err: unknown): void {
    if (!this.settle()) return;
    this.httpReq?.destroy();
    if (err instanceof QwenError && this.decoder.delivered) keepPartial(err, this.decoder.snapshot());
    this.reject(err);
  }
}

/**
 * An error after events were delivered carries what arrived and is never retried silently: the
 * caller already showed part of an answer. A cut answer can be continued from where it stopped
 * (the chat offers it), or asked again.
 */
function keepPartial(err: QwenError, partial: ChatResult): void {
  err.partial = partial;
  err.retryable = false;
  if (CONTINUABLE.has(err.kind) && partial.text) {
    err.actions = ['continue', 'retry'];
    err.action = 'continue';
  }
  err.refresh();
}

/** The content-type header, lower-cased, from node's raw [name, value, ...] list. */
function contentType(raw: string[]): string {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 12 && name.toLowerCase() === 'content-type') return raw[i + 1]!.toLowerCase();
  }
  return '';
}

/** The first byte that is not white space or part of a UTF-8 byte-order mark; -1 when none is. */
function firstNonSpace(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xef && c !== 0xbb && c !== 0xbf) return c;
  }
  return -1;
}
