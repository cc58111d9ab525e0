// A fill-in-the-middle `POST /v1/completions` endpoint for the fake server, as vLLM and DashScope
// (qwen-coder-turbo, Beijing) answer it: one `text_completion` object, stop sequences honoured.
// Plug it in with server.setScenario(completionScenario(...)): a queued scenario answers every
// path, so the handler also answers chat requests (with the same text) and GET /models, and 404s
// anything else.
import type { ScenarioContext } from './server';
import type { ScenarioHandler } from './scenarios';

const FIM_PREFIX = '<|fim_prefix|>';
const FIM_SUFFIX = '<|fim_suffix|>';
const FIM_MIDDLE = '<|fim_middle|>';

/** The prefix and suffix of a Qwen FIM prompt; undefined when it is not one. */
export function splitFimPrompt(prompt: string): { prefix: string; suffix: string } | undefined {
  const p = prompt.indexOf(FIM_PREFIX);
  const s = prompt.indexOf(FIM_SUFFIX);
  const m = prompt.indexOf(FIM_MIDDLE);
  if (p !== 0 || s < p || m < s || m + FIM_MIDDLE.length !== prompt.length) return undefined;
  return { prefix: prompt.slice(FIM_PREFIX.length, s), suffix: prompt.slice(s + FIM_SUFFIX.length, m) };
}

/** Cuts `text` at the first stop sequence, as servers do (the stop itself is not returned). */
export function applyStop(text: string, stop: unknown): { text: string; stopped: boolean } {
  const list = typeof stop === 'string' ? [stop] : Array.isArray(stop) ? stop.filter((s): s is string => typeof s === 'string' && s.length > 0) : [];
  let cut = -1;
  for (const s of list) {
    const i = text.indexOf(s);
    if (i >= 0 && (cut < 0 || i < cut)) cut = i;
  }
  return cut < 0 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

export function textCompletionBody(model: string, text: string, finish: 'stop' | 'length' = 'stop', promptTokens = 100): unknown {
  return {
    id: `cmpl-${Date.now().toString(16)}`,
    object: 'text_completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, text, logprobs: null, finish_reason: finish }],
    usage: { prompt_tokens: promptTokens, completion_tokens: Math.max(1, Math.ceil(text.length / 4)), total_tokens: promptTokens + Math.max(1, Math.ceil(text.length / 4)) },
  };
}

export interface CompletionScenarioOptions {
  /** ms before answering (a model's time to answer); the connection may be closed meanwhile */
  delay?: number | ((ctx: ScenarioContext) => number);
  /** answer /completions with this HTTP error instead */
  fimStatus?: number;
  /** what GET /models lists (default: a FIM-capable coder model first) */
  models?: string[];
}

/**
 * Answers FIM requests with `answer(prefix, suffix)` and chat requests with `answer(lastUserText, '')`
 * (streamed like DashScope when asked to stream).
 */
export function completionScenario(answer: (prefix: string, suffix: string, ctx: ScenarioContext) => string, opts: CompletionScenarioOptions = {}): ScenarioHandler {
  return async (ctx) => {
    const path = ctx.record.path;
    const delay = typeof opts.delay === 'function' ? opts.delay(ctx) : opts.delay ?? 0;
    const isChat = path.endsWith('/chat/completions');
    const isFim = !isChat && path.endsWith('/completions') && ctx.req.method === 'POST';
    if (ctx.req.method === 'GET' && path.endsWith('/models')) {
      ctx.json(200, { object: 'list', data: (opts.models ?? ['qwen2.5-coder-7b', 'qwen3-coder-plus']).map((id) => ({ id, object: 'model', created: 1763000000, owned_by: 'fake' })) });
      return;
    }
    if (!isChat && !isFim) {
      ctx.json(404, { detail: 'Not Found' });
      return;
    }
    if (delay) await ctx.sleep(delay);
    if (ctx.clientClosed) return;
    if (isChat) {
      await ctx.reply(answer(ctx.lastUserText, '', ctx));
      return;
    }
    if (opts.fimStatus) {
      ctx.json(opts.fimStatus, opts.fimStatus === 404 ? { detail: 'Not Found' } : { error: { code: 'invalid_parameter_error', message: 'This model does not support the completions API.', type: 'invalid_request_error' } });
      return;
    }
    const body = ctx.body as { model?: unknown; prompt?: unknown; max_tokens?: unknown; stop?: unknown } | undefined;
    if (typeof body?.model !== 'string' || !body.model || typeof body.prompt !== 'string') {
      ctx.json(400, { error: { code: 'invalid_parameter_error', message: 'model and prompt are required.', type: 'invalid_request_error' } });
      return;
    }
    const parts = splitFimPrompt(body.prompt) ?? { prefix: body.prompt, suffix: '' };
    const { text, stopped } = applyStop(answer(parts.prefix, parts.suffix, ctx), body.stop);
    ctx.json(200, textCompletionBody(body.model, text, stopped || typeof body.max_tokens !== 'number' || text.length / 4 < body.max_tokens ? 'stop' : 'length'));
  };
}
