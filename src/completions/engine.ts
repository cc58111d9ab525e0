// The core of ghost-text completion, free of VS Code so the unit tests and the bench drive it in
// plain Node: debounce, one request at a time (every stale one aborted the moment a newer
// keystroke arrives), a cache so retyping costs nothing, fitting the answer to the cursor, and a
// quiet pause after a failure instead of a request per keystroke.
import { SuggestionCache, type CacheContext } from './cache';
import type { CompletionMode } from './mode';
import { fitSuggestion, isInsideWord, isMidLine } from './trim';

export interface EngineRequest extends CacheContext {
  /** workspace-relative path, for the prompt and the exclude list */
  path?: string;
  languageId?: string;
}

export interface FetchInput {
  prefix: string;
  suffix: string;
  path?: string;
  languageId?: string;
  /** code follows the cursor on its line: one line is wanted (fewer tokens, a newline may stop it) */
  singleLine: boolean;
  maxLines: number;
}

export interface FetchResult {
  /** the model's text, untrimmed */
  text: string;
  mode: CompletionMode;
}

/** Asks the model. Must stop (and close its connection) as soon as `signal` aborts. */
export type Fetch = (input: FetchInput, signal: AbortSignal) => Promise<FetchResult>;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface EngineOptions {
  fetch: Fetch;
  /** read per request, so a changed setting applies at once */
  debounceMs: () => number;
  maxLines?: number;
  cacheSize?: number;
  timers?: Timers;
  now?: () => number;
  /** how long to stay quiet after this failure (ms); 0 = ask again on the next keystroke */
  pauseAfter?: (error: unknown) => number;
  /** a request starts (true) or ends (false): drives a busy indicator */
  onBusy?: (busy: boolean) => void;
  onSuccess?: () => void;
  onError?: (error: unknown) => void;
}

export interface EngineStats {
  /** requests handed to fetch */
  sent: number;
  /** of those, aborted because a newer keystroke came or the caller cancelled */
  aborted: number;
  failed: number;
  /** answers served from the cache */
  cacheHits: number;
  /** calls that ended before any request (superseded while debouncing, inside a word, paused) */
  skipped: number;
  inFlight: number;
  maxInFlight: number;
}

const DEFAULT_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface Waiting {
  timer: unknown;
  resolve: (go: boolean) => void;
}

interface Running {
  controller: AbortController;
  /** the in-flight count was already decremented for it */
  counted: boolean;
}

export class CompletionEngine {
  readonly stats: EngineStats = { sent: 0, aborted: 0, failed: 0, cacheHits: 0, skipped: 0, inFlight: 0, maxInFlight: 0 };
  private readonly cache: SuggestionCache;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly maxLines: number;
  private generation = 0;
  private waiting?: Waiting;
  private running?: Running;
  private pausedUntil = 0;

  constructor(private readonly opts: EngineOptions) {
    this.cache = new SuggestionCache(opts.cacheSize ?? 64);
    this.timers = opts.timers ?? DEFAULT_TIMERS;
    this.now = opts.now ?? (() => Date.now());
    this.maxLines = opts.maxLines ?? 8;
  }

  /**
   * The suggestion for the cursor, or undefined. A newer call, or `signal`, ends this one at once:
   * its debounce is dropped, its request aborted, and it resolves undefined.
   */
  async complete(req: EngineRequest, signal?: AbortSignal, opts: { immediate?: boolean } = {}): Promise<string | undefined> {
    const gen = ++this.generation;
    this.cancelStale();
    if (signal?.aborted || isInsideWord(req.prefix, req.suffix)) return this.skip();

    const cached = this.cache.get(req);
    if (cached !== undefined) {
      this.stats.cacheHits++;
      return cached || undefined;
    }
    if (this.now() < this.pausedUntil) return this.skip();

    if (!(await this.debounce(opts.immediate ? 0 : this.opts.debounceMs(), signal)) || gen !== this.generation) return this.skip();

    const singleLine = isMidLine(req.suffix);
    const input: FetchInput = { prefix: req.prefix, suffix: req.suffix, path: req.path, languageId: req.languageId, singleLine, maxLines: singleLine ? 1 : this.maxLines };
    const running: Running = { controller: new AbortController(), counted: false };
    const onCancel = () => this.abort(running);
    signal?.addEventListener('abort', onCancel, { once: true });
    this.running = running;
    this.stats.sent++;
    this.stats.inFlight++;
    if (this.stats.inFlight > this.stats.maxInFlight) this.stats.maxInFlight = this.stats.inFlight;
    this.opts.onBusy?.(true);

    let result: FetchResult;
    try {
      result = await this.opts.fetch(input, running.controller.signal);
    } catch (e) {
      if (running.controller.signal.aborted) return undefined;
      this.stats.failed++;
      const pause = this.opts.pauseAfter?.(e) ?? 0;
      if (pause > 0) this.pausedUntil = this.now() + pause;
      this.opts.onError?.(e);
      return undefined;
    } finally {
      signal?.removeEventListener('abort', onCancel);
      this.settle(running);
    }
    if (running.controller.signal.aborted) return undefined;
    this.pausedUntil = 0;
    this.opts.onSuccess?.();
    const suggestion = fitSuggestion(result.text, { prefix: req.prefix, suffix: req.suffix, mode: result.mode, maxLines: input.maxLines });
    this.cache.set(req, suggestion);
    return gen === this.generation ? suggestion || undefined : undefined;
  }

  /** Forget cached suggestions and any pause (a setting or the key changed). */
  reset(): void {
    this.cache.clear();
    this.pausedUntil = 0;
  }

  /** Stop whatever is waiting or running (the feature was turned off). */
  cancel(): void {
    this.generation++;
    this.cancelStale();
  }

  private skip(): undefined {
    this.stats.skipped++;
    return undefined;
  }

  private cancelStale(): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      this.timers.clearTimeout(w.timer);
      w.resolve(false);
    }
    if (this.running) this.abort(this.running);
  }

  private abort(r: Running): void {
    if (r.controller.signal.aborted) return;
    // The client destroys the socket synchronously on abort: from here on it is not in flight.
    r.controller.abort();
    if (!r.counted) this.stats.aborted++;
    this.settle(r);
  }

  private settle(r: Running): void {
    if (this.running === r) this.running = undefined;
    if (r.counted) return;
    r.counted = true;
    this.stats.inFlight--;
    this.opts.onBusy?.(false);
  }

  private debounce(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(!signal?.aborted);
    return new Promise<boolean>((resolve) => {
      const done = (go: boolean) => {
        signal?.removeEventListener('abort', onAbort);
        if (this.waiting === w) this.waiting = undefined;
        resolve(go);
      };
      const onAbort = () => {
        this.timers.clearTimeout(w.timer);
        done(false);
      };
      const w: Waiting = { timer: undefined, resolve: done };
      w.timer = this.timers.setTimeout(() => done(true), ms);
      this.waiting = w;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
