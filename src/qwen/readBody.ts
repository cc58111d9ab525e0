// Reading a response body whole, up to a cap: error pages, JSON answers, and bodies that claimed to
// be a stream but were not.
import type { IncomingMessage } from 'node:http';

/** Error bodies are short; a proxy's HTML page may not be. We read this much and no more. */
export const MAX_ERROR_BODY = 256 * 1024;
export const MAX_JSON_BODY = 64 * 1024 * 1024;

export function readBody(res: IncomingMessage, limit: number): Promise<string> {
  return readRest(res, undefined, limit);
}

/** The rest of a body whose first chunk was already taken off it. Past `limit`, the text is cut there. */
export function readRest(res: IncomingMessage, first: Buffer | undefined, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = first ? [first] : [];
    let size = first?.length ?? 0;
    let done = false;
    res.on('data', (b: Buffer) => {
      if (done) return;
      size += b.length;
      if (size > limit) {
        // Enough to classify it; stop reading.
        done = true;
        parts.push(b);
        res.destroy();
        resolve(Buffer.concat(parts).toString('utf8', 0, limit));
        return;
      }
      parts.push(b);
    });
    res.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(parts).toString('utf8'));
    });
    res.on('error', (e) => {
      if (done) return;
      done = true;
      reject(e);
    });
    res.on('aborted', () => {
      if (done) return;
      done = true;
      reject(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
    });
    res.resume();
  });
}
