// What a request through VS Code's language-model API (vscode.lm) becomes for the Qwen client, and
// what the answer's tool calls become for VS Code. No vscode here: VS Code's message parts are read
// by their shape (the classes' public fields), so this runs and is tested in plain Node; the glue
// (lm/vscode/) only wraps the results back in VS Code's classes.
import { estimateCost } from '../qwen/catalog';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from '../prompts/tokens';
import type { ChatMessage, ChatRequest, ProviderId, ToolCall, ToolChoice, ToolDefinition, Usage } from '../qwen/types';

/** One part of a message, read from VS Code's LanguageModel*Part classes. */
export type LmPart =
  | { kind: 'text'; text: string }
  | { kind: 'toolCall'; callId: string; name: string; input: unknown }
  | { kind: 'toolResult'; callId: string; content: LmPart[] }
  | { kind: 'data'; mimeType: string; data: Uint8Array }
  | { kind: 'other' };

export type LmRole = 'user' | 'assistant' | 'system';

export interface LmMessage {
  role: LmRole;
  content: LmPart[];
}

/** VS Code's LanguageModelChatTool. */
export interface LmTool {
  name: string;
  description: string;
  inputSchema?: object;
}

export type LmToolMode = 'auto' | 'required';

/**
 * One part as VS Code hands it over (LanguageModelTextPart `{value}`, LanguageModelToolCallPart
 * `{callId, name, input}`, LanguageModelToolResultPart `{callId, content}`, LanguageModelDataPart
 * `{mimeType, data}`, LanguageModelPromptTsxPart `{value: object}`), read by its fields.
 */
export function readPart(p: unknown): LmPart {
  if (!p || typeof p !== 'object') return { kind: 'other' };
  const o = p as Record<string, unknown>;
  if (typeof o.callId === 'string' && Array.isArray(o.content)) return { kind: 'toolResult', callId: o.callId, content: o.content.map(readPart) };
  if (typeof o.callId === 'string' && typeof o.name === 'string') return { kind: 'toolCall', callId: o.callId, name: o.name, input: o.input };
  if (typeof o.value === 'string') return { kind: 'text', text: o.value };
  if (typeof o.mimeType === 'string' && o.data instanceof Uint8Array) return { kind: 'data', mimeType: o.mimeType, data: o.data };
  // A prompt-tsx tree (some tools answer with one): its JSON is the most faithful text we can give.
  if (o.value !== undefined && o.value !== null && typeof o.value === 'object') return { kind: 'text', text: JSON.stringify(o.value) };
  return { kind: 'other' };
}

/** Data parts that are text (JSON, plain text) are sent as text; images and VS Code's own markers (cache_control) are not. */
function dataText(mimeType: string, data: Uint8Array): string | undefined {
  const m = mimeType.toLowerCase();
  if (!m.startsWith('text/') && m !== 'application/json' && !m.endsWith('+json')) return undefined;
  return new TextDecoder().decode(data);
}

function partsText(parts: readonly LmPart[]): string {
  let out = '';
  for (const p of parts) {
    if (p.kind === 'text') out += p.text;
    else if (p.kind === 'data') out += dataText(p.mimeType, p.data) ?? '';
  }
  return out;
}

function toolCallOf(p: Extract<LmPart, { kind: 'toolCall' }>): ToolCall {
  return { id: p.callId, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.input ?? {}) } };
}

/**
 * VS Code's messages as the OpenAI-compatible conversation: an assistant's tool calls become its
 * `tool_calls`; each tool result (VS Code puts them in the next user message) becomes a `tool`
 * message with its `tool_call_id`, right after the call, and that user message's own text follows.
 */
export function toChatMessages(messages: readonly LmMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const m of messages) {
    const text = partsText(m.content);
    const results = m.content.filter((p): p is Extract<LmPart, { kind: 'toolResult' }> => p.kind === 'toolResult');
    for (const r of results) out.push({ role: 'tool', tool_call_id: r.callId, content: partsText(r.content) });
    if (m.role === 'assistant') {
      const calls = m.content.filter((p): p is Extract<LmPart, { kind: 'toolCall' }> => p.kind === 'toolCall').map(toolCallOf);
      if (calls.length) out.push({ role: 'assistant', content: text || null, tool_calls: calls });
      else if (text) out.push({ role: 'assistant', content: text });
    } else if (text) {
      // A user message that only carried tool results needs no empty user turn after them.
      out.push({ role: m.role, content: text });
    }
  }
  return out;
}

export function toToolDefinitions(tools: readonly LmTool[]): ToolDefinition[] {
  return tools.map((t) => ({
    type: 'function',
    function: {
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      // DashScope wants an object schema even for a tool that takes nothing.
      parameters: (t.inputSchema as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
    },
  }));
}

/** Added to the system message when a tool call is required and tool_choice cannot say which. */
export const TOOL_REQUIRED_NOTE = 'You must answer this request by calling one of the provided tools; do not answer with text alone.';

/**
 * toolMode Required. DashScope documents tool_choice `auto`, `none` or one named function: with one
 * tool, it is named; with several, `auto` goes with a sentence in the system message saying a call
 * is required. A custom OpenAI-compatible server (vLLM, Ollama) takes `required` itself.
 */
export function toolChoiceFor(tools: readonly LmTool[], mode: LmToolMode, provider: ProviderId): { toolChoice?: ToolChoice; systemNote?: string } {
  if (tools.length === 0 || mode !== 'required') return {};
  if (tools.length === 1) return { toolChoice: { type: 'function', function: { name: tools[0]!.name } } };
  if (provider === 'custom') return { toolChoice: 'required' };
  return { toolChoice: 'auto', systemNote: TOOL_REQUIRED_NOTE };
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The few model options a caller may pass (LanguageModelChatRequestOptions.modelOptions), in OpenAI's names or ours. */
function fromModelOptions(o: Readonly<Record<string, unknown>> | undefined): Pick<ChatRequest, 'temperature' | 'topP' | 'maxTokens' | 'stop'> {
  if (!o) return {};
  const out: Pick<ChatRequest, 'temperature' | 'topP' | 'maxTokens' | 'stop'> = {};
  const temperature = num(o.temperature);
  const topP = num(o.top_p) ?? num(o.topP);
  const maxTokens = num(o.max_tokens) ?? num(o.maxTokens);
  if (temperature !== undefined) out.temperature = temperature;
  if (topP !== undefined) out.topP = topP;
  if (maxTokens !== undefined) out.maxTokens = maxTokens;
  const stop = typeof o.stop === 'string' ? [o.stop] : Array.isArray(o.stop) ? o.stop.filter((s): s is string => typeof s === 'string') : [];
  if (stop.length) out.stop = stop;
  return out;
}

export interface LmRequestInput {
  model: string;
  provider: ProviderId;
  messages: readonly LmMessage[];
  tools?: readonly LmTool[];
  toolMode: LmToolMode;
  modelOptions?: Readonly<Record<string, unknown>>;
}

/** The client's request for one vscode.lm request. */
export function buildLmRequest(input: LmRequestInput): ChatRequest {
  const tools = input.tools ?? [];
  const messages = toChatMessages(input.messages);
  const { toolChoice, systemNote } = toolChoiceFor(tools, input.toolMode, input.provider);
  // The client merges every system message into the first, in order: the note ends it.
  if (systemNote) messages.push({ role: 'system', content: systemNote });
  return {
    model: input.model,
    messages,
    ...fromModelOptions(input.modelOptions),
    ...(tools.length ? { tools: toToolDefinitions(tools) } : {}),
    ...(toolChoice ? { toolChoice } : {}),
  };
}

/**
 * A streamed call's arguments as the object VS Code's LanguageModelToolCallPart takes. Empty
 * arguments are an empty object (a tool without parameters); anything but a JSON object is an error
 * the caller reports instead of a call.
 */
export function parseToolInput(args: string): { input: object } | { error: string } {
  if (args.trim() === '') return { input: {} };
  let v: unknown;
  try {
    v = JSON.parse(args);
  } catch (e) {
    return { error: (e as Error).message };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { error: 'the arguments are not a JSON object' };
  return { input: v };
}

/** The chat's own estimate (prompts/tokens.ts): a text, or a message with its template framing. */
export function countTokens(input: string | LmMessage): number {
  if (typeof input === 'string') return estimateTokens(input);
  let n = MESSAGE_OVERHEAD_TOKENS;
  for (const p of input.content) {
    if (p.kind === 'text') n += estimateTokens(p.text);
    else if (p.kind === 'toolCall') n += estimateTokens(p.name) + estimateTokens(JSON.stringify(p.input ?? {}));
    else if (p.kind === 'toolResult') n += estimateTokens(partsText(p.content)) + MESSAGE_OVERHEAD_TOKENS;
    else if (p.kind === 'data') n += estimateTokens(dataText(p.mimeType, p.data) ?? '');
  }
  return n;
}

/** The log line for one request's usage, with the catalog's cost estimate (or the provider's own figure). */
export function usageLine(model: string, usage: Usage | undefined): string {
  if (!usage) return `Language model request (${model}): the server reported no usage`;
  const cost = estimateCost(model, usage);
  const cached = usage.cachedTokens ? ` (${usage.cachedTokens} cached)` : '';
  const reasoning = usage.reasoningTokens ? ` (${usage.reasoningTokens} reasoning)` : '';
  const price = cost === undefined ? 'cost unknown' : `≈ $${cost.toFixed(6)}`;
  return `Language model request (${model}): ${usage.promptTokens} input tokens${cached}, ${usage.completionTokens} output tokens${reasoning}, ${price}`;
}
