// Shared by the client's unit tests: one fake server per file, a client pointed at it, and a
// collector that records events exactly as the caller would see them.
import * as assert from 'node:assert/strict';
import { QwenClient, QwenError, type ChatRequest, type ChatResult, type ClientConfig, type StreamEvent } from '../../../src/qwen';
import { startFakeQwen, type FakeQwen, type FakeQwenOptions } from '../../fake-qwen/server';

export const KEY = 'sk-test-0123456789abcdef';

export function useFakeQwen(opts: FakeQwenOptions = {}): { server: FakeQwen } {
  const holder = {} as { server: FakeQwen };
  before(async () => {
    holder.server = await startFakeQwen(opts);
  });
  beforeEach(() => holder.server.reset());
  after(async () => {
    await holder.server.close();
  });
  return holder;
}

export function clientFor(server: FakeQwen, config: Partial<ClientConfig> = {}): QwenClient {
  return new QwenClient({
    provider: 'dashscope-intl',
    baseUrl: server.url,
    apiKey: KEY,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 2000,
    firstByteTimeoutMs: 5000,
    idleTimeoutMs: 5000,
    ...config,
  });
}

export function ask(text: string, model = 'qwen3-coder-plus', extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model, messages: [{ role: 'user', content: text }], ...extra };
}

export interface Run {
  events: StreamEvent[];
  result?: ChatResult;
  error?: QwenError;
}

/** Streams one request and keeps everything the caller would see. */
export async function run(client: QwenClient, req: ChatRequest, opts: { signal?: AbortSignal; onEvent?: (e: StreamEvent) => void } = {}): Promise<Run> {
  const events: StreamEvent[] = [];
  try {
    const result = await client.streamChat(req, {
      signal: opts.signal,
      onEvent: (e) => {
        events.push(e);
        opts.onEvent?.(e);
      },
    });
    return { events, result };
  } catch (e) {
    if (!(e instanceof QwenError)) throw e;
    return { events, error: e };
  }
}

export function textOf(events: StreamEvent[], type: 'text' | 'reasoning' = 'text'): string {
  return events.filter((e) => e.type === type).map((e) => (e as { text: string }).text).join('');
}

/** Event types in order with runs of the same type collapsed: ['reasoning', 'text', 'finish', 'usage']. */
export function shape(events: StreamEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) if (out[out.length - 1] !== e.type) out.push(e.type);
  return out;
}

/** Ends a request that would otherwise hang, so a missing limit fails the test instead of blocking it. */
export const guard = (ms: number): AbortSignal => AbortSignal.timeout(ms);

/** One sentence a user can read, never the key. */
export function assertOneSentence(message: string): void {
  assert.ok(message.length > 20 && message.length < 400, `reasonable length: ${message}`);
  assert.match(message, /[.!]$/, 'ends like a sentence');
  assert.equal(message.split(/[.!?] [A-Z]/).length, 1, `one sentence: ${message}`);
  assert.ok(!message.includes(KEY), 'never the key');
}
