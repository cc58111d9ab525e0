// Stream helpers of the fake server: DashScope-shaped chunk envelopes, splitting a recording into
// its events, and folding a stream into the one JSON a non-streaming call would have returned.
// Deliberately independent of src/qwen: the server must not share the client's bugs.

export interface Envelope {
  id: string;
  model: string;
  created: number;
}

/** One DashScope content chunk, byte for byte as DashScope sends it: explicit nulls, its key order, `usage: null`. */
export function contentChunk(env: Envelope, content: string): string {
  return `{"choices":[{"delta":{"content":${JSON.stringify(content)}},"finish_reason":null,"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":${env.created},"system_fingerprint":null,"model":${JSON.stringify(env.model)},"id":"${env.id}"}`;
}

export function firstChunk(env: Envelope): string {
  return `{"choices":[{"delta":{"content":"","role":"assistant"},"index":0,"logprobs":null,"finish_reason":null}],"object":"chat.completion.chunk","usage":null,"created":${env.created},"system_fingerprint":null,"model":${JSON.stringify(env.model)},"id":"${env.id}"}`;
}

export function finishChunk(env: Envelope, reason = 'stop'): string {
  return `{"choices":[{"finish_reason":"${reason}","delta":{"content":""},"index":0,"logprobs":null}],"object":"chat.completion.chunk","usage":null,"created":${env.created},"system_fingerprint":null,"model":${JSON.stringify(env.model)},"id":"${env.id}"}`;
}

export function usageChunk(env: Envelope, prompt: number, completion: number, cached = 0): string {
  return `{"choices":[],"object":"chat.completion.chunk","usage":{"prompt_tokens":${prompt},"completion_tokens":${completion},"total_tokens":${prompt + completion},"prompt_tokens_details":{"cached_tokens":${cached}}},"created":${env.created},"system_fingerprint":null,"model":${JSON.stringify(env.model)},"id":"${env.id}"}`;
}

export function event(payload: string): string {
  return `data: ${payload}\n\n`;
}

export const DONE = 'data: [DONE]\n\n';

let counter = 0;
export function newEnvelope(model: string): Envelope {
  counter++;
  const id = `chatcmpl-${(Date.now().toString(16) + counter.toString(16).padStart(8, '0')).padEnd(32, '0').slice(0, 32)}`;
  return { id, model, created: Math.floor(Date.now() / 1000) };
}

/** Cuts a text into token-like pieces of 1..4 words or CJK characters (deterministic). */
export function pieces(text: string, maxTokens = 4): string[] {
  const toks = text.match(/ ?[A-Za-z0-9_]+|[\u3400-\u9fff]|\n+|[^\S\n]+|[^\sA-Za-z0-9_\u3400-\u9fff]/gu) ?? [];
  const out: string[] = [];
  let n = 1;
  for (let i = 0; i < toks.length; ) {
    const take = 1 + (n++ % maxTokens);
    out.push(toks.slice(i, i + take).join(''));
    i += take;
  }
  return out;
}

/** A whole DashScope stream for a text (and optional reasoning), as the wire would carry it. */
export function dashscopeStream(model: string, text: string, opts: { reasoning?: string; prompt?: number; finish?: string } = {}): string {
  const env = newEnvelope(model);
  const out: string[] = [];
  let tokens = 0;
  if (opts.reasoning) {
    out.push(event(firstChunk(env).replace('"delta":{"content":"","role":"assistant"}', '"delta":{"content":null,"role":"assistant","reasoning_content":""}')));
    for (const p of pieces(opts.reasoning)) {
      tokens++;
      out.push(event(contentChunk(env, '').replace('"delta":{"content":""}', `"delta":{"content":null,"reasoning_content":${JSON.stringify(p)}}`)));
    }
  } else out.push(event(firstChunk(env)));
  for (const p of pieces(text)) {
    tokens++;
    out.push(event(contentChunk(env, p)));
  }
  out.push(event(finishChunk(env, opts.finish ?? 'stop')));
  out.push(event(usageChunk(env, opts.prompt ?? 100, tokens)));
  out.push(DONE);
  return out.join('');
}

/** The events of a recording, each with its own terminator, so they can be written one at a time. */
export function splitEvents(raw: string): string[] {
  const out: string[] = [];
  const re = /\r\n\r\n|\n\n|\r\r/g;
  let last = 0;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    out.push(raw.slice(last, m.index + m[0].length));
    last = m.index + m[0].length;
  }
  if (last < raw.length) out.push(raw.slice(last));
  return out;
}

/** The `data:` payloads of a recording (a tiny SSE reader of its own; the client's is under test). */
export function dataPayloads(raw: string): string[] {
  const out: string[] = [];
  for (const block of splitEvents(raw)) {
    const lines = block.split(/\r\n|\n|\r/).filter((l) => l.startsWith('data:'));
    if (lines.length) out.push(lines.map((l) => l.slice(l.startsWith('data: ') ? 6 : 5)).join('\n'));
  }
  return out;
}

interface AggregateResult {
  status: number;
  body: unknown;
}

/** What DashScope returns for the same answer without streaming: one chat.completion (or the error). */
export function aggregate(raw: string): AggregateResult {
  let id = '';
  let model = '';
  let created = 0;
  let content = '';
  let reasoning = '';
  let finish: string | null = null;
  let usage: unknown = undefined;
  let meta: unknown = undefined;
  const calls: { id: string; type: string; function: { name: string; arguments: string } }[] = [];
  for (const data of dataPayloads(raw)) {
    if (data === '[DONE]') break;
    const c = JSON.parse(data) as Record<string, any>;
    if (c.error) {
      const filtered = /data_inspection_failed/.test(String(c.error.code));
      return { status: filtered ? 400 : 500, body: { error: { ...c.error, type: c.error.code }, id: c.id, request_id: c.request_id } };
    }
    id ||= c.id ?? '';
    model ||= c.model ?? '';
    created ||= c.created ?? 0;
    if (c.usage) usage = c.usage;
    if (c.meta) meta = c.meta;
    for (const ch of c.choices ?? []) {
      const d = ch.delta ?? {};
      if (typeof d.content === 'string') content += d.content;
      const r = d.reasoning_content ?? d.reasoning;
      if (typeof r === 'string') reasoning += r;
      for (const t of d.tool_calls ?? []) {
        const i = t.index ?? 0;
        calls[i] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
        if (t.id) calls[i]!.id = t.id;
        if (t.function?.name) calls[i]!.function.name = t.function.name;
        if (t.function?.arguments) calls[i]!.function.arguments += t.function.arguments;
      }
      if (ch.finish_reason) finish = ch.finish_reason;
    }
  }
  const message: Record<string, unknown> = { role: 'assistant', content: calls.length && !content ? '' : content };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length) message.tool_calls = calls.filter(Boolean).map((c, index) => ({ ...c, index }));
  const body: Record<string, unknown> = {
    choices: [{ message, finish_reason: finish ?? 'stop', index: 0, logprobs: null }],
    object: 'chat.completion',
    usage: usage ?? null,
    created,
    system_fingerprint: null,
    model,
    id,
  };
  if (meta) body.meta = meta;
  return { status: 200, body };
}
