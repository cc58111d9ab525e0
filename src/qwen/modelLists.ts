// What servers listed at GET /models, shared by every client of the same provider and address: the
// chat's model picker, VS Code's language-model list, ghost text and a request that names no model
// all read one list, fetched once. A new client (a stored key, a changed timeout) keeps the list; a
// changed provider or address has a list of its own. A failed fetch or an empty list is not kept:
// the next caller asks.

/** Keys kept: a few addresses a user switches between. */
const MAX_KEYS = 8;

export class ModelListCache {
  private readonly known = new Map<string, string[]>();
  private readonly fetching = new Map<string, Promise<string[]>>();

  /** The list for `key` if one was fetched, without fetching. */
  peek(key: string): string[] | undefined {
    return this.known.get(key);
  }

  /**
   * The list for `key`: the one fetched before, the fetch already running, or a new fetch. The
   * caller's signal ends only its own wait; a fetch shared with others goes on.
   */
  get(key: string, fetch: () => Promise<string[]>, signal?: AbortSignal): Promise<string[]> {
    const ids = this.known.get(key);
    if (ids) return Promise.resolve(ids);
    let running = this.fetching.get(key);
    if (!running) {
      running = fetch().then(
        (fetched) => {
          // A server that lists nothing (nothing loaded yet) is asked again next time.
          if (fetched.length) this.set(key, fetched);
          else this.fetching.delete(key);
          return fetched;
        },
        (e: unknown) => {
          this.fetching.delete(key);
          throw e;
        },
      );
      this.fetching.set(key, running);
    }
    return signal ? untilAborted(running, signal) : running;
  }

  /** A fresh list for `key` (someone asked the server directly): later callers get it. */
  set(key: string, ids: readonly string[]): void {
    this.fetching.delete(key);
    this.known.delete(key);
    this.known.set(key, [...ids]);
    if (this.known.size > MAX_KEYS) this.known.delete(this.known.keys().next().value!);
  }
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
