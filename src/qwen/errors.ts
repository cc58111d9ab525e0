// One typed error for every way a request can fail, and the classifiers that turn what the wire
// said (status, body, socket error) into it. The user-facing sentence comes from messages.ts.
import { describeError } from './messages';
import { ErrorBodySchema } from './schema';
import { scrub } from './scrub';
import type { ErrorFacts, QwenAction, QwenErrorKind } from './errorFacts';
import type { ProviderId } from './types';

// Callers know the kinds and actions as the error's own types.
export type { QwenAction, QwenErrorKind } from './errorFacts';

/** What a classifier knows: the facts, what the user can do, and the underlying exception. */
export interface QwenErrorDetails extends ErrorFacts {
  retryable?: boolean;
  /** the main thing the user can do; `actions` lists every helpful one, main first */
  action?: QwenAction;
  actions?: QwenAction[];
  cause?: unknown;
}

// The class carries every ErrorFacts field; this merge declares them on it without writing them again.
export interface QwenError extends ErrorFacts {}

export class QwenError extends Error {
  retryable: boolean;
  action?: QwenAction;
  actions: QwenAction[];

  constructor(details: QwenErrorDetails) {
    const { retryable, action, actions, cause, ...facts } = details;
    super('', cause !== undefined ? { cause } : undefined);
    this.name = 'QwenError';
    Object.assign(this, facts);
    this.retryable = retryable ?? false;
    this.actions = actions ?? (action ? [action] : []);
    this.action = action ?? this.actions[0];
    this.message = describeError(this);
  }

  /** Re-derives the sentence after fields were filled in (partial, attempts). */
  refresh(): this {
    this.message = describeError(this);
    return this;
  }
}

export function isQwenError(e: unknown): e is QwenError {
  return e instanceof QwenError;
}

/** What the classifiers need to know about the request that failed. */
export interface ErrorContext {
  provider: ProviderId;
  /** the preset's label; undefined when qwen.baseUrl sends requests elsewhere */
  providerLabel?: string;
  host: string;
  model: string;
  proxy?: string;
  /** scrub these from anything the server echoes */
  secrets: (string | undefined)[];
}

const MAX_SERVER_MESSAGE = 200;

/** The server's words, made safe to show: one line, bounded, without the key. */
export function cleanServerText(text: unknown, secrets: (string | undefined)[]): string | undefined {
  if (typeof text !== 'string') return undefined;
  let t = scrub(text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim(), secrets);
  if (t.length > MAX_SERVER_MESSAGE) t = t.slice(0, MAX_SERVER_MESSAGE - 1) + '…';
  return t || undefined;
}

/** Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const trimmed = v.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(parseFloat(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

interface ParsedBody {
  code?: string;
  type?: string;
  message?: string;
  requestId?: string;
}

function parseErrorBody(text: string): ParsedBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ErrorBodySchema.safeParse(json);
  if (!parsed.success) return undefined;
  const b = parsed.data;
  const inner = typeof b.error === 'object' && b.error ? b.error : undefined;
  const code = inner?.code ?? b.code;
  const message = inner?.message ?? (typeof b.error === 'string' ? b.error : undefined) ?? (Array.isArray(b.message) ? b.message.join('; ') : b.message);
  return {
    code: code === null || code === undefined ? undefined : String(code),
    type: inner?.type ?? undefined,
    message: message ?? undefined,
    requestId: b.request_id ?? b.requestId ?? undefined,
  };
}

function looksLikeHtml(contentType: string, body: string): boolean {
  return /text\/html/i.test(contentType) || /^\s*(<!doctype html|<html|<head|<body)/i.test(body);
}

const FILTER = /data_inspection_failed|inappropriate content|content[_ ]policy|content[_ ]filter/i;
const BILLING = /arrearage|good standing|overdue|insufficient[_ ]balance|not enough credits|insufficient credits|no credits|out of credits|credit balance|top up|payment required|billing/i;
const AUTH = /invalid_api_key|invalidapikey|incorrect api key|invalid api key|unauthori[sz]ed|authentication/i;
const MODEL_NOT_FOUND = /model ?not ?found|model_not_found|modelnotexist|model .*does not exist|unknown model|no such model|model.*not (exist|supported)/i;
const CONTEXT = /context[_ ]length|input length|too long|maximum context|exceeds? the model|range of input/i;
const QUOTA = /allocationquota|insufficient_quota|allocated quota|quota exceeded|exceeded your current quota/i;

/** Classifies a code + message pair, wherever it came from (HTTP body or a stream's error object). */
function kindFromText(code: string, message: string): QwenErrorKind | undefined {
  const both = `${code} ${message}`;
  if (FILTER.test(both)) return 'content-filter';
  if (BILLING.test(both)) return 'billing';
  if (AUTH.test(code) || /incorrect api key|invalid api key/i.test(message)) return 'auth';
  if (MODEL_NOT_FOUND.test(both)) return 'model-not-found';
  if (/throttling|rate ?limit|too many requests/i.test(both)) return QUOTA.test(both) ? 'quota' : 'rate-limit';
  if (QUOTA.test(code)) return 'quota';
  if (CONTEXT.test(message)) return 'context-length';
  return undefined;
}

function actionsFor(kind: QwenErrorKind, ctx: ErrorContext, extra: { filtered?: 'input' | 'output' } = {}): QwenAction[] {
  switch (kind) {
    case 'missing-key':
      return ['setApiKey'];
    case 'auth':
      return ctx.provider.startsWith('dashscope-') ? ['setApiKey', 'checkRegion'] : ['setApiKey'];
    case 'rate-limit':
    case 'quota':
    case 'server':
    case 'dropped':
    case 'stream-error':
      return ['retry'];
    case 'content-filter':
      return extra.filtered === 'output' ? ['retry'] : ['removeFlaggedMessage'];
    case 'context-length':
      return ['shortenHistory'];
    case 'model-not-found':
      return ['selectModel'];
    case 'endpoint-not-found':
    case 'config':
      return ['openSettings'];
    case 'proxy':
      return ['checkProxy'];
    case 'network':
    case 'timeout':
      return ctx.proxy ? ['retry', 'checkProxy'] : ['retry'];
    default:
      return [];
  }
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** A non-2xx answer (or a 2xx that is not what we asked for) as one QwenError. */
export function errorFromResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  bodyText: string,
  ctx: ErrorContext,
): QwenError {
  const contentType = String(headers['content-type'] ?? '');
  const requestHeaderId = headers['x-request-id'] ?? headers['x-dashscope-request-id'] ?? headers['req-id'];
  const base = {
    status,
    provider: ctx.provider,
    providerLabel: ctx.providerLabel,
    host: ctx.host,
    model: ctx.model,
    proxy: ctx.proxy,
    retryAfterMs: parseRetryAfter(headers['retry-after']),
    requestId: typeof requestHeaderId === 'string' ? requestHeaderId : undefined,
  };

  if (status === 407) {
    return new QwenError({ ...base, kind: 'proxy', code: 'proxy-authentication-required', actions: ['checkProxy'] });
  }
  if (looksLikeHtml(contentType, bodyText)) {
    // A captive portal, corporate proxy or gateway answered: the Qwen service never sends HTML.
    const retryable = status === 502 || status === 503 || status === 504;
    return new QwenError({ ...base, kind: 'proxy', code: 'html-response', retryable, actions: ['checkProxy', ...(retryable ? (['retry'] as const) : [])] });
  }

  const body = parseErrorBody(bodyText);
  const code = body?.code ?? body?.type ?? '';
  const serverMessage = cleanServerText(body?.message ?? (body ? undefined : bodyText), ctx.secrets);
  const message = body?.message ?? '';
  const requestId = body?.requestId ?? base.requestId;
  let kind = kindFromText(code, message);

  if (!kind) {
    if (status === 401) kind = 'auth';
    else if (status === 402) kind = 'billing';
    else if (status === 403) kind = 'access-denied';
    else if (status === 404) kind = body ? 'model-not-found' : 'endpoint-not-found';
    else if (status === 429) kind = 'rate-limit';
    else if (status === 413) kind = 'context-length';
    else if (status >= 500) kind = 'server';
    else if (status >= 400) kind = 'bad-parameter';
    else kind = 'invalid-response';
  }
  // A 404 that names no model is a wrong URL, not a wrong model.
  if (kind === 'model-not-found' && status === 404 && !MODEL_NOT_FOUND.test(`${code} ${message}`) && !/model/i.test(message)) {
    kind = 'endpoint-not-found';
  }
  const filtered = kind === 'content-filter' ? (/output/i.test(message) ? 'output' : 'input') : undefined;
  const retryable = (kind === 'rate-limit' || kind === 'quota' || kind === 'server') && RETRYABLE_STATUS.has(status);
  return new QwenError({
    ...base,
    kind,
    code: code || undefined,
    serverMessage,
    requestId,
    filtered,
    retryable,
    actions: actionsFor(kind, ctx, { filtered }),
  });
}

/** An `{"error":{…}}` object inside a 200 stream. */
export function errorFromStream(error: { code?: unknown; type?: unknown; message?: unknown }, id: string | undefined, ctx: ErrorContext): QwenError {
  const code = error.code === null || error.code === undefined ? (typeof error.type === 'string' ? error.type : '') : String(error.code);
  const message = typeof error.message === 'string' ? error.message : '';
  // Only the kinds that change what the user should do are singled out; the rest is a stream error.
  const kind = kindFromText(code, message) ?? 'stream-error';
  const filtered = kind === 'content-filter' ? (/input/i.test(message) ? 'input' : 'output') : undefined;
  return new QwenError({
    kind,
    code: code || undefined,
    serverMessage: cleanServerText(message, ctx.secrets),
    requestId: id,
    provider: ctx.provider,
    providerLabel: ctx.providerLabel,
    host: ctx.host,
    model: ctx.model,
    filtered,
    inStream: true,
    // Retried only when it came before any event (the client drops `retryable` after the first token).
    retryable: kind === 'rate-limit' || kind === 'quota' || kind === 'stream-error',
    actions: actionsFor(kind, ctx, { filtered }),
  });
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_|HOSTNAME_MISMATCH|EPROTO)/;

export function isTlsCode(code: string): boolean {
  return TLS_CODE.test(code);
}

/** A socket-level failure (DNS, refused, reset, TLS, proxy CONNECT) as one QwenError. */
export function errorFromNetwork(err: unknown, ctx: ErrorContext): QwenError {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : 'ENETWORK';
  const base = {
    code,
    provider: ctx.provider,
    providerLabel: ctx.providerLabel,
    host: ctx.host,
    model: ctx.model,
    proxy: ctx.proxy,
    cause: err,
  };
  if (ctx.proxy && /proxy|tunnel|CONNECT/i.test(String(e?.message ?? ''))) {
    return new QwenError({ ...base, kind: 'proxy', retryable: false, actions: ['checkProxy'] });
  }
  // DNS and certificate failures do not fix themselves in a second; refused/reset connections may.
  const permanent = DNS_CODES.has(code) || isTlsCode(code);
  const actions: QwenAction[] = isTlsCode(code) || (ctx.proxy && code === 'ECONNREFUSED') ? ['checkProxy', 'retry'] : actionsFor('network', ctx);
  return new QwenError({ ...base, kind: 'network', retryable: !permanent, actions });
}
