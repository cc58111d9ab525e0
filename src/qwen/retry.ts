// When to try again: exponential backoff with jitter, or exactly what Retry-After asked for; and the
// loop that runs attempts until one succeeds, the error is final, or the retries are spent.
import type * as http from 'node:http';
import { abortedError } from './attempt';
import type { Logger } from './clientSettings';
import { QwenError, type ErrorContext } from './errors';

export interface BackoffPolicy {
  /** the first wait is about this long (between half and all of it) */
  baseMs: number;
  /** no wait is longer; a Retry-After beyond it means "give up and tell the user" */
  maxMs: number;
}

/**
 * The wait before retry number `attempt + 1` (attempt counts from 0), or undefined when the server
 * asked for a longer pause than we are willing to make the user sit through.
 * Without Retry-After: "equal jitter", a random point in the upper half of base·2^attempt, so
 * clients that failed together do not come back together.
 */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined, policy: BackoffPolicy, random: () => number = Math.random): number | undefined {
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxMs) return undefined;
    // never earlier than asked; a little later so a crowd does not return on the same millisecond
    return retryAfterMs + random() * Math.min(250, policy.baseMs);
  }
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return exp / 2 + random() * (exp / 2);
}

export interface RetrySettings {
  maxRetries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

/** Errors that came from reusing a kept-alive socket the server had just closed. */
const STALE = new WeakSet<QwenError>();

/** Marks a reset before any response on a reused socket, which the loop retries at once and for free. */
export function markStale(err: QwenError, req: http.ClientRequest, beforeResponse: boolean): QwenError {
  if (beforeResponse && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) STALE.add(err);
  return err;
}

/**
 * Runs `run` until it succeeds or fails for good. A QwenError is retried while it is `retryable`,
 * has no partial answer, the retries are not spent and the caller has not aborted; the error that
 * ends the loop knows how many attempts were made.
 */
export async function withRetries<T>(settings: RetrySettings, log: Logger, signal: AbortSignal | undefined, ctx: ErrorContext, run: (attempt: number) => Promise<T>): Promise<T> {
  let staleRetried = false;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt);
    } catch (e) {
      if (!(e instanceof QwenError)) throw e;
      e.attempts = attempt + 1;
      if (STALE.has(e) && !staleRetried && !signal?.aborted) {
        // The server closed a kept-alive socket just as we reused it: not a failure, try again now.
        staleRetried = true;
        attempt--;
        continue;
      }
      const delay = e.retryable && !e.partial && attempt < settings.maxRetries && !signal?.aborted ? backoffDelay(attempt, e.retryAfterMs, { baseMs: settings.retryBaseDelayMs, maxMs: settings.retryMaxDelayMs }) : undefined;
      if (delay === undefined) {
        log(e.kind === 'aborted' ? 'debug' : 'warn', `request failed: ${e.kind}${e.status ? ` HTTP ${e.status}` : ''}${e.code ? ` ${e.code}` : ''}${e.requestId ? ` request ${e.requestId}` : ''} after ${attempt + 1} attempt(s)`);
        throw e.refresh();
      }
      log('info', `${e.kind}${e.status ? ` HTTP ${e.status}` : ''}${e.code ? ` ${e.code}` : ''}: retry ${attempt + 1}/${settings.maxRetries} in ${Math.round(delay)} ms`);
      await sleep(delay, signal, ctx);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortedError(ctx));
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(abortedError(ctx));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
