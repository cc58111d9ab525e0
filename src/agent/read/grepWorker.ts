// The worker thread grep_search's regex runs in (bundled on its own as out/grepWorker.js): the
// model writes the pattern, and one that backtracks catastrophically ((a+)+$ on a long line) runs
// for minutes; in the extension host's own thread that would freeze every extension.
// Messages in: { source, flags } once, then { text, keep } per file; out: matchLines' answer.
import { parentPort } from 'node:worker_threads';
import { matchLines } from './grep';

let re: RegExp | undefined;
parentPort?.on('message', (m: { source?: string; flags?: string; text?: string; keep?: number }) => {
  if (m.source !== undefined) {
    re = new RegExp(m.source, m.flags);
    return;
  }
  parentPort!.postMessage(matchLines(m.text ?? '', re!, m.keep ?? 0));
});
