// Provider presets (each service's OpenAI-compatible base URL, key rules and models) and where a request is sent.
import { DETAILS } from './messages';
import type { ClientConfig, ProviderId } from './types';

export interface ProviderPreset {
  id: ProviderId;
  /** English; the glue localises around it */
  label: string;
  /** '' for custom: the user gives one in qwen.baseUrl */
  baseUrl: string;
  /** conventional environment variable holding the key when none is stored */
  envVar: 'DASHSCOPE_API_KEY' | 'AIMLAPI_API_KEY' | 'QWEN_API_KEY';
  /** used when qwen.model is empty; '' = the server's first model (custom) */
  defaultModel: string;
  /** for ghost-text completions */
  fastCoderModel: string;
  /** offered in the model picker; any other id may be typed */
  models: string[];
  requiresKey: boolean;
  /** DashScope's own request extensions (enable_thinking, thinking_budget, partial) are understood */
  dashscopeExtensions: boolean;
}

const DASHSCOPE_MODELS = [
  'qwen3-coder-plus',
  'qwen3-coder-flash',
  'qwen3-max',
  'qwen-max',
  'qwen-plus',
  'qwen-flash',
  'qwen-turbo',
  'qwq-plus',
];

function dashscope(id: ProviderId, region: string, host: string, models = DASHSCOPE_MODELS): ProviderPreset {
  return {
    id,
    label: `Alibaba Model Studio — ${region}`,
    baseUrl: `https://${host}/compatible-mode/v1`,
    envVar: 'DASHSCOPE_API_KEY',
    defaultModel: models[0]!,
    fastCoderModel: models.includes('qwen3-coder-flash') ? 'qwen3-coder-flash' : models[1] ?? models[0]!,
    models,
    requiresKey: true,
    dashscopeExtensions: true,
  };
}

export const PROVIDERS: Record<ProviderId, ProviderPreset> = {
  'dashscope-intl': dashscope('dashscope-intl', 'Singapore', 'dashscope-intl.aliyuncs.com'),
  // The Virginia region serves only its own -us models, and no coder model among them.
  'dashscope-us': dashscope('dashscope-us', 'Virginia', 'dashscope-us.aliyuncs.com', ['qwen-plus-us', 'qwen-flash-us']),
  'dashscope-cn': dashscope('dashscope-cn', 'Beijing', 'dashscope.aliyuncs.com', [
    ...DASHSCOPE_MODELS,
    'qwen-coder-plus',
    'qwen-coder-turbo',
  ]),
  'dashscope-hk': dashscope('dashscope-hk', 'Hong Kong', 'cn-hongkong.dashscope.aliyuncs.com'),
  aimlapi: {
    id: 'aimlapi',
    label: 'AI/ML API',
    baseUrl: 'https://api.aimlapi.com/v1',
    envVar: 'AIMLAPI_API_KEY',
    defaultModel: 'alibaba/qwen3.7-max',
    fastCoderModel: 'qwen-turbo',
    models: ['alibaba/qwen3.7-max', 'qwen-max', 'qwen-turbo'],
    requiresKey: true,
    dashscopeExtensions: false,
  },
  maxtoken: {
    id: 'maxtoken',
    label: 'maxtoken',
    baseUrl: 'https://api.maxtoken.io/v1',
    envVar: 'QWEN_API_KEY',
    defaultModel: 'qwen3-max',
    fastCoderModel: 'qwen3-max',
    models: ['qwen3-max'],
    requiresKey: true,
    dashscopeExtensions: false,
  },
  custom: {
    id: 'custom',
    label: 'Custom OpenAI-compatible server',
    baseUrl: '',
    envVar: 'QWEN_API_KEY',
    defaultModel: '',
    fastCoderModel: '',
    models: [],
    requiresKey: false,
    dashscopeExtensions: false,
  },
};

export class BaseUrlError extends Error {
  constructor(
    message: string,
    readonly reason: 'missing' | 'invalid' | 'credentials',
  ) {
    super(message);
    this.name = 'BaseUrlError';
  }
}

/**
 * The base URL requests go to: qwen.baseUrl when set (gateways, proxies, custom servers), else the
 * preset's. No trailing slash, so `${base}/chat/completions` is always right. Throws BaseUrlError
 * for custom without a URL, for anything that is not an http(s) URL, and for a URL with user-info.
 */
export function resolveBaseUrl(config: Pick<ClientConfig, 'provider' | 'baseUrl'>): string {
  const preset = PROVIDERS[config.provider] ?? PROVIDERS.custom;
  const raw = (config.baseUrl ?? '').trim() || preset.baseUrl;
  if (!raw) throw new BaseUrlError(DETAILS.customNeedsBaseUrl, 'missing');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BaseUrlError(DETAILS.baseUrlInvalid, 'invalid');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BaseUrlError(DETAILS.baseUrlScheme, 'invalid');
  }
  // The request never carries them (only the Bearer key), so they would do nothing but show wherever the URL does.
  if (url.username || url.password) throw new BaseUrlError(DETAILS.baseUrlCredentials, 'credentials');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}
