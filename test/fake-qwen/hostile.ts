// Scenarios of a hostile or broken server: the ones a client must survive without unbounded memory
// or an endless wait. Big bodies are generated piece by piece as they are written (the server's
// write waits for the socket to drain), so even a 200 MB delta never sits in the server's memory.
import type { Scenario } from './scenarios';
import { contentChunk, DONE, event, finishChunk, firstChunk, newEnvelope, usageChunk } from './sse';

const PIECE = '0123456789abcdef'.repeat(4096); // 64 KB of plain ASCII: no escaping, bytes = characters

export const BEFORE_ENDLESS_LINE = 'Before the endless line.';
export const BEFORE_HUGE_DELTA = 'Before the huge delta.';

/** `bytes` of text in PIECE-sized slices. */
function* filler(bytes: number): Generator<string, void, void> {
  for (let left = bytes; left > 0; left -= PIECE.length) yield left >= PIECE.length ? PIECE : PIECE.slice(0, left);
}

function* endlessLine(model: string, mb: number): Generator<string, void, void> {
  const env = newEnvelope(model);
  yield event(firstChunk(env));
  yield event(contentChunk(env, BEFORE_ENDLESS_LINE));
  yield 'data: {"choices":[{"delta":{"content":"';
  // Until the client hangs up (the server stops writing then), or `mb` when given.
  yield* filler(mb > 0 ? mb * 1024 * 1024 : Infinity);
}

function* hugeDelta(model: string, mb: number): Generator<string, void, void> {
  const env = newEnvelope(model);
  yield event(firstChunk(env));
  yield event(contentChunk(env, BEFORE_HUGE_DELTA));
  // One content chunk, written as its head, the text in pieces, and its tail.
  const [head, tail] = contentChunk(env, '\u0000').split('\\u0000') as [string, string];
  yield `data: ${head}`;
  yield* filler(mb * 1024 * 1024);
  yield `${tail}\n\n`;
  yield event(finishChunk(env));
  yield event(usageChunk(env, 100, mb * 256 * 1024));
  yield DONE;
}

export const HOSTILE_SCENARIOS: Record<string, Scenario> = {
  'endless-line': {
    description: 'one event, then a `data:` line that never ends (param mb= to stop after that many MB)',
    run: (ctx) => ctx.sse(endlessLine(ctx.model, Number(ctx.params.get('mb') ?? 0))),
  },
  'huge-delta': {
    description: 'one event, then a single content delta of 200 MB (param mb=), generated as it is written, then finish and [DONE]',
    run: (ctx) => ctx.sse(hugeDelta(ctx.model, Number(ctx.params.get('mb') ?? 200))),
  },
  'stall-error-body': {
    description: 'sends the headers of an error (HTTP 500 JSON, param status=) and then nothing, with the connection open',
    run: (ctx) => {
      ctx.res.writeHead(Number(ctx.params.get('status') ?? 500), { 'content-type': 'application/json' });
      ctx.res.flushHeaders();
      return ctx.waitForClose();
    },
  },
  'stall-json-body': {
    description: 'ignores stream:true: sends 200 application/json headers and then nothing, with the connection open',
    run: (ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'application/json' });
      ctx.res.flushHeaders();
      return ctx.waitForClose();
    },
  },
  'comments-only': {
    description: 'a 200 event stream that sends only `: keep-alive` comments (every 1000 ms, param every=) and never an event',
    run: async (ctx) => {
      ctx.res.writeHead(200, { 'content-type': 'text/event-stream;charset=UTF-8', 'cache-control': 'no-cache' });
      const every = Number(ctx.params.get('every') ?? 1000);
      while (!ctx.clientClosed && !ctx.res.destroyed) {
        ctx.res.write(': keep-alive\n\n');
        await ctx.sleep(every);
      }
    },
  },
};
