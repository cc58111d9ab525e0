// The client's public types: what callers (the chat, the commands, completions) see.
// Imports nothing from vscode; the whole src/qwen folder runs in plain Node.
import type { ModelListCache } from './modelLists';

export type ProviderId =
  | 'dashscope-intl'
  | 'dashscope-us'
  | 'dashscope-cn'
  | 'dashscope-hk'
  | 'aimlapi'
  | 'maxtoken'
  | 'custom';

export const PROVIDER_IDS: readonly ProviderId[] = [
  'dashscope-intl',
  'dashscope-us',
  'dashscope-cn',
  'dashscope-hk',
  'aimlapi',
  'maxtoken',
  'custom',
];

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
  /** DashScope's explicit context cache: the prompt up to and including this part is cached */
  cache_control?: { type: 'ephemeral' };
}

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: Role;
  content: string | TextPart[] | null;
  /** assistant messages that called tools */
  tool_calls?: ToolCall[];
  /** tool results */
  tool_call_id?: string;
  /** DashScope partial mode: the model continues this assistant prefix */
  partial?: boolean;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/**
 * Which tool the model may or must call. DashScope documents `auto`, `none` and a named function;
 * OpenAI-compatible servers (vLLM, Ollama) also take `required`.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** clamped to the model's output limit */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stop?: string[];
  tools?: ToolDefinition[];
  /** sent only with tools */
  toolChoice?: ToolChoice;
  /** sent only to models that accept it, and never on non-streaming calls */
  thinking?: { enabled: boolean; budget?: number };
  /**
   * Ask DashScope to cache the prompt (its explicit context cache: the `X-DashScope-CacheControl`
   * header and `cache_control` marks on the system message and the last message), so a long agent
   * task's repeated history is billed as cached input. Ignored by other providers.
   */
  promptCache?: boolean;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  cachedTokens?: number;
  reasoningTokens?: number;
  /** AI/ML API's meta.usage.usd_spent */
  usdSpent?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | (string & {});

export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'toolCall'; index: number; call: ToolCall }
  | { type: 'usage'; usage: Usage }
  | { type: 'finish'; reason: FinishReason };

export interface ChatResult {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  usage?: Usage;
  finishReason?: FinishReason;
  /** the model the answer names (servers may name a resolved version of the one asked for) */
  model?: string;
  /** the model the request named: the caller's, or a custom server's first when the caller gave none */
  requestedModel?: string;
  id?: string;
}

export interface StreamOptions {
  signal?: AbortSignal;
  /** called synchronously for each event, in order; never after abort or after the promise settles */
  onEvent?: (event: StreamEvent) => void;
}

/** What the client needs to reach a server. Built by the glue from settings and SecretStorage. */
export interface ClientConfig {
  provider: ProviderId;
  /** replaces the preset's URL when set; required for `custom` */
  baseUrl?: string;
  /** undefined or '' = send no Authorization header (custom local servers) */
  apiKey?: string;
  /** e.g. http://proxy:3128; when undefined, HTTPS_PROXY/HTTP_PROXY/NO_PROXY from the environment apply */
  proxy?: string;
  noProxy?: string[];
  /** false only when the user explicitly turned off TLS verification (VS Code's http.proxyStrictSSL) */
  strictSSL?: boolean;
  /** extra trusted CA certificates in PEM (corporate TLS-inspecting proxies, self-signed local servers) */
  ca?: string | string[];
  /** retries of 429/500/503/network failures before the first token (default 3) */
  maxRetries?: number;
  /** first retry waits about this long, doubling each time, with jitter (default 500) */
  retryBaseDelayMs?: number;
  /** longest wait between tries; a Retry-After above it ends the retries (default 30000) */
  retryMaxDelayMs?: number;
  /** until the response headers of a streaming request arrive (default 60000) */
  firstByteTimeoutMs?: number;
  /** longest silence between two network chunks of a response (default 60000) */
  idleTimeoutMs?: number;
  /** until the headers of a non-streaming request arrive: the server writes them after the whole answer (default 300000) */
  requestTimeoutMs?: number;
  /** longest a stream may go on with no event, only comments or keep-alives (default firstByteTimeoutMs + idleTimeoutMs) */
  noEventTimeoutMs?: number;
  /** longest SSE line (or multi-line event) in characters (default 4 MiB): no real chunk comes close */
  maxLineChars?: number;
  /** longest answer in characters, text, reasoning and tool arguments together (default 64 MiB) */
  maxAnswerChars?: number;
  userAgent?: string;
  /** servers' model lists shared with other clients (a new key or setting makes a new client, not a new list) */
  modelLists?: ModelListCache;
  /** redacted diagnostics; never receives the key */
  log?: (level: 'trace' | 'debug' | 'info' | 'warn' | 'error', message: string) => void;
}
