// One streaming attempt: connect, read the SSE body (or a whole body that is not SSE), settle once.
import type { IncomingMessage } from 'node:http';
import { classifySocketError, contextFields, type Attempt, type OpenRequest } from './attempt';
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
  return new Promise<ChatResult>((resolve, reject) => {
    const { signal, ctx } = a;
    const decoder = new ChatStreamDecoder(onEvent, ctx, { maxLineChars: settings.maxLineChars, maxAnswerChars: settings.maxAnswerChars });
    if (signal?.aborted) {
      reject(new QwenError({ kind: 'aborted', ...contextFields(ctx) }));
      return;
    }
    let settled = false;
    let idle: IdleWatch | undefined;
    let res: IncomingMessage | undefined;
    const httpReq = open(a);

    const cleanup = () => {
      clearTimeout(headerTimer);
      idle?.stop();
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      decoder.stopped = true;
      cleanup();
      httpReq.destroy();
      if (err instanceof QwenError && decoder.delivered) {
        err.partial = decoder.snapshot();
        err.retryable = false;
        // A cut answer can be continued from where it stopped (the chat offers it), or asked again.
        if (CONTINUABLE.has(err.kind) && err.partial.text) {
          err.actions = ['continue', 'retry'];
          err.action = 'continue';
        }
        err.refresh();
      }
      reject(err);
    };
    const succeed = () => {
      if (settled) return;
      settled = true;
      decoder.stopped = true;
      cleanup();
      if (res && !res.complete) {
        // `[DONE]` came; let the body end so the socket can be reused, but not forever.
        const r = res;
        const guard = setTimeout(() => r.destroy(), 2000);
        guard.unref();
        r.once('close', () => clearTimeout(guard));
        r.resume();
      }
      resolve(decoder.result);
    };
    const onAbort = () => fail(new QwenError({ kind: 'aborted', ...contextFields(ctx) }));
    signal?.addEventListener('abort', onAbort, { once: true });

    // Runs until the first chunk of the body (not just the headers) has been delivered.
    const headerTimer = setTimeout(() => {
      fail(new QwenError({ kind: 'timeout', timeoutPhase: 'first-byte', timeoutMs: a.headerTimeoutMs, retryable: true, actions: ['retry'], ...contextFields(ctx) }));
    }, a.headerTimeoutMs);

    // Once the response has started, a socket error means the stream was cut: `dropped`.
    httpReq.on('error', (err) => fail(markStale(classifySocketError(err, ctx, decoder.delivered, res ? 'dropped' : undefined), httpReq, !res)));
    httpReq.on('response', (response) => {
      res = response;
      if (settled) {
        clearTimeout(headerTimer);
        response.destroy();
        return;
      }
      const status = response.statusCode ?? 0;
      // rawHeaders, not headers: node builds the headers object on first use, ~20 µs on a cold wake-up.
      const type = contentType(response.rawHeaders);
      // The first-byte timer keeps running until a body byte arrives; then the idle watch takes
      // over. Bodies read whole (errors, JSON) get the same clocks as a stream.
      const idleMs = settings.idleTimeoutMs;
      const noEventMs = settings.noEventTimeoutMs;
      const startIdleWatch = (sse: boolean) => {
        clearTimeout(headerTimer);
        if (settled) return;
        idle = new IdleWatch(
          idleMs,
          () => fail(new QwenError({ kind: 'timeout', timeoutPhase: 'idle', timeoutMs: idleMs, retryable: true, actions: decoder.delivered ? ['continue', 'retry'] : ['retry'], ...contextFields(ctx) })),
          sse ? { count: () => decoder.chunks, limitMs: noEventMs, onNone: () => fail(new QwenError({ kind: 'timeout', timeoutPhase: 'no-event', timeoutMs: noEventMs, retryable: true, actions: ['retry'], ...contextFields(ctx) })) } : undefined,
        );
      };
      const watchWholeBody = () => {
        response.on('data', () => {
          if (idle) idle.touch();
          else startIdleWatch(false);
        });
      };
      if (status < 200 || status >= 300 || type.includes('html')) {
        watchWholeBody();
        readBody(response, MAX_ERROR_BODY).then((text) => {
          const err = errorFromResponse(status, response.headers, text, ctx);
          fail(isToolsStreamRejection(status, err.serverMessage, req) ? new ModeRejection('non-stream') : err);
        }, (e) => fail(classifySocketError(e, ctx, false)));
        return;
      }
      // The server ignored stream:true and answered in one piece: deliver it as events.
      const deliverWhole = (text: string) => {
        if (settled) return;
        try {
          const result = parseCompletion(text, ctx);
          replayAsEvents(result, { onEvent: (e) => !settled && !signal?.aborted && onEvent?.(e), signal });
          if (!settled) {
            settled = true;
            cleanup();
            resolve(result);
          }
        } catch (e) {
          fail(e);
        }
      };
      if (type.includes('json')) {
        watchWholeBody();
        readBody(response, MAX_JSON_BODY).then(deliverWhole, (e) => fail(classifySocketError(e, ctx, false)));
        return;
      }

      // The first chunk usually arrives with the headers, in the same socket read: it is delivered
      // before any timer bookkeeping (swapping the header timer for the idle watch costs tens of µs
      // when the process has just woken up with cold caches); the swap follows it.
      let first = true;
      let diverted = false;
      // When the process fell behind, the socket hands over megabytes in one go; parsing them all
      // in one macrotask would freeze the host. After a few ms, pause and let the loop breathe.
      // The clock is read once per YIELD_CHECK_BYTES, not per chunk: a live stream brings one small
      // chunk per loop turn, and a clock read plus a setImmediate each time cost ~0.5 µs per chunk.
      let sliceStart = -1;
      let unchecked = 0;
      const endSlice = () => {
        sliceStart = -1;
      };
      const resume = () => {
        if (!settled) response.resume();
      };
      // Two hops: an immediate queued now runs in this loop turn's check phase, right after the
      // slice that paused; resuming there would start the next slice before the loop's timers
      // ever ran (12 ms of parsing in one turn). The second hop lands after a timers phase.
      const resumeNextTurn = () => {
        setImmediate(() => setImmediate(resume));
      };
      const onData = (buf: Buffer) => {
        if (settled) return;
        // A diverted body (JSON or HTML after all) is read by readRest, but its bytes still count as life.
        idle?.touch();
        if (diverted) return;
        if ((unchecked += buf.length) >= YIELD_CHECK_BYTES) {
          unchecked = 0;
          if (sliceStart < 0) {
            sliceStart = performance.now();
            setImmediate(endSlice);
          } else if (performance.now() - sliceStart > YIELD_AFTER_MS) {
            response.pause();
            resumeNextTurn();
          }
        }
        if (first) {
          first = false;
          // A body that starts like HTML or JSON is not SSE, whatever the content-type said.
          const c = firstNonSpace(buf);
          if (c === 0x3c /* < */ || c === 0x7b /* { */) {
            diverted = true;
            startIdleWatch(false);
            const whole = readRest(response, buf, c === 0x3c ? MAX_ERROR_BODY : MAX_JSON_BODY);
            if (c === 0x3c) whole.then((text) => fail(errorFromResponse(status, { 'content-type': 'text/html' }, text, ctx)), (e) => fail(classifySocketError(e, ctx, false)));
            else whole.then(deliverWhole, (e) => fail(classifySocketError(e, ctx, false)));
            return;
          }
        }
        try {
          decoder.push(buf);
        } catch (e) {
          fail(e);
          return;
        }
        if (idle === undefined) startIdleWatch(true);
        if (decoder.done) succeed();
      };
      response.on('data', onData);
      response.on('end', () => {
        if (settled || diverted) return;
        try {
          decoder.end();
        } catch (e) {
          fail(e);
          return;
        }
        succeed();
      });
      response.on('error', (err) => fail(classifySocketError(err, ctx, decoder.delivered, 'dropped')));
      response.on('aborted', () => fail(new QwenError({ kind: 'dropped', retryable: true, actions: ['retry'], ...contextFields(ctx) })));
      // A stream that was never read holds its first bytes back for a tick (node's Readable buffers
      // pushes until its first read). Reading once now lets the chunk that came with the headers go
      // from the HTTP parser straight to the decoder, before node parses the rest of the socket read.
      response.read(0);
    });
  });
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
