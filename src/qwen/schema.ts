// The wire shapes we accept, as zod schemas: loose (unknown keys kept) and nullish (DashScope sends
// explicit nulls everywhere). Only the fields we read are described; anything else may vary.
// A namespace import lets the bundler leave out zod's locales (~350 KB minified) that `{ z }` drags in.
import * as z from 'zod';

const str = z.string().nullish();
const num = z.number().nullish();

export const ErrorObjectSchema = z.looseObject({
  code: z.union([z.string(), z.number()]).nullish(),
  type: str,
  message: str,
  param: z.unknown().optional(),
});

export const UsageSchema = z.looseObject({
  prompt_tokens: num,
  completion_tokens: num,
  total_tokens: num,
  prompt_tokens_details: z.looseObject({ cached_tokens: num }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: num }).nullish(),
});

export const MetaSchema = z.looseObject({
  usage: z.looseObject({ credits_used: num, usd_spent: num }).nullish(),
});

export const ToolCallDeltaSchema = z.looseObject({
  index: num,
  id: str,
  type: str,
  // qwen-max sometimes sends `function: {}`
  function: z.looseObject({ name: str, arguments: str }).nullish(),
});

const TextPartSchema = z.looseObject({ type: str, text: str });

export const DeltaSchema = z.looseObject({
  role: str,
  content: z.union([z.string(), z.array(TextPartSchema)]).nullish(),
  reasoning_content: str,
  reasoning: str,
  tool_calls: z.array(ToolCallDeltaSchema).nullish(),
});

export const ChunkChoiceSchema = z.looseObject({
  index: num,
  delta: DeltaSchema.nullish(),
  finish_reason: str,
});

/** One `data:` payload of a chat.completion.chunk stream (or an error object inside the stream). */
export const ChunkSchema = z.looseObject({
  id: str,
  model: str,
  choices: z.array(ChunkChoiceSchema).nullish(),
  usage: UsageSchema.nullish(),
  meta: MetaSchema.nullish(),
  error: ErrorObjectSchema.nullish(),
});

export type Chunk = z.infer<typeof ChunkSchema>;
export type ChunkDelta = z.infer<typeof DeltaSchema>;
export type WireUsage = z.infer<typeof UsageSchema>;
export type WireMeta = z.infer<typeof MetaSchema>;

export const MessageSchema = z.looseObject({
  role: str,
  content: z.union([z.string(), z.array(TextPartSchema)]).nullish(),
  reasoning_content: str,
  reasoning: str,
  tool_calls: z
    .array(
      z.looseObject({
        id: str,
        type: str,
        function: z.looseObject({ name: str, arguments: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish() }).nullish(),
      }),
    )
    .nullish(),
});

/** A non-streaming chat.completion. */
export const CompletionSchema = z.looseObject({
  id: str,
  model: str,
  choices: z.array(z.looseObject({ index: num, message: MessageSchema.nullish(), finish_reason: str })).nullish(),
  usage: UsageSchema.nullish(),
  meta: MetaSchema.nullish(),
  error: ErrorObjectSchema.nullish(),
});

export type Completion = z.infer<typeof CompletionSchema>;

/** GET {base}/models (OpenAI, vLLM, Ollama, LM Studio all answer this shape). */
export const ModelListSchema = z.looseObject({
  data: z.array(z.looseObject({ id: z.string() })),
});

/** Error bodies: OpenAI-compatible `{error:{…}}`, DashScope native `{code,message}`, AI/ML API `{message,statusCode,…}`. */
export const ErrorBodySchema = z.looseObject({
  error: z.union([ErrorObjectSchema, z.string()]).nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  message: z.union([z.string(), z.array(z.string())]).nullish(),
  request_id: str,
  requestId: str,
  statusCode: num,
});

export type ErrorBody = z.infer<typeof ErrorBodySchema>;
