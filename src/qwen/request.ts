// Turns a ChatRequest into the JSON body Qwen accepts: one system message first, parameters inside
// their ranges, thinking switches only where the model and provider understand them.
import type { ModelInfo } from './catalog';
import type { ProviderPreset } from './providers';
import type { ChatMessage, ChatRequest, TextPart } from './types';

export interface WireMessage {
  role: string;
  content: string | TextPart[] | null;
  tool_calls?: ChatMessage['tool_calls'];
  tool_call_id?: string;
  partial?: boolean;
}

export interface WireRequest {
  model: string;
  messages: WireMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string[];
  tools?: ChatRequest['tools'];
  tool_choice?: ChatRequest['toolChoice'];
  enable_thinking?: boolean;
  thinking_budget?: number;
}

export function textOf(content: ChatMessage['content']): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  let out = '';
  for (const p of content) if (p && p.type === 'text' && typeof p.text === 'string') out += p.text;
  return out;
}

/**
 * DashScope: "The system role can only appear in messages[0]". Every system message is merged, in
 * order, into one leading message; the rest keep their order.
 */
export function normalizeMessages(messages: readonly ChatMessage[], allowPartial: boolean): WireMessage[] {
  const system: string[] = [];
  const rest: WireMessage[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      const t = textOf(m.content);
      if (t) system.push(t);
      continue;
    }
    const w: WireMessage = { role: m.role, content: m.content ?? (m.role === 'assistant' ? null : '') };
    if (m.tool_calls && m.tool_calls.length) w.tool_calls = m.tool_calls;
    if (m.tool_call_id) w.tool_call_id = m.tool_call_id;
    rest.push(w);
  }
  // Partial mode only means something on the last assistant message, and only to DashScope.
  const last = messages[messages.length - 1];
  if (allowPartial && last && last.role === 'assistant' && last.partial && rest.length) rest[rest.length - 1]!.partial = true;
  return system.length ? [{ role: 'system', content: system.join('\n\n') }, ...rest] : rest;
}

function finite(n: number | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** temperature ∈ [0, 2) */
export function clampTemperature(t: number): number {
  return Math.min(Math.max(t, 0), 1.99);
}

/** top_p ∈ (0, 1] */
export function clampTopP(p: number): number {
  return Math.min(Math.max(p, 0.01), 1);
}

export function clampMaxTokens(n: number, info: ModelInfo): number {
  return Math.max(1, Math.min(Math.floor(n), info.maxOutputTokens));
}

export interface BuildOptions {
  stream: boolean;
  info: ModelInfo;
  preset: ProviderPreset;
}

export function buildRequestBody(req: ChatRequest, opts: BuildOptions): WireRequest {
  const { info, preset, stream } = opts;
  const body: WireRequest = {
    model: req.model,
    messages: normalizeMessages(req.messages, preset.dashscopeExtensions && info.partialMode === true),
    stream,
  };
  if (stream) body.stream_options = { include_usage: true };
  if (finite(req.maxTokens)) body.max_tokens = clampMaxTokens(req.maxTokens, info);
  if (finite(req.temperature)) body.temperature = clampTemperature(req.temperature);
  if (finite(req.topP)) body.top_p = clampTopP(req.topP);
  if (req.stop && req.stop.length) body.stop = req.stop.slice(0, 4);
  if (req.promptCache && preset.dashscopeExtensions) markForCache(body.messages);
  if (req.tools && req.tools.length) {
    body.tools = req.tools;
    if (req.toolChoice) body.tool_choice = req.toolChoice;
  }

  // Thinking switches: streaming only (DashScope rejects them on non-streaming calls), only for
  // models where thinking is optional, only to providers that know DashScope's parameters.
  if (stream && req.thinking && info.thinking === 'optional' && preset.dashscopeExtensions) {
    body.enable_thinking = req.thinking.enabled;
    if (req.thinking.enabled && finite(req.thinking.budget)) {
      const cap = info.maxThinkingBudget ?? info.maxOutputTokens;
      body.thinking_budget = Math.max(1, Math.min(Math.floor(req.thinking.budget), cap));
    }
  }
  return body;
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * DashScope's explicit cache: a `cache_control` mark on a message's last text part caches the
 * prompt up to it. The system message (stable for a whole task) and the last message (so the next
 * request, which repeats all of this, hits the cache) are marked; content becomes parts for that.
 */
function markForCache(messages: WireMessage[]): void {
  const mark = (m: WireMessage | undefined) => {
    if (!m) return;
    if (typeof m.content === 'string' && m.content) m.content = [{ type: 'text', text: m.content, cache_control: EPHEMERAL }];
    else if (Array.isArray(m.content) && m.content.length) {
      const last = m.content[m.content.length - 1]!;
      m.content = [...m.content.slice(0, -1), { ...last, cache_control: EPHEMERAL }];
    }
  };
  if (messages[0]?.role === 'system') mark(messages[0]);
  mark(messages[messages.length - 1]);
}

/** The 400 some older endpoints give when tools and stream are combined: they take tools only on non-streaming calls. */
export function isToolsStreamRejection(status: number, message: string | undefined, req: ChatRequest): boolean {
  if (status !== 400 || !req.tools || req.tools.length === 0 || !message) return false;
  return /stream/i.test(message) && /tool|function/i.test(message);
}

/** The 400 for a model that thinks by default when asked without streaming. */
export function isThinkingNonStreamRejection(status: number, message: string | undefined): boolean {
  return status === 400 && !!message && /enable_thinking|only support stream|stream mode/i.test(message);
}
