// The engine on a manual clock with a fetch the test answers by hand: debounce, abort of every stale
// request, at most one in flight, the cache, and a quiet pause after failures.
import * as assert from 'node:assert/strict';
import { CompletionEngine, type EngineOptions, type EngineRequest, type Fetch, type FetchInput, type Timers } from '../../../src/completions/engine';

class ManualClock implements Timers {
  t = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.timers.delete(h as number);
  }
  get pending(): number {
    return this.timers.size;
  }
  /** Moves time on, firing due timers in order, letting promise callbacks run in between. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

interface Call {
  input: FetchInput;
  signal: AbortSignal;
  resolve(text: string): void;
  reject(e: unknown): void;
}

function setup(extra: Partial<EngineOptions> = {}) {
  const clock = new ManualClock();
  const calls: Call[] = [];
  const fetch: Fetch = (input, signal) =>
    new Promise((resolve, reject) => {
      calls.push({ input, signal, resolve: (text) => resolve({ text, mode: 'fim' }), reject });
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  const engine = new CompletionEngine({ fetch, debounceMs: () => 150, timers: clock, now: () => clock.t, ...extra });
  return { clock, calls, engine };
}

function req(doc: string, docKey = 'file:///a.ts'): EngineRequest {
  const i = doc.indexOf('|');
  return { docKey, offset: i, prefix: doc.slice(0, i), suffix: doc.slice(i + 1), path: 'a.ts', languageId: 'typescript' };
}

/** Types `text` one character at a time at the `|` of doc, `ms` apart; returns every call's promise. */
async function type(engine: CompletionEngine, clock: ManualClock, doc: string, text: string, ms: number): Promise<Promise<string | undefined>[]> {
  const out: Promise<string | undefined>[] = [];
  let d = doc;
  for (const ch of text) {
    d = d.replace('|', `${ch}|`);
    out.push(engine.complete(req(d)));
    await clock.advance(ms);
  }
  return out;
}

describe('completions: engine', () => {
  it('waits for the debounce, then asks once and returns the fitted suggestion', async () => {
    const { clock, calls, engine } = setup();
    const p = engine.complete(req('const x = |\n'));
    await clock.advance(149);
    assert.equal(calls.length, 0, 'nothing before the debounce');
    await clock.advance(1);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.input.prefix, 'const x = ');
    assert.equal(calls[0]!.input.singleLine, false);
    calls[0]!.resolve('42;\n\n');
    assert.equal(await p, '42;');
    assert.equal(engine.stats.sent, 1);
  });

  it('typing faster than the debounce sends nothing until the pause', async () => {
    const { clock, calls, engine } = setup();
    const results = await type(engine, clock, 'let s = |\n', 'hello', 100);
    assert.equal(calls.length, 0);
    await clock.advance(50);
    assert.equal(calls.length, 1, 'one request after the pause');
    assert.equal(calls[0]!.input.prefix, 'let s = hello');
    calls[0]!.resolve(' world;');
    const values = await Promise.all(results);
    assert.deepEqual(values, [undefined, undefined, undefined, undefined, ' world;']);
  });

  it('a keystroke aborts the request in flight at once: never two in flight', async () => {
    const { clock, calls, engine } = setup();
    const first = engine.complete(req('a|'));
    await clock.advance(150);
    assert.equal(calls.length, 1);
    assert.equal(engine.stats.inFlight, 1);
    const second = engine.complete(req('ab|'));
    assert.equal(calls[0]!.signal.aborted, true, 'aborted synchronously by the newer call');
    assert.equal(engine.stats.inFlight, 0);
    assert.equal(await first, undefined);
    await clock.advance(150);
    assert.equal(calls.length, 2);
    assert.equal(engine.stats.maxInFlight, 1);
    calls[1]!.resolve('c');
    assert.equal(await second, 'c');
    assert.deepEqual({ sent: engine.stats.sent, aborted: engine.stats.aborted }, { sent: 2, aborted: 1 });
  });

  it("the caller's cancellation aborts the request, and a cancelled debounce sends nothing", async () => {
    const { clock, calls, engine } = setup();
    const ac = new AbortController();
    const p = engine.complete(req('a|'), ac.signal);
    ac.abort();
    await clock.advance(500);
    assert.equal(await p, undefined);
    assert.equal(calls.length, 0);
    assert.equal(clock.pending, 0, 'the debounce timer was cleared');

    const ac2 = new AbortController();
    const p2 = engine.complete(req('b|'), ac2.signal);
    await clock.advance(150);
    assert.equal(calls.length, 1);
    ac2.abort();
    assert.equal(calls[0]!.signal.aborted, true);
    assert.equal(await p2, undefined);
    assert.equal(engine.stats.aborted, 1);
  });

  it('an explicit request skips the debounce', async () => {
    const { calls, engine } = setup();
    const p = engine.complete(req('x = |'), undefined, { immediate: true });
    await flush();
    assert.equal(calls.length, 1);
    calls[0]!.resolve('1');
    assert.equal(await p, '1');
  });

  it('retyping the same prefix, or typing the suggestion itself, costs no request', async () => {
    const { clock, calls, engine } = setup();
    const p = engine.complete(req('const total = |\n'));
    await clock.advance(150);
    calls[0]!.resolve('sum(values);');
    assert.equal(await p, 'sum(values);');
    // backspace + retype
    assert.equal(await engine.complete(req('const total = |\n')), 'sum(values);');
    // type the start of the suggestion
    assert.equal(await engine.complete(req('const total = su|\n')), 'm(values);');
    assert.equal(await engine.complete(req('const total = sum(|\n')), 'values);');
    assert.equal(calls.length, 1);
    assert.equal(engine.stats.cacheHits, 3);
  });

  it('an empty answer is remembered too', async () => {
    const { clock, calls, engine } = setup();
    const p = engine.complete(req('}|\n'));
    await clock.advance(150);
    calls[0]!.resolve('   ');
    assert.equal(await p, undefined);
    assert.equal(await engine.complete(req('}|\n')), undefined);
    await clock.advance(1000);
    assert.equal(calls.length, 1);
  });

  it('inside a word it does not ask', async () => {
    const { clock, calls, engine } = setup();
    assert.equal(await Promise.race([engine.complete(req('fo|o')), clock.advance(1000).then(() => 'timeout')]), undefined);
    assert.equal(calls.length, 0);
  });

  it('mid-line it asks for one line', async () => {
    const { clock, calls, engine } = setup();
    const p = engine.complete(req('f(|)\n'));
    await clock.advance(150);
    assert.equal(calls[0]!.input.singleLine, true);
    assert.equal(calls[0]!.input.maxLines, 1);
    calls[0]!.resolve('a, b)\nmore');
    assert.equal(await p, 'a, b');
  });

  it('after a failure: one onError, then quiet for the pause, then asks again', async () => {
    const errors: unknown[] = [];
    const { clock, calls, engine } = setup({ pauseAfter: () => 5000, onError: (e) => errors.push(e) });
    const p = engine.complete(req('a = |'));
    await clock.advance(150);
    calls[0]!.reject(new Error('401'));
    assert.equal(await p, undefined);
    assert.equal(errors.length, 1);
    await type(engine, clock, 'a = |', 'bcdef', 200);
    assert.equal(calls.length, 1, 'no request while paused');
    await clock.advance(5000);
    const again = engine.complete(req('a = bcdefg|'));
    await clock.advance(150);
    assert.equal(calls.length, 2);
    calls[1]!.resolve('1');
    assert.equal(await again, '1');
    assert.equal(engine.stats.failed, 1);
  });

  it('reports busy while a request runs, and cancel() stops everything', async () => {
    const busy: boolean[] = [];
    const { clock, calls, engine } = setup({ onBusy: (b) => busy.push(b) });
    const p = engine.complete(req('a|'));
    await clock.advance(150);
    assert.deepEqual(busy, [true]);
    engine.cancel();
    assert.equal(calls[0]!.signal.aborted, true);
    assert.deepEqual(busy, [true, false]);
    assert.equal(await p, undefined);
  });

  it('typing 200 characters at 10 per second with word pauses: at most one request in flight', async () => {
    const { clock, calls, engine } = setup();
    let doc = '|';
    const line = 'const result = values.filter((v) => v > 0).map((v) => v * 2).reduce((a, b) => a + b, 0); '.repeat(3).slice(0, 200);
    let maxOpen = 0;
    for (const ch of line) {
      doc = doc.replace('|', `${ch}|`);
      void engine.complete(req(doc));
      // none is ever answered here: every request not aborted is still open
      const open = calls.filter((c) => !c.signal.aborted).length;
      maxOpen = Math.max(maxOpen, open);
      // a word pause after spaces lets the debounce fire; the model takes 300 ms to answer
      await clock.advance(ch === ' ' ? 250 : 60);
    }
    assert.ok(calls.length > 5, `requests were made during pauses (${calls.length})`);
    assert.equal(engine.stats.maxInFlight, 1);
    assert.ok(maxOpen <= 1);
    assert.equal(engine.stats.aborted, calls.filter((c) => c.signal.aborted).length);
  });
});
