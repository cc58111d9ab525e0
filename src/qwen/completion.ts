// Whole (non-streamed) JSON answers: a chat completion and a model list, read as untrusted input,
// and a whole answer replayed as the events a stream would have given.
import type * as z from 'zod';
import { contextFields } from './attempt';
import { errorFromStream, QwenError, type ErrorContext } from './errors';
import { CompletionSchema, ModelListSchema } from './schema';
import { emptyResult, usageFromWire } from './stream';
import type { ChatResult, StreamOptions, ToolCall } from './types';

/** The body as JSON of the schema's shape, or an `invalid-response` QwenError naming what was wrong. */
function parseAs<T>(text: string, schema: z.ZodType<T>, wrongShape: string, ctx: ErrorContext): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new QwenError({ kind: 'invalid-response', code: 'bad-json', ...contextFields(ctx) });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new QwenError({ kind: 'invalid-response', code: wrongShape, ...contextFields(ctx) });
  return parsed.data;
}

/** The ids a `GET /models` lists. */
export function parseModelList(text: string, ctx: ErrorContext): string[] {
  return parseAs(text, ModelListSchema, 'bad-model-list', ctx).data.map((m) => m.id);
}

/** A `chat.completion` body as the result a stream of it would have built; an `error` inside it throws. */
export function parseCompletion(text: string, ctx: ErrorContext): ChatResult {
  const c = parseAs(text, CompletionSchema, 'bad-completion', ctx);
  if (c.error) throw errorFromStream(c.error, c.id ?? undefined, ctx);
  const choice = c.choices?.find((ch) => (ch.index ?? 0) === 0);
  if (!choice) throw new QwenError({ kind: 'invalid-response', code: 'no-choices', ...contextFields(ctx) });
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
export function replayAsEvents(result: ChatResult, opts: StreamOptions): void {
  const emit = opts.onEvent;
  if (!emit) return;
  const live = () => !opts.signal?.aborted;
  if (result.reasoning && live()) emit({ type: 'reasoning', text: result.reasoning });
  if (result.text && live()) emit({ type: 'text', text: result.text });
  result.toolCalls.forEach((call, index) => live() && emit({ type: 'toolCall', index, call }));
  if (result.finishReason && live()) emit({ type: 'finish', reason: result.finishReason });
  if (result.usage && live()) emit({ type: 'usage', usage: result.usage });
}
