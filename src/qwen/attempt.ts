// One try at a request, as both kinds of attempt (streaming and whole-body) see it, and the errors
// that end a try without the server having named them: abort, the client's own timeouts, sockets.
import type * as http from 'node:http';
import { errorFromNetwork, QwenError, type ErrorContext } from './errors';
import type { QwenAction } from './errorFacts';

export interface Attempt {
  url: URL;
  method: 'GET' | 'POST';
  body?: string;
  accept: string;
  /** besides the client's own (accept, content-type, authorization, user-agent) */
  headers?: Record<string, string>;
  /** ms to wait for response headers */
  headerTimeoutMs: number;
  signal?: AbortSignal;
  ctx: ErrorContext;
}

/** Sends the attempt's request on the client's kept-alive connections (Connections.open). */
export type OpenRequest = (a: Attempt) => http.ClientRequest;

/** Where the failed request went, as error fields ('' for "no model yet" becomes no model). */
export function contextFields(ctx: ErrorContext) {
  return { provider: ctx.provider, providerLabel: ctx.providerLabel, host: ctx.host, model: ctx.model || undefined, proxy: ctx.proxy };
}

export function abortedError(ctx: ErrorContext): QwenError {
  return new QwenError({ kind: 'aborted', ...contextFields(ctx) });
}

export function firstByteTimeout(ms: number, ctx: ErrorContext): QwenError {
  return new QwenError({ kind: 'timeout', timeoutPhase: 'first-byte', timeoutMs: ms, retryable: true, actions: ['retry'], ...contextFields(ctx) });
}

export function idleTimeout(ms: number, ctx: ErrorContext, actions: QwenAction[] = ['retry']): QwenError {
  return new QwenError({ kind: 'timeout', timeoutPhase: 'idle', timeoutMs: ms, retryable: true, actions, ...contextFields(ctx) });
}

export function classifySocketError(err: unknown, ctx: ErrorContext, delivered: boolean, midBody?: 'dropped'): QwenError {
  if (err instanceof QwenError) return err;
  const code = (err as { code?: unknown })?.code;
  // A reset or "aborted" once the body is flowing is a dropped stream, not a failure to connect.
  if (midBody === 'dropped' && (code === 'ECONNRESET' || code === 'ECONNABORTED' || code === undefined || (err as Error)?.message === 'aborted')) {
    return new QwenError({ kind: 'dropped', retryable: !delivered, actions: ['retry'], code: typeof code === 'string' ? code : undefined, ...contextFields(ctx), cause: err });
  }
  return errorFromNetwork(err, ctx);
}
