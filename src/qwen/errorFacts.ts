// What a failed request says happened, declared once: the error class (errors.ts) carries these
// fields, and the sentences (messages.ts, messages.zh-cn.ts) read them. It lives apart from both so
// neither has to import the other to know the shape. The two readings of the facts that both
// languages make alike (did anything arrive, how big is a cap) are here too, so they cannot drift.
import type { ChatResult, ProviderId } from './types';

export type QwenErrorKind =
  | 'missing-key'
  | 'auth'
  | 'billing'
  | 'quota'
  | 'rate-limit'
  | 'content-filter'
  | 'bad-parameter'
  | 'context-length'
  | 'model-not-found'
  | 'access-denied'
  | 'endpoint-not-found'
  | 'server'
  | 'network'
  | 'timeout'
  | 'proxy'
  | 'stream-error'
  | 'dropped'
  | 'aborted'
  | 'invalid-response'
  | 'too-large'
  | 'config';

export type QwenAction =
  | 'setApiKey'
  | 'checkRegion'
  | 'checkProxy'
  | 'shortenHistory'
  | 'removeFlaggedMessage'
  | 'retry'
  | 'openSettings'
  | 'selectModel'
  | 'continue';

/** What happened. What to do about it (retryable, actions) is the error's own, not a fact. */
export interface ErrorFacts {
  readonly kind: QwenErrorKind;
  status?: number;
  /** the provider's error code (`invalid_api_key`, `Arrearage`…) or the socket's (`ECONNREFUSED`) */
  code?: string;
  /** what had arrived before the failure (set once any event was delivered) */
  partial?: ChatResult;
  requestId?: string;
  provider?: ProviderId;
  providerLabel?: string;
  host?: string;
  model?: string;
  /** the server's own words, whitespace-collapsed, truncated and scrubbed of the key */
  serverMessage?: string;
  /** content filter: whether the question or the answer was flagged */
  filtered?: 'input' | 'output';
  /** 'no-event': bytes kept coming (keep-alive comments) but no event did */
  timeoutPhase?: 'first-byte' | 'idle' | 'no-event';
  timeoutMs?: number;
  /** too-large: the cap that was passed, in characters */
  sizeLimit?: number;
  /** from Retry-After */
  retryAfterMs?: number;
  /** how many requests were made in all */
  attempts?: number;
  /** the error arrived inside a 200 stream */
  inStream?: boolean;
  proxy?: string;
}

/** Whether any of the answer arrived before the failure: every sentence then says it was kept. */
export function arrivedSoFar(e: ErrorFacts): boolean {
  const p = e.partial;
  return !!p && !!(p.text || p.reasoning || p.toolCalls.length);
}

/** A cap in characters, as the size a user thinks in (one character is about one byte here). */
export function sizeInBytes(chars: number): string {
  return chars >= 1024 * 1024 ? `${Math.round(chars / (1024 * 1024))} MB` : `${Math.round(chars / 1024)} KB`;
}
