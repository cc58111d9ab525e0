// The client's public surface. Everything under src/qwen runs in plain Node (no vscode).
export * from './types';
export { PROVIDERS, resolveBaseUrl, BaseUrlError, type ProviderPreset } from './providers';
export { getModelInfo, estimateCost, priceTier, catalogModelIds, UNKNOWN_MODEL, type ModelInfo, type PriceTier, type ThinkingSupport } from './catalog';
export { checkTransport, isLoopbackHost, chooseProxy, matchesNoProxy, type TransportVerdict, type ProxyChoice } from './transport';
export { QwenClient } from './client';
export { QwenError, isQwenError, parseRetryAfter, type QwenErrorKind, type QwenAction, type QwenErrorDetails } from './errors';
export { describeError, errorText, ACTION_LABELS, type MessageLocale } from './messages';
export { buildRequestBody, normalizeMessages, textOf, type WireRequest, type WireMessage } from './request';
export { ChatStreamDecoder } from './stream';
export { backoffDelay, type BackoffPolicy } from './retry';
