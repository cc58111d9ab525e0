// The Qwen client: requests with retries, timeouts, abort and proxy; streaming and non-streaming.
// Nothing here knows about VS Code; the glue builds a ClientConfig from settings and secrets.
import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { getModelInfo, type ModelInfo } from './catalog';
import { IdleWatch } from './idleWatch';
import { errorFromNetwork, errorFromResponse, errorFromStream, QwenError, type ErrorContext } from './errors';
import { DETAILS } from './messages';
import { BaseUrlError, PROVIDERS, resolveBaseUrl, type ProviderPreset } from './providers';
import { buildRequestBody, isThinkingNonStreamRejection, isToolsStreamRejection, type WireRequest } from './request';
import { backoffDelay } from './retry';
import { CompletionSchema, ModelListSchema, type Completion } from './schema';
import { ChatStreamDecoder, emptyResult, usageFromWire } from './stream';
import { scrub } from './scrub';
import { chooseProxy, send, tunnelAgent, type ProxyChoice } from './transport';
import type { ChatRequest, ChatResult, ClientConfig, StreamEvent, StreamOptions, ToolCall } from './types';

/** Longest stretch of stream parsing before yielding to the event loop (keeps the host responsive). */
const YIELD_AFTER_MS = 6;
/** Bytes between looks at the clock: well under a millisecond of parsing, so a burst yields after 6-7 ms. */
const YIELD_CHECK_BYTES = 8 * 1024;

const DEFAULTS = {
  maxRetries: 3,
  firstByteTimeoutMs: 60_000,
  idleTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 30_000,
};

/** Error bodies are short; a proxy's HTML page may not be. We read this much and no more. */
const MAX_ERROR_BODY = 256 * 1024;
const MAX_JSON_BODY = 64 * 1024 * 1024;

type Logger = NonNullable<ClientConfig['log']>;

/** Internal: a 400 that asks us to use the other mode (tools without stream, thinking models with stream). */
class ModeRejection extends Error {
  constructor(readonly want: 'non-stream' | 'stream') {
    super(want);
  }
}

interface Attempt {
  url: URL;
  method: 'GET' | 'POST';
  body?: string;
  accept: string;
  /** ms to wait for response headers */
  headerTimeoutMs: number;
  signal?: AbortSignal;
  ctx: ErrorContext;
}

export class QwenClient {
  readonly preset: ProviderPreset;
  private readonly cfg: ClientConfig & typeof DEFAULTS;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly proxyAgents = new Map<string, http.Agent>();
  private readonly log: Logger;

  constructor(config: ClientConfig) {
    this.cfg = { ...DEFAULTS, ...stripUndefined(config) } as ClientConfig & typeof DEFAULTS;
    this.preset = PROVIDERS[config.provider] ?? PROVIDERS.custom;
    // Keep-alive: a second request to DashScope skips the TCP and TLS handshakes (~hundreds of ms).
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      rejectUnauthorized: config.strictSSL !== false,
      ...(config.ca ? { ca: config.ca } : {}),
    });
    const sink = config.log;
    const secrets = [config.apiKey];
    // The key never reaches a log line, even inside text a server echoed.
    this.log = sink ? (level, message) => sink(level, scrub(message, secrets)) : () => {};
  }

  /** Stops keeping connections: idle ones close now, busy ones once their answer has ended. */
  retire(): void {
    for (const agent of [this.httpAgent, this.httpsAgent, ...this.proxyAgents.values()]) {
      // http.Agent reads `keepAlive` when a socket is freed: false destroys it instead of pooling it.
      (agent as unknown as { keepAlive: boolean }).keepAlive = false;
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    }
  }

  /** Closes every connection, busy or idle. */
  dispose(): void {
    for (const agent of this.proxyAgents.values()) agent.destroy();
    this.proxyAgents.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * Streams one answer. Events arrive synchronously through opts.onEvent, in order, never after
   * abort or settle. Resolves with everything that arrived; rejects with a QwenError whose
   * `partial` holds what arrived when anything had.
   */
  async streamChat(req: ChatRequest, opts: StreamOptions = {}): Promise<ChatResult> {
    const model = await this.resolveModel(req.model, opts.signal);
    const request = model === req.model ? req : { ...req, model };
    const info = getModelInfo(model);
    try {
      const result = await this.streamWithRetries(request, info, opts);
      result.requestedModel = model;
      return result;
    } catch (e) {
      if (e instanceof ModeRejection && e.want === 'non-stream') {
        this.log('info', 'the server refused tools with stream; asking again without streaming');
        let result: ChatResult;
        try {
          result = await this.completeWithRetries(request, info, opts.signal);
        } catch (inner) {
          // Neither mode is accepted (a thinking-only model with tools on an old endpoint).
          if (inner instanceof ModeRejection) throw new QwenError({ kind: 'bad-parameter', serverMessage: DETAILS.toolsNeedNonStream, provider: this.preset.id, providerLabel: this.preset.label, model });
          throw inner;
        }
        replayAsEvents(result, opts);
        result.requestedModel = model;
        return result;
      }
      throw e;
    }
  }

  /**
   * One answer without streaming. Models that only stream (QwQ) or think unless told otherwise are
   * streamed and collected, since DashScope refuses them (or thinking) on non-streaming calls.
   */
  async chat(req: ChatRequest, opts: { signal?: AbortSignal } = {}): Promise<ChatResult> {
    const model = await this.resolveModel(req.model, opts.signal);
    const request = model === req.model ? req : { ...req, model };
    const info = getModelInfo(model);
    if (info.streamOnly || info.thinkingByDefault) return this.streamWithRetries(request, info, { signal: opts.signal });
    try {
      return await this.completeWithRetries(request, info, opts.signal);
    } catch (e) {
      if (e instanceof ModeRejection) {
        this.log('info', 'the server wants streaming for this model; streaming and collecting');
        return this.streamWithRetries(request, info, { signal: opts.signal });
      }
      throw e;
    }
  }

  /** GET {base}/models: what a custom server (vLLM, Ollama, LM Studio) serves. */
  async listModels(opts: { signal?: AbortSignal } = {}): Promise<string[]> {
    const base = this.baseUrl();
    const url = new URL(`${base}/models`);
    const ctx = this.errorContext(url, '');
    const text = await this.withRetries(opts.signal, ctx, () =>
      this.requestText({ url, method: 'GET', accept: 'application/json', headerTimeoutMs: this.cfg.firstByteTimeoutMs, signal: opts.signal, ctx }),
    );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new QwenError({ kind: 'invalid-response', code: 'bad-json', ...ctxFields(ctx) });
    }
    const parsed = ModelListSchema.safeParse(json);
    if (!parsed.success) throw new QwenError({ kind: 'invalid-response', code: 'bad-model-list', ...ctxFields(ctx) });
    return parsed.data.data.map((m) => m.id);
  }

  // --- internals -------------------------------------------------------------------------

  private baseUrl(): string {
    try {
      return resolveBaseUrl(this.cfg);
    } catch (e) {
      const msg = e instanceof BaseUrlError ? e.message : String(e);
      const code = e instanceof BaseUrlError ? `base-url-${e.reason}` : 'base-url';
      throw new QwenError({ kind: 'config', code, serverMessage: msg, actions: code === 'base-url-credentials' ? ['openSettings', 'setApiKey'] : ['openSettings'], provider: this.preset.id, providerLabel: this.preset.label });
    }
  }

  /** '' means "the server's first model" for custom servers, which often serve exactly one. */
  private async resolveModel(model: string, signal?: AbortSignal): Promise<string> {
    this.checkKey();
    if (model) return model;
    if (this.preset.defaultModel) return this.preset.defaultModel;
    const ids = await this.listModels({ signal });
    if (ids.length === 0) {
      throw new QwenError({ kind: 'config', code: 'no-model', serverMessage: DETAILS.noModel, actions: ['selectModel'], provider: this.preset.id, providerLabel: this.preset.label });
    }
    return ids[0]!;
  }

  private checkKey(): void {
    if (this.preset.requiresKey && !this.cfg.apiKey) {
      throw new QwenError({ kind: 'missing-key', actions: ['setApiKey'], provider: this.preset.id, providerLabel: this.preset.label });
    }
  }

  private errorContext(url: URL, model: string): ErrorContext {
    const proxy = chooseProxy(url, this.cfg);
    return {
      provider: this.preset.id,
      providerLabel: this.cfg.baseUrl || this.preset.id === 'custom' ? undefined : this.preset.label,
      host: url.host,
      model,
      proxy: proxy?.display,
      secrets: [this.cfg.apiKey],
    };
  }

  private headers(accept: string, hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = { accept };
    if (hasBody) h['content-type'] = 'application/json';
    if (this.cfg.apiKey) h.authorization = `Bearer ${this.cfg.apiKey}`;
    if (this.cfg.userAgent) h['user-agent'] = this.cfg.userAgent;
    return h;
  }

  /** One tunnelling agent per proxy, kept alive like the direct ones: one CONNECT serves many requests. */
  private proxyAgent(proxy: ProxyChoice): http.Agent {
    const key = proxy.url.href;
    let agent = this.proxyAgents.get(key);
    if (!agent) {
      agent = tunnelAgent(proxy, { rejectUnauthorized: this.cfg.strictSSL !== false, ca: this.cfg.ca });
      this.proxyAgents.set(key, agent);
    }
    return agent;
  }

  private open(a: Attempt): { req: http.ClientRequest; proxy?: ProxyChoice } {
    const proxy = chooseProxy(a.url, this.cfg);
    const secure = a.url.protocol === 'https:';
    this.log('debug', `${a.method} ${a.url.toString()}${proxy ? ` via ${proxy.display}` : ''} (Authorization: ${this.cfg.apiKey ? 'Bearer ***' : 'none'})`);
    const req = send({
      method: a.method,
      url: a.url,
      headers: this.headers(a.accept, a.body !== undefined),
      body: a.body,
      proxy,
      agent: proxy && secure ? this.proxyAgent(proxy) : secure ? this.httpsAgent : this.httpAgent,
      rejectUnauthorized: this.cfg.strictSSL !== false,
      ca: this.cfg.ca,
    });
    return { req, proxy };
  }

  private async withRetries<T>(signal: AbortSignal | undefined, ctx: ErrorContext, run: (attempt: number) => Promise<T>): Promise<T> {
    let staleRetried = false;
    for (let attempt = 0; ; attempt++) {
      try {
        return await run(attempt);
      } catch (e) {
        if (!(e instanceof QwenError)) throw e;
        e.attempts = attempt + 1;
        if (STALE.has(e) && !staleRetried && !signal?.aborted) {
          // The server closed a kept-alive socket just as we reused it: not a failure, try again now.
          staleRetried = true;
          attempt--;
          continue;
        }
        const delay = e.retryable && !e.partial && attempt < this.cfg.maxRetries && !signal?.aborted ? backoffDelay(attempt, e.retryAfterMs, { baseMs: this.cfg.retryBaseDelayMs, maxMs: this.cfg.retryMaxDelayMs }) : undefined;
        if (delay === undefined) {
          this.log(e.kind === 'aborted' ? 'debug' : 'warn', `request failed: ${e.kind}${e.status ? ` HTTP ${e.status}` : ''}${e.code ? ` ${e.code}` : ''}${e.requestId ? ` request ${e.requestId}` : ''} after ${attempt + 1} attempt(s)`);
          throw e.refresh();
        }
        this.log('info', `${e.kind}${e.status ? ` HTTP ${e.status}` : ''}${e.code ? ` ${e.code}` : ''}: retry ${attempt + 1}/${this.cfg.maxRetries} in ${Math.round(delay)} ms`);
        await sleep(delay, signal, ctx);
      }
    }
  }

  private streamWithRetries(req: ChatRequest, info: ModelInfo, opts: StreamOptions): Promise<ChatResult> {
    const url = new URL(`${this.baseUrl()}/chat/completions`);
    const ctx = this.errorContext(url, req.model);
    const body = JSON.stringify(buildRequestBody(req, { stream: true, info, preset: this.preset }));
    return this.withRetries(opts.signal, ctx, () => this.streamOnce(req, { url, method: 'POST', body, accept: 'text/event-stream', headerTimeoutMs: this.cfg.firstByteTimeoutMs, signal: opts.signal, ctx }, opts.onEvent));
  }

  private completeWithRetries(req: ChatRequest, info: ModelInfo, signal: AbortSignal | undefined): Promise<ChatResult> {
    const url = new URL(`${this.baseUrl()}/chat/completions`);
    const ctx = this.errorContext(url, req.model);
    const wire: WireRequest = buildRequestBody(req, { stream: false, info, preset: this.preset });
    const body = JSON.stringify(wire);
    return this.withRetries(signal, ctx, async () => {
      let text: string;
      try {
        text = await this.requestText({ url, method: 'POST', body, accept: 'application/json', headerTimeoutMs: Math.max(this.cfg.requestTimeoutMs, this.cfg.firstByteTimeoutMs), signal, ctx });
      } catch (e) {
        if (e instanceof QwenError && e.status === 400 && isThinkingNonStreamRejection(400, e.serverMessage)) throw new ModeRejection('stream');
        throw e;
      }
      return parseCompletion(text, ctx);
    });
  }

  /**
   * One streaming attempt. Settles exactly once; after settling (or abort) the decoder is stopped
   * so no further event reaches the caller.
   */
  private streamOnce(req: ChatRequest, a: Attempt, onEvent: ((e: StreamEvent) => void) | undefined): Promise<ChatResult> {
    return new Promise<ChatResult>((resolve, reject) => {
      const { signal, ctx } = a;
      const decoder = new ChatStreamDecoder(onEvent, ctx, { maxLineChars: this.cfg.maxLineChars, maxAnswerChars: this.cfg.maxAnswerChars });
      if (signal?.aborted) {
        reject(new QwenError({ kind: 'aborted', ...ctxFields(ctx) }));
        return;
      }
      let settled = false;
      let idle: IdleWatch | undefined;
      let res: IncomingMessage | undefined;
      const { req: httpReq } = this.open(a);

      const cleanup = () => {
        clearTimeout(headerTimer);
        idle?.stop();
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        decoder.stopped = true;
        cleanup();
        httpReq.destroy();
        if (err instanceof QwenError && decoder.delivered) {
          err.partial = decoder.snapshot();
          err.retryable = false;
          // A cut answer can be continued from where it stopped (the chat offers it), or asked again.
          if (CONTINUABLE.has(err.kind) && err.partial.text) {
            err.actions = ['continue', 'retry'];
            err.action = 'continue';
          }
          err.refresh();
        }
        reject(err);
      };
      const succeed = () => {
        if (settled) return;
        settled = true;
        decoder.stopped = true;
        cleanup();
        if (res && !res.complete) {
          // `[DONE]` came; let the body end so the socket can be reused, but not forever.
          const r = res;
          const guard = setTimeout(() => r.destroy(), 2000);
          guard.unref();
          r.once('close', () => clearTimeout(guard));
          r.resume();
        }
        resolve(decoder.result);
      };
      const onAbort = () => fail(new QwenError({ kind: 'aborted', ...ctxFields(ctx) }));
      signal?.addEventListener('abort', onAbort, { once: true });

      // Runs until the first chunk of the body (not just the headers) has been delivered.
      const headerTimer = setTimeout(() => {
        fail(new QwenError({ kind: 'timeout', timeoutPhase: 'first-byte', timeoutMs: a.headerTimeoutMs, retryable: true, actions: ['retry'], ...ctxFields(ctx) }));
      }, a.headerTimeoutMs);

      // Once the response has started, a socket error means the stream was cut: `dropped`.
      httpReq.on('error', (err) => fail(markStale(classifySocketError(err, ctx, decoder.delivered, res ? 'dropped' : undefined), httpReq, !res)));
      httpReq.on('response', (response) => {
        res = response;
        if (settled) {
          clearTimeout(headerTimer);
          response.destroy();
          return;
        }
        const status = response.statusCode ?? 0;
        // rawHeaders, not headers: node builds the headers object on first use, ~20 µs on a cold wake-up.
        const type = contentType(response.rawHeaders);
        // The first-byte timer keeps running until a body byte arrives; then the idle watch takes
        // over. Bodies read whole (errors, JSON) get the same clocks as a stream.
        const idleMs = this.cfg.idleTimeoutMs;
        const noEventMs = this.cfg.noEventTimeoutMs ?? this.cfg.firstByteTimeoutMs + this.cfg.idleTimeoutMs;
        const startIdleWatch = (sse: boolean) => {
          clearTimeout(headerTimer);
          if (settled) return;
          idle = new IdleWatch(
            idleMs,
            () => fail(new QwenError({ kind: 'timeout', timeoutPhase: 'idle', timeoutMs: idleMs, retryable: true, actions: decoder.delivered ? ['continue', 'retry'] : ['retry'], ...ctxFields(ctx) })),
            sse ? { count: () => decoder.chunks, limitMs: noEventMs, onNone: () => fail(new QwenError({ kind: 'timeout', timeoutPhase: 'no-event', timeoutMs: noEventMs, retryable: true, actions: ['retry'], ...ctxFields(ctx) })) } : undefined,
          );
        };
        const watchWholeBody = () => {
          response.on('data', () => {
            if (idle) idle.touch();
            else startIdleWatch(false);
          });
        };
        if (status < 200 || status >= 300 || type.includes('html')) {
          watchWholeBody();
          readBody(response, MAX_ERROR_BODY).then((text) => {
            const err = errorFromResponse(status, response.headers, text, ctx);
            fail(isToolsStreamRejection(status, err.serverMessage, req) ? new ModeRejection('non-stream') : err);
          }, (e) => fail(classifySocketError(e, ctx, false)));
          return;
        }
        // The server ignored stream:true and answered in one piece: deliver it as events.
        const deliverWhole = (text: string) => {
          if (settled) return;
          try {
            const result = parseCompletion(text, ctx);
            replayAsEvents(result, { onEvent: (e) => !settled && !signal?.aborted && onEvent?.(e), signal });
            if (!settled) {
              settled = true;
              cleanup();
              resolve(result);
            }
          } catch (e) {
            fail(e);
          }
        };
        if (type.includes('json')) {
          watchWholeBody();
          readBody(response, MAX_JSON_BODY).then(deliverWhole, (e) => fail(classifySocketError(e, ctx, false)));
          return;
        }

        // The first chunk usually arrives with the headers, in the same socket read: it is delivered
        // before any timer bookkeeping (swapping the header timer for the idle watch costs tens of µs
        // when the process has just woken up with cold caches); the swap follows it.
        let first = true;
        let diverted = false;
        // When the process fell behind, the socket hands over megabytes in one go; parsing them all
        // in one macrotask would freeze the host. After a few ms, pause and let the loop breathe.
        // The clock is read once per YIELD_CHECK_BYTES, not per chunk: a live stream brings one small
        // chunk per loop turn, and a clock read plus a setImmediate each time cost ~0.5 µs per chunk.
        let sliceStart = -1;
        let unchecked = 0;
        const endSlice = () => {
          sliceStart = -1;
        };
        const resume = () => {
          if (!settled) response.resume();
        };
        // Two hops: an immediate queued now runs in this loop turn's check phase, right after the
        // slice that paused; resuming there would start the next slice before the loop's timers
        // ever ran (12 ms of parsing in one turn). The second hop lands after a timers phase.
        const resumeNextTurn = () => {
          setImmediate(() => setImmediate(resume));
        };
        const onData = (buf: Buffer) => {
          if (settled) return;
          // A diverted body (JSON or HTML after all) is read by readRest, but its bytes still count as life.
          idle?.touch();
          if (diverted) return;
          if ((unchecked += buf.length) >= YIELD_CHECK_BYTES) {
            unchecked = 0;
            if (sliceStart < 0) {
              sliceStart = performance.now();
              setImmediate(endSlice);
            } else if (performance.now() - sliceStart > YIELD_AFTER_MS) {
              response.pause();
              resumeNextTurn();
            }
          }
          if (first) {
            first = false;
            // A body that starts like HTML or JSON is not SSE, whatever the content-type said.
            const c = firstNonSpace(buf);
            if (c === 0x3c /* < */ || c === 0x7b /* { */) {
              diverted = true;
              startIdleWatch(false);
              const whole = readRest(response, buf, c === 0x3c ? MAX_ERROR_BODY : MAX_JSON_BODY);
              if (c === 0x3c) whole.then((text) => fail(errorFromResponse(status, { 'content-type': 'text/html' }, text, ctx)), (e) => fail(classifySocketError(e, ctx, false)));
              else whole.then(deliverWhole, (e) => fail(classifySocketError(e, ctx, false)));
              return;
            }
          }
          try {
            decoder.push(buf);
          } catch (e) {
            fail(e);
            return;
          }
          if (idle === undefined) startIdleWatch(true);
          if (decoder.done) succeed();
        };
        response.on('data', onData);
        response.on('end', () => {
          if (settled || diverted) return;
          try {
            decoder.end();
          } catch (e) {
            fail(e);
            return;
          }
          succeed();
        });
        response.on('error', (err) => fail(classifySocketError(err, ctx, decoder.delivered, 'dropped')));
        response.on('aborted', () => fail(new QwenError({ kind: 'dropped', retryable: true, actions: ['retry'], ...ctxFields(ctx) })));
        // A stream that was never read holds its first bytes back for a tick (node's Readable buffers
        // pushes until its first read). Reading once now lets the chunk that came with the headers go
        // from the HTTP parser straight to the decoder, before node parses the rest of the socket read.
        response.read(0);
      });
    });
  }

  /** One request whose whole body we want as text (non-streaming chat, model list, errors). */
  private requestText(a: Attempt): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const { signal, ctx } = a;
      if (signal?.aborted) {
        reject(new QwenError({ kind: 'aborted', ...ctxFields(ctx) }));
        return;
      }
      let settled = false;
      const { req } = this.open(a);
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
      const onAbort = () => finish(new QwenError({ kind: 'aborted', ...ctxFields(ctx) }));
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(
        () => finish(new QwenError({ kind: 'timeout', timeoutPhase: 'first-byte', timeoutMs: a.headerTimeoutMs, retryable: true, actions: ['retry'], ...ctxFields(ctx) })),
        a.headerTimeoutMs,
      );
      req.on('error', (err) => finish(markStale(classifySocketError(err, ctx, false), req, true)));
      req.on('response', (res) => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        const ok = status >= 200 && status < 300 && !/html/i.test(String(res.headers['content-type'] ?? ''));
        // The idle timeout also guards a body that stops arriving.
        const idle = setTimeout(() => finish(new QwenError({ kind: 'timeout', timeoutPhase: 'idle', timeoutMs: this.cfg.idleTimeoutMs, retryable: true, actions: ['retry'], ...ctxFields(ctx) })), this.cfg.idleTimeoutMs);
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
}

const CONTINUABLE = new Set<QwenError['kind']>(['dropped', 'timeout', 'stream-error', 'network', 'server']);

/** Errors that came from reusing a kept-alive socket the server had just closed. */
const STALE = new WeakSet<QwenError>();

function markStale(err: QwenError, req: http.ClientRequest, beforeResponse: boolean): QwenError {
  if (beforeResponse && req.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) STALE.add(err);
  return err;
}

function ctxFields(ctx: ErrorContext) {
  return { provider: ctx.provider, providerLabel: ctx.providerLabel, host: ctx.host, model: ctx.model || undefined, proxy: ctx.proxy };
}

function classifySocketError(err: unknown, ctx: ErrorContext, delivered: boolean, midBody?: 'dropped'): QwenError {
  if (err instanceof QwenError) return err;
  const code = (err as { code?: unknown })?.code;
  // A reset or "aborted" once the body is flowing is a dropped stream, not a failure to connect.
  if (midBody === 'dropped' && (code === 'ECONNRESET' || code === 'ECONNABORTED' || code === undefined || (err as Error)?.message === 'aborted')) {
    return new QwenError({ kind: 'dropped', retryable: !delivered, actions: ['retry'], code: typeof code === 'string' ? code : undefined, ...ctxFields(ctx), cause: err });
  }
  return errorFromNetwork(err, ctx);
}

/** The content-type header, lower-cased, from node's raw [name, value, ...] list. */
function contentType(raw: string[]): string {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 12 && name.toLowerCase() === 'content-type') return raw[i + 1]!.toLowerCase();
  }
  return '';
}

function readBody(res: IncomingMessage, limit: number): Promise<string> {
  return readRest(res, undefined, limit);
}

function readRest(res: IncomingMessage, first: Buffer | undefined, limit: number): Promise<string> {
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

function firstNonSpace(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09 && c !== 0xef && c !== 0xbb && c !== 0xbf) return c;
  }
  return -1;
}

function parseCompletion(text: string, ctx: ErrorContext): ChatResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new QwenError({ kind: 'invalid-response', code: 'bad-json', ...ctxFields(ctx) });
  }
  const parsed = CompletionSchema.safeParse(json);
  if (!parsed.success) throw new QwenError({ kind: 'invalid-response', code: 'bad-completion', ...ctxFields(ctx) });
  const c: Completion = parsed.data;
  if (c.error) throw errorFromStream(c.error, c.id ?? undefined, ctx);
  const choice = c.choices?.find((ch) => (ch.index ?? 0) === 0);
  if (!choice) throw new QwenError({ kind: 'invalid-response', code: 'no-choices', ...ctxFields(ctx) });
  const m = choice.message;
  const result = emptyResult();
  const content = m?.content;
  result.text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (typeof p.text === 'string' ? p.text : '')).join('') : '';
  result.reasoning = m?.reasoning_content ?? m?.reasoning ?? '';
  result.toolCalls = (m?.tool_calls ?? []).map(
    (t, i): ToolCall => ({
      id: t.id || `call_${i}`,
      type: 'function',
      function: {
        name: t.function?.name ?? '',
        arguments: typeof t.function?.arguments === 'string' ? t.function.arguments : t.function?.arguments ? JSON.stringify(t.function.arguments) : '',
      },
    }),
  );
  const usage = usageFromWire(c.usage, c.meta);
  if (usage) result.usage = usage;
  if (choice.finish_reason) result.finishReason = choice.finish_reason;
  if (c.model) result.model = c.model;
  if (c.id) result.id = c.id;
  return result;
}

/** A whole answer delivered as the events a stream would have produced, in the same order. */
function replayAsEvents(result: ChatResult, opts: StreamOptions): void {
  const emit = opts.onEvent;
  if (!emit) return;
  const live = () => !opts.signal?.aborted;
  if (result.reasoning && live()) emit({ type: 'reasoning', text: result.reasoning });
  if (result.text && live()) emit({ type: 'text', text: result.text });
  result.toolCalls.forEach((call, index) => live() && emit({ type: 'toolCall', index, call }));
  if (result.finishReason && live()) emit({ type: 'finish', reason: result.finishReason });
  if (result.usage && live()) emit({ type: 'usage', usage: result.usage });
}

function sleep(ms: number, signal: AbortSignal | undefined, ctx: ErrorContext): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new QwenError({ kind: 'aborted', ...ctxFields(ctx) }));
      return;
    }
    const onAbort = () => {
      clearTimeout(t);
      reject(new QwenError({ kind: 'aborted', ...ctxFields(ctx) }));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

