// One attempt whose whole body is wanted as text: a non-streaming chat, the model list, a FIM
// completion. Settles exactly once (finish), whatever comes first: the body, an error, a timeout
// or the caller's abort.
import { abortedError, classifySocketError, firstByteTimeout, idleTimeout, type Attempt, type OpenRequest } from './attempt';
import { errorFromResponse } from './errors';
import { MAX_ERROR_BODY, MAX_JSON_BODY, readBody } from './readBody';
import { markStale } from './retry';

export function requestText(open: OpenRequest, a: Attempt, idleTimeoutMs: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const { signal, ctx } = a;
    if (signal?.aborted) {
      reject(abortedError(ctx));
      return;
    }
    let settled = false;
    const req = open(a);
    const finish = (err: unknown, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(text!);
    };
    const onAbort = () => finish(abortedError(ctx));
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(firstByteTimeout(a.headerTimeoutMs, ctx)), a.headerTimeoutMs);
    req.on('error', (err) => finish(markStale(classifySocketError(err, ctx, false), req, true)));
    req.on('response', (res) => {
      clearTimeout(timer);
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 300 && !/html/i.test(String(res.headers['content-type'] ?? ''));
      // The idle timeout also guards a body that stops arriving.
      const idle = setTimeout(() => finish(idleTimeout(idleTimeoutMs, ctx)), idleTimeoutMs);
      res.on('data', () => idle.refresh());
      readBody(res, ok ? MAX_JSON_BODY : MAX_ERROR_BODY).then(
        (text) => {
          clearTimeout(idle);
          if (ok && !/^\s*</.test(text)) finish(undefined, text);
          else finish(errorFromResponse(status, ok ? { ...res.headers, 'content-type': 'text/html' } : res.headers, text, ctx));
        },
        (e) => {
          clearTimeout(idle);
          finish(classifySocketError(e, ctx, false, 'dropped'));
        },
      );
    });
  });
}
