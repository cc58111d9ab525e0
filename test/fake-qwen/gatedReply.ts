// A reply that stops partway: it streams `text` as DashScope would and holds the rest once the
// content sent so far includes `hold`, until the test calls `release`. The test then looks at (or
// types into) the document mid-stream with no race against the stream. Shared by the integration
// and e2e suites of the editor edits.
import { dashscopeStream, splitEvents } from './sse';
import type { FakeQwen } from './server';

export interface Gated {
  /** resolves once `hold` has been sent and the stream is holding */
  reached: Promise<void>;
  release: () => void;
}

export function gatedReply(server: FakeQwen, text: string, hold: string, opts: { pauseMs?: number; times?: number } = {}): Gated {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let onReached!: () => void;
  const reached = new Promise<void>((r) => (onReached = r));
  server.setScenario(
    async (ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      let sent = '';
      let held = false;
      for (const ev of splitEvents(dashscopeStream(ctx.model, text))) {
        if (ctx.clientClosed) return;
        ctx.res.write(ev);
        const data = ev.startsWith('data: {') ? (JSON.parse(ev.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }) : undefined;
        sent += data?.choices?.[0]?.delta?.content ?? '';
        if (!held && sent.includes(hold)) {
          held = true;
          onReached();
          await gate;
        }
        if (opts.pauseMs) await ctx.sleep(opts.pauseMs);
      }
      ctx.res.end();
    },
    opts.times === undefined ? undefined : { times: opts.times },
  );
  return { reached, release };
}
