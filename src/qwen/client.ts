// The Qwen client's public API: streamChat, chat, listModels, and the settings, model and mode
// choices around them. Each request runs as attempts under the retry loop (retry.ts); one attempt is
// streamAttempt.ts or textAttempt.ts, on the connections of connections.ts.
// Nothing here knows about VS Code; the glue builds a ClientConfig from settings and secrets.
import { getModelInfo, type ModelInfo } from './catalog';
import type { Attempt, OpenRequest } from './attempt';
import { withDefaults, type ClientSettings, type Logger } from './clientSettings';
import { parseCompletion, parseModelList, replayAsEvents } from './completion';
import { Connections } from './connections';
import { QwenError, type ErrorContext } from './errors';
import { DETAILS } from './messages';
import { ModeRejection } from './modeRejection';
import { BaseUrlError, PROVIDERS, resolveBaseUrl, type ProviderPreset } from './providers';
import { buildRequestBody, isThinkingNonStreamRejection } from './request';
import { withRetries } from './retry';
import { scrub } from './scrub';
import { streamOnce, type StreamSettings } from './streamAttempt';
import { requestText } from './textAttempt';
import { chooseProxy } from './transport';
import type { ChatRequest, ChatResult, ClientConfig, StreamOptions } from './types';

export class QwenClient {
  readonly preset: ProviderPreset;
  // fim.ts reads cfg, baseUrl, checkKey, errorContext, withRetries and requestText by name.
  private readonly cfg: ClientSettings;
  private readonly log: Logger;
  private readonly connections: Connections;
  private readonly open: OpenRequest;
  private readonly streamSettings: StreamSettings;

  constructor(config: ClientConfig) {
    this.cfg = withDefaults(config);
    this.preset = PROVIDERS[config.provider] ?? PROVIDERS.custom;
    const sink = config.log;
    const secrets = [config.apiKey];
    // The key never reaches a log line, even inside text a server echoed.
    this.log = sink ? (level, message) => sink(level, scrub(message, secrets)) : () => {};
    this.connections = new Connections(this.cfg, this.log);
    this.open = (a) => this.connections.open(a);
    this.streamSettings = {
      idleTimeoutMs: this.cfg.idleTimeoutMs,
      noEventTimeoutMs: this.cfg.noEventTimeoutMs ?? this.cfg.firstByteTimeoutMs + this.cfg.idleTimeoutMs,
      maxLineChars: this.cfg.maxLineChars,
      maxAnswerChars: this.cfg.maxAnswerChars,
    };
  }

  /** Stops keeping connections: idle ones close now, busy ones once their answer has ended. */
  retire(): void {
    this.connections.retire();
  }

  /** Closes every connection, busy or idle. */
  dispose(): void {
    this.connections.dispose();
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

  /**
   * GET {base}/models: what a custom server (vLLM, Ollama, LM Studio) serves. With a shared
   * ModelListCache in the config, a list another client of the same provider and address fetched
   * is answered from it; `fresh` asks the server anyway (a picker the user opened) and shares that.
   */
  async listModels(opts: { signal?: AbortSignal; fresh?: boolean } = {}): Promise<string[]> {
    const lists = this.cfg.modelLists;
    if (!lists) return this.fetchModels(opts.signal);
    const key = `${this.preset.id} ${this.baseUrl()}`;
    if (!opts.fresh) return lists.get(key, () => this.fetchModels(), opts.signal);
    const ids = await this.fetchModels(opts.signal);
    lists.set(key, ids);
    return ids;
  }

  // --- internals -------------------------------------------------------------------------

  private async fetchModels(signal?: AbortSignal): Promise<string[]> {
    const url = new URL(`${this.baseUrl()}/models`);
    const ctx = this.errorContext(url, '');
    const text = await this.withRetries(signal, ctx, () =>
      this.requestText({ url, method: 'GET', accept: 'application/json', headerTimeoutMs: this.cfg.firstByteTimeoutMs, signal, ctx }),
    );
    return parseModelList(text, ctx);
  }

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

  private withRetries<T>(signal: AbortSignal | undefined, ctx: ErrorContext, run: (attempt: number) => Promise<T>): Promise<T> {
    return withRetries(this.cfg, this.log, signal, ctx, run);
  }

  private requestText(a: Attempt): Promise<string> {
    return requestText(this.open, a, this.cfg.idleTimeoutMs);
  }

  private streamWithRetries(req: ChatRequest, info: ModelInfo, opts: StreamOptions): Promise<ChatResult> {
    const url = new URL(`${this.baseUrl()}/chat/completions`);
    const ctx = this.errorContext(url, req.model);
    const body = JSON.stringify(buildRequestBody(req, { stream: true, info, preset: this.preset }));
    const attempt: Attempt = { url, method: 'POST', body, accept: 'text/event-stream', headerTimeoutMs: this.cfg.firstByteTimeoutMs, signal: opts.signal, ctx };
    if (req.promptCache && this.preset.dashscopeExtensions) attempt.headers = { 'X-DashScope-CacheControl': 'enable' };
    return this.withRetries(opts.signal, ctx, () => streamOnce(this.open, attempt, req, opts.onEvent, this.streamSettings));
  }

  private completeWithRetries(req: ChatRequest, info: ModelInfo, signal: AbortSignal | undefined): Promise<ChatResult> {
    const url = new URL(`${this.baseUrl()}/chat/completions`);
    const ctx = this.errorContext(url, req.model);
    const body = JSON.stringify(buildRequestBody(req, { stream: false, info, preset: this.preset }));
    // The server writes the headers only after the whole answer: the request timeout, not the first-byte one.
    const headerTimeoutMs = Math.max(this.cfg.requestTimeoutMs, this.cfg.firstByteTimeoutMs);
    return this.withRetries(signal, ctx, async () => {
      let text: string;
      try {
        text = await this.requestText({ url, method: 'POST', body, accept: 'application/json', headerTimeoutMs, signal, ctx });
      } catch (e) {
        if (e instanceof QwenError && e.status === 400 && isThinkingNonStreamRejection(400, e.serverMessage)) throw new ModeRejection('stream');
        throw e;
      }
      return parseCompletion(text, ctx);
    });
  }
}
