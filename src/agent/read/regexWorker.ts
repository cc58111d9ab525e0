// The host's side of grep_search's worker thread (grepWorker.ts): each file's text goes to the
// worker with a deadline, and a worker still matching at the deadline is terminated, so a model's
// catastrophically backtracking pattern costs the search, never the extension host.
import { Worker } from 'node:worker_threads';
import type { LineMatches } from './grep';

export type WorkerAnswer = LineMatches | { timedOut: true } | { stopped: true } | { error: string };

export class RegexWorker {
  private readonly worker: Worker;
  private failure: string | undefined;

  /** `file`: the worker's bundle (out/grepWorker.js). */
  constructor(file: string, re: RegExp) {
    this.worker = new Worker(file);
    // Unref'd: a search that is never finished must not keep a process (a test's) alive.
    this.worker.unref();
    this.worker.on('error', (e) => (this.failure = e.message));
    this.worker.postMessage({ source: re.source, flags: re.flags });
  }

  /** Matches one text; `keep` matching lines are located, all are counted. */
  match(text: string, keep: number, timeoutMs: number, signal: AbortSignal): Promise<WorkerAnswer> {
    if (this.failure) return Promise.resolve({ error: this.failure });
    return new Promise((resolve) => {
      const done = (answer: WorkerAnswer) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.worker.off('message', onMessage);
        this.worker.off('error', onError);
        resolve(answer);
      };
      const onMessage = (m: LineMatches) => done(m);
      const onError = (e: Error) => done({ error: e.message });
      const onAbort = () => {
        void this.worker.terminate();
        done({ stopped: true });
      };
      const timer = setTimeout(() => {
        void this.worker.terminate();
        done({ timedOut: true });
      }, timeoutMs);
      this.worker.on('message', onMessage);
      this.worker.on('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
      this.worker.postMessage({ text, keep });
    });
  }

  dispose(): void {
    void this.worker.terminate();
  }
}
