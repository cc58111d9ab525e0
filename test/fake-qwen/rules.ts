// The request rules DashScope enforces (one system message first, max_tokens within the model's
// output limit, temperature in [0, 2), top_p in (0, 1], no thinking without streaming), so a client
// that breaks them fails here the way it would in production, with the same status and body shape.

/** Output limits the server knows; other models accept any max_tokens. */
const MAX_TOKENS: Record<string, number> = {
  'qwen3-coder-plus': 65_536,
  'qwen3-coder-flash': 65_536,
  'qwen3-max': 65_536,
  'qwen-max': 8_192,
  'qwen-plus': 32_768,
  'qwen-turbo': 16_384,
  'qwen-flash': 32_768,
  'qwq-plus': 8_192,
};

export interface RuleViolation {
  status: number;
  body: unknown;
}

function invalid(message: string, requestId: string): RuleViolation {
  return {
    status: 400,
    body: { error: { code: 'invalid_parameter_error', param: null, message, type: 'invalid_request_error' }, id: `chatcmpl-${requestId}`, request_id: requestId },
  };
}

/** The first rule a chat request breaks, as DashScope would answer it; undefined when it is fine. */
export function checkQwenRules(body: unknown, requestId: string): RuleViolation | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('Request body is not a JSON object.', requestId);
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || !b.model) return invalid('Model not specified.', requestId);
  if (!Array.isArray(b.messages) || b.messages.length === 0) return invalid('Input should be a non-empty list of messages.', requestId);
  const messages = b.messages as Record<string, unknown>[];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (typeof m !== 'object' || m === null || typeof m.role !== 'string') return invalid(`messages[${i}] has no role.`, requestId);
    if (m.role === 'system' && i !== 0) return invalid('The system role can only appear in messages[0].', requestId);
    const c = m.content;
    const okContent = typeof c === 'string' || c === null || (Array.isArray(c) && c.every((p) => p && typeof p === 'object' && (p as { type?: unknown }).type === 'text' && typeof (p as { text?: unknown }).text === 'string'));
    if (!okContent) return invalid(`messages[${i}].content must be a string or a list of text parts.`, requestId);
  }
  const model = b.model.toLowerCase();
  const limit = MAX_TOKENS[model];
  if (b.max_tokens !== undefined) {
    if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1 || (limit !== undefined && b.max_tokens > limit)) {
      return invalid(`Range of max_tokens should be [1, ${limit ?? 'inf'}]`, requestId);
    }
  }
  if (b.temperature !== undefined && (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature >= 2)) {
    return invalid('Range of temperature should be [0.0, 2.0)', requestId);
  }
  if (b.top_p !== undefined && (typeof b.top_p !== 'number' || b.top_p <= 0 || b.top_p > 1)) {
    return invalid('Range of top_p should be (0.0, 1.0]', requestId);
  }
  if (b.enable_thinking === true && b.stream !== true) {
    return invalid('parameter.enable_thinking must be set to false for non-streaming calls', requestId);
  }
  if (model.startsWith('qwq') && b.stream !== true) {
    return invalid('This model only support stream mode, please enable the stream parameter to access the model. ', requestId);
  }
  if (b.stream_options !== undefined && b.stream !== true) {
    return invalid('The stream_options parameter is only allowed when stream is enabled.', requestId);
  }
  return undefined;
}
