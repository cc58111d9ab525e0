// Streamed tool calls as the endpoints really send them (QWEN-WIRE.md "Tool calling"): DashScope's
// id and name on the first fragment only and `"id": ""` after, arguments cut anywhere (inside a
// string, inside a CJK character's neighbourhood), `name: null` or `""` on later fragments, qwen-max's
// trailing `function: {}`; servers that send "" ids on every fragment; `finish_reason: "tool_calls"`
// with no calls; and qwen3-coder without a tool parser writing Qwen's XML form in `content`.
import { contentChunk, DONE, event, firstChunk, newEnvelope, pieces, usageChunk, type Envelope } from './sse';

export interface ScriptedCall {
  name: string;
  /** the arguments text exactly as the model writes it (may be invalid JSON on purpose) */
  args: string;
  /** default: a DashScope-looking id */
  id?: string;
}

export interface ToolStreamOptions {
  /** text the model writes before its calls */
  text?: string;
  /** 'first' (DashScope), 'empty' (every fragment "" — seen from some servers), 'all' (OpenAI) */
  ids?: 'first' | 'empty' | 'all';
  /** characters of arguments per fragment (default 7) */
  argPiece?: number;
  /** end with qwen-max's `function: {}` fragment */
  trailingEmptyFunction?: boolean;
  /** finish_reason 'tool_calls' with an empty tool_calls list and no calls at all */
  emptyCalls?: boolean;
  /** the calls as Qwen's XML in content, finish_reason 'stop' (vLLM / LM Studio without a tool parser) */
  xml?: boolean;
  model?: string;
  promptTokens?: number;
  cachedTokens?: number;
}

let callCounter = 0;
const dsId = () => `call_${(0x9a3f10 + ++callCounter).toString(16)}${'e1c55d0b7a'.slice(0, 10)}${callCounter.toString(16).padStart(6, '0')}`;

function toolChunk(env: Envelope, fragment: unknown, role: string | null): string {
  return `{"choices":[{"delta":{"content":null,"role":${role === null ? 'null' : JSON.stringify(role)},"tool_calls":[${JSON.stringify(fragment)}]},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":${env.created},"system_fingerprint":null,"model":${JSON.stringify(env.model)},"id":"${env.id}"}`;
}

function finish(env: Envelope, reason: string, extraDelta = ''): string {
  return `{"choices":[{"delta":{"content":null,"role":null${extraDelta}},"finish_reason":"${reason}","index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":${env.created},"system_fingerprint":null,"model":${JSON.stringify(env.model)},"id":"${env.id}"}`;
}

/** Qwen's XML form of calls, as qwen3-coder writes it in text. */
export function xmlCallText(calls: readonly ScriptedCall[]): string {
  return calls
    .map((c) => {
      let params: Record<string, unknown> = {};
      try {
        params = JSON.parse(c.args) as Record<string, unknown>;
      } catch {
        params = {};
      }
      const body = Object.entries(params).map(([k, v]) => `<parameter=${k}>\n${typeof v === 'string' ? v : JSON.stringify(v)}\n</parameter>\n`).join('');
      return `<tool_call>\n<function=${c.name}>\n${body}</function>\n</tool_call>`;
    })
    .join('\n');
}

/** A whole SSE answer that calls tools. */
export function toolCallStream(calls: readonly ScriptedCall[], opts: ToolStreamOptions = {}): string {
  const env = newEnvelope(opts.model ?? 'qwen3-coder-plus');
  const out: string[] = [event(firstChunk(env))];
  let completion = 0;
  const text = opts.xml ? `${opts.text ? `${opts.text}\n\n` : ''}${xmlCallText(calls)}` : opts.text;
  if (text) for (const p of pieces(text)) {
    out.push(event(contentChunk(env, p)));
    completion++;
  }
  if (opts.xml) {
    out.push(event(finish(env, 'stop', ',"content":""')));
  } else if (opts.emptyCalls) {
    out.push(event(finish(env, 'tool_calls', ',"tool_calls":[]')));
  } else {
    const step = opts.argPiece ?? 7;
    calls.forEach((c, index) => {
      const id = c.id ?? dsId();
      for (let at = 0, first = true; first || at < c.args.length; at += step, first = false) {
        const args = c.args.slice(at, at + step);
        const ids = opts.ids ?? 'first';
        const fid = ids === 'empty' ? '' : ids === 'all' || first ? id : '';
        // DashScope: later fragments carry "name": "" or name null, and "type": "function".
        const fn = first ? { name: c.name, arguments: args } : at % 2 ? { name: null, arguments: args } : { name: '', arguments: args };
        out.push(event(toolChunk(env, { index, id: fid, type: 'function', function: fn }, first && index === 0 ? 'assistant' : null)));
        completion++;
      }
    });
    if (opts.trailingEmptyFunction && calls.length) out.push(event(toolChunk(env, { index: calls.length - 1, id: '', type: 'function', function: {} }, null)));
    out.push(event(finish(env, 'tool_calls')));
  }
  out.push(event(usageChunk(env, opts.promptTokens ?? 900, completion + 5, opts.cachedTokens ?? 0)));
  out.push(DONE);
  return out.join('');
}
