// The model catalog: one table of what each model accepts and costs. Prices are USD per million
// tokens from DashScope's international (Singapore) price list; they change, so the UI shows them
// as estimates. A price left out means "not known": estimateCost then says nothing rather than guess.
import type { Usage } from './types';

export type ThinkingSupport = 'none' | 'optional' | 'always';

export interface PriceTier {
  /** the tier applies while the request's input tokens are at most this many */
  maxInputTokens: number;
  input: number;
  output: number;
  /** cached prompt tokens (DashScope's implicit cache bills them at a fifth of the input price) */
  cachedInput?: number;
  /** reasoning tokens, when the model bills them apart from answer tokens */
  reasoningOutput?: number;
}

export interface ModelInfo {
  /** the catalog id this model resolved to ('' for an unknown model) */
  id: string;
  known: boolean;
  contextWindow: number;
  maxOutputTokens: number;
  thinking: ThinkingSupport;
  /** optional-thinking models that think unless told not to (then non-streaming calls must be avoided) */
  thinkingByDefault?: boolean;
  /** the largest thinking_budget the model accepts */
  maxThinkingBudget?: number;
  /** the model rejects non-streaming calls (QwQ) */
  streamOnly?: boolean;
  /** DashScope's partial mode (continue an assistant prefix) */
  partialMode?: boolean;
  /** whole-request tiers by input size, ascending; undefined = price unknown */
  prices?: PriceTier[];
}

const K = 1024;
const CACHE_RATIO = 0.2;

function tiers(...rows: [maxInput: number, input: number, output: number, reasoningOutput?: number][]): PriceTier[] {
  return rows.map(([maxInputTokens, input, output, reasoningOutput]) => ({
    maxInputTokens,
    input,
    output,
    cachedInput: round(input * CACHE_RATIO),
    ...(reasoningOutput !== undefined ? { reasoningOutput } : {}),
  }));
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

type Entry = Omit<ModelInfo, 'id' | 'known'>;

/** The table. Keys are lower-case ids as DashScope spells them. */
const MODELS: Record<string, Entry> = {
  'qwen3-coder-plus': {
    contextWindow: 1_000_000,
    maxOutputTokens: 65_536,
    thinking: 'none',
    partialMode: true,
    prices: tiers([32 * K, 1, 5], [128 * K, 1.8, 9], [256 * K, 3, 15], [1_000_000, 6, 60]),
  },
  'qwen3-coder-flash': {
    contextWindow: 1_000_000,
    maxOutputTokens: 65_536,
    thinking: 'none',
    partialMode: true,
    prices: tiers([32 * K, 0.3, 1.5], [128 * K, 0.5, 2.5], [256 * K, 0.8, 4], [1_000_000, 1.6, 9.6]),
  },
  'qwen3-max': {
    contextWindow: 262_144,
    maxOutputTokens: 65_536,
    thinking: 'optional',
    partialMode: true,
    prices: tiers([32 * K, 1.2, 6], [128 * K, 2.4, 12], [252 * K, 3, 15]),
  },
  'qwen-max': {
    contextWindow: 32_768,
    maxOutputTokens: 8_192,
    thinking: 'none',
    partialMode: true,
    prices: tiers([32_768, 1.6, 6.4]),
  },
  'qwen-plus': {
    contextWindow: 1_000_000,
    maxOutputTokens: 32_768,
    thinking: 'optional',
    maxThinkingBudget: 81_920,
    partialMode: true,
    // the thinking price above 256K input is not published in our sources: billed here at the output price
    prices: tiers([256 * K, 0.4, 1.2, 4], [1_000_000, 1.2, 3.6]),
  },
  'qwen-turbo': {
    contextWindow: 131_072,
    maxOutputTokens: 16_384,
    thinking: 'optional',
    prices: tiers([131_072, 0.05, 0.2, 0.5]),
  },
  // Below: limits from the model list, prices unknown to our sources.
  'qwen-flash': { contextWindow: 1_000_000, maxOutputTokens: 32_768, thinking: 'optional' },
  'qwq-plus': { contextWindow: 131_072, maxOutputTokens: 8_192, thinking: 'always', streamOnly: true },
  'qwen3.7-max': { contextWindow: 1_000_000, maxOutputTokens: 65_536, thinking: 'always' },
  'qwen3.5-plus': { contextWindow: 1_000_000, maxOutputTokens: 65_536, thinking: 'optional', thinkingByDefault: true },
  'qwen-coder-plus': { contextWindow: 131_072, maxOutputTokens: 8_192, thinking: 'none' },
  'qwen-coder-turbo': { contextWindow: 131_072, maxOutputTokens: 8_192, thinking: 'none' },
};

/** Open-source Qwen3 families: hybrid models think by default, -thinking ones always, -instruct ones never. */
const FAMILY_RULES: { test: RegExp; entry: Entry }[] = [
  { test: /^qwen3-.*-thinking(-\d+)?$/, entry: { contextWindow: 131_072, maxOutputTokens: 32_768, thinking: 'always', streamOnly: true } },
  { test: /^qwen3-.*-instruct(-\d+)?$/, entry: { contextWindow: 131_072, maxOutputTokens: 32_768, thinking: 'none' } },
  { test: /^qwen3-(\d+(\.\d+)?b|\d+b-a\d+b)$/, entry: { contextWindow: 131_072, maxOutputTokens: 16_384, thinking: 'optional', thinkingByDefault: true } },
  { test: /^qwq-/, entry: { contextWindow: 131_072, maxOutputTokens: 8_192, thinking: 'always', streamOnly: true } },
];

/** Conservative limits for ids we know nothing about: small enough that no server rejects them. */
export const UNKNOWN_MODEL: Readonly<ModelInfo> = Object.freeze({
  id: '',
  known: false,
  contextWindow: 32_768,
  maxOutputTokens: 8_192,
  thinking: 'none' as const,
});

const SNAPSHOT_SUFFIX = /-(latest|preview|\d{4}-\d{2}-\d{2}|\d{4})$/;
const REGION_SUFFIX = /-us$/;

const cache = new Map<string, ModelInfo>();

/**
 * What we know about a model id as a user may type it: provider prefixes (`alibaba/qwen3.7-max`),
 * snapshots (`qwen3-coder-plus-2025-07-22`, `-latest`), region suffixes (`qwen-plus-us`), any case.
 */
export function getModelInfo(modelId: string): ModelInfo {
  const hit = cache.get(modelId);
  if (hit) return hit;
  const info = lookup(modelId);
  if (cache.size > 500) cache.clear();
  cache.set(modelId, info);
  return info;
}

function lookup(modelId: string): ModelInfo {
  let id = modelId.trim().toLowerCase();
  const slash = id.lastIndexOf('/');
  if (slash >= 0) id = id.slice(slash + 1);
  // Ollama-style tags (qwen3:32b) name the same models as DashScope's dashes.
  id = id.replace(':', '-');
  const candidates = new Set<string>([id]);
  let stripped = id.replace(REGION_SUFFIX, '');
  candidates.add(stripped);
  while (SNAPSHOT_SUFFIX.test(stripped)) {
    stripped = stripped.replace(SNAPSHOT_SUFFIX, '');
    candidates.add(stripped);
  }
  for (const c of candidates) {
    const entry = MODELS[c];
    if (entry) return { id: c, known: true, ...entry };
  }
  for (const c of candidates) {
    for (const rule of FAMILY_RULES) if (rule.test.test(c)) return { id: c, known: true, ...rule.entry };
  }
  return { ...UNKNOWN_MODEL };
}

/** Every id in the table, for pickers and tests. */
export function catalogModelIds(): string[] {
  return Object.keys(MODELS);
}

/** The tier a request of this many input tokens is billed at (the last tier for anything larger). */
export function priceTier(info: ModelInfo, promptTokens: number): PriceTier | undefined {
  const prices = info.prices;
  if (!prices || prices.length === 0) return undefined;
  for (const t of prices) if (promptTokens <= t.maxInputTokens) return t;
  return prices[prices.length - 1];
}

/**
 * Estimated cost in USD of one request. The provider's own figure (AI/ML API's usd_spent) wins when
 * present; otherwise the catalog's price at the request's input tier, or undefined when unknown.
 */
export function estimateCost(modelId: string, usage: Usage): number | undefined {
  if (typeof usage.usdSpent === 'number' && Number.isFinite(usage.usdSpent)) return usage.usdSpent;
  const tier = priceTier(getModelInfo(modelId), usage.promptTokens);
  if (!tier) return undefined;
  const cached = Math.min(usage.cachedTokens ?? 0, usage.promptTokens);
  const reasoning = Math.min(usage.reasoningTokens ?? 0, usage.completionTokens);
  const usd =
    (usage.promptTokens - cached) * tier.input +
    cached * (tier.cachedInput ?? tier.input) +
    (usage.completionTokens - reasoning) * tier.output +
    reasoning * (tier.reasoningOutput ?? tier.output);
  return usd / 1_000_000;
}
