// Raw text completion, `POST {base}/completions`, for fill-in-the-middle prompts: DashScope's
// qwen-coder-turbo / qwen2.5-coder (Beijing), and Qwen coder models on vLLM, Ollama or LM Studio.
//
// It goes through the QwenClient's own transport (keep-alive agents, proxy, TLS options, retries,
// timeouts, abort, key scrubbing, error classification) by calling its internals read-only, so a
// FIM request fails and cancels exactly as a chat request does. client.ts is not changed for this;
// if its internals are renamed, `internals()` says so at once (and the unit tests fail).
import type { QwenClient } from './client';
import { errorFromStream, QwenError, type ErrorContext } from './errors';
import { usageFromWire } from './stream';
import type { FinishReason, Usage } from './types';

export interface FimRequest {
  model: string;
  /** the whole prompt, FIM tokens included */
  prompt: string;
  maxTokens: number;
  temperature?: number;
  topP?: number;
  /** at most 4 are sent (the OpenAI limit many servers keep) */
  stop?: string[];
}

export interface FimResult {
  text: string;
  finishReason?: FinishReason;
  usage?: Usage;
  model?: string;
}

interface Attempt {
  url: URL;
  method: 'POST';
  body: string;
  accept: string;
  headerTimeoutMs: number;
  signal?: AbortSignal;
  ctx: ErrorContext;
}

/** The parts of QwenClient this file uses; private there, hence looked up and checked here. */
interface ClientInternals {
  cfg: { firstByteTimeoutMs: number; requestTimeoutMs: number };
  baseUrl(): string;
  checkKey(): void;
  errorContext(url: URL, model: string): ErrorContext;
  withRetries<T>(signal: AbortSignal | undefined, ctx: ErrorContext, run: (attempt: number) => Promise<T>): Promise<T>;
  requestText(a: Attempt): Promise<string>;
}

function internals(client: QwenClient): ClientInternals {
  const c = client as unknown as Partial<ClientInternals>;
  for (const name of ['baseUrl', 'checkKey', 'errorContext', 'withRetries', 'requestText'] as const) {
    if (typeof c[name] !== 'function') throw new Error(`QwenClient.${name} is gone: src/qwen/fim.ts must follow the client's internals`);
  }
  if (typeof c.cfg?.firstByteTimeoutMs !== 'number') throw new Error('QwenClient.cfg is gone: src/qwen/fim.ts must follow the client');
  return c as ClientInternals;
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

/** One FIM completion, not streamed: the answer is short (a few lines) and wanted whole. */
export async function completeFim(client: QwenClient, req: FimRequest, opts: { signal?: AbortSignal } = {}): Promise<FimResult> {
  const c = internals(client);
  c.checkKey();
  const url = new URL(`${c.baseUrl()}/completions`);
  const ctx = c.errorContext(url, req.model);
  const body: Record<string, unknown> = {
    model: req.model,
    prompt: req.prompt,
    max_tokens: Math.max(1, Math.floor(req.maxTokens)),
    stream: false,
  };
  if (req.temperature !== undefined) body.temperature = clamp(req.temperature, 0, 1.99);
  if (req.topP !== undefined) body.top_p = clamp(req.topP, 0.01, 1);
  if (req.stop?.length) body.stop = req.stop.slice(0, 4);
  const json = JSON.stringify(body);
  // The server writes headers only after the whole (short) answer: the first-byte timeout fits.
  const headerTimeoutMs = c.cfg.firstByteTimeoutMs;
  const text = await c.withRetries(opts.signal, ctx, () => c.requestText({ url, method: 'POST', body: json, accept: 'application/json', headerTimeoutMs, signal: opts.signal, ctx }));
  return parseFim(text, ctx);
}

/** A text_completion body: `choices[0].text`; an `error` object inside a 200 is a failure. Untrusted. */
export function parseFim(text: string, ctx: ErrorContext): FimResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid('bad-json', ctx);
  }
  if (typeof json !== 'object' || json === null) throw invalid('bad-completion', ctx);
  const o = json as { error?: unknown; choices?: unknown; usage?: unknown; model?: unknown };
  if (o.error && typeof o.error === 'object') throw errorFromStream(o.error as { code?: unknown; message?: unknown }, undefined, ctx);
  if (!Array.isArray(o.choices)) throw invalid('no-choices', ctx);
  const choice = (o.choices as { index?: unknown; text?: unknown; finish_reason?: unknown }[]).find((ch) => ch && typeof ch === 'object' && (ch.index ?? 0) === 0);
  if (!choice || (choice.text !== null && choice.text !== undefined && typeof choice.text !== 'string')) throw invalid('no-choices', ctx);
  const result: FimResult = { text: typeof choice.text === 'string' ? choice.text : '' };
  if (typeof choice.finish_reason === 'string') result.finishReason = choice.finish_reason;
  if (o.usage && typeof o.usage === 'object') {
    const usage = usageFromWire(o.usage as Parameters<typeof usageFromWire>[0], undefined);
    if (usage) result.usage = usage;
  }
  if (typeof o.model === 'string') result.model = o.model;
  return result;
}

function invalid(code: string, ctx: ErrorContext): QwenError {
  return new QwenError({ kind: 'invalid-response', code, provider: ctx.provider, providerLabel: ctx.providerLabel, host: ctx.host, model: ctx.model || undefined, proxy: ctx.proxy });
}
