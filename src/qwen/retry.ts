// When to try again: exponential backoff with jitter, or exactly what Retry-After asked for.

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
