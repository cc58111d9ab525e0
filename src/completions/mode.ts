// How a completion is asked for, by provider and model:
//  - fim:     POST /completions with Qwen-Coder's <|fim_prefix|>…<|fim_suffix|>…<|fim_middle|> prompt.
//             DashScope serves it for qwen-coder-turbo / qwen2.5-coder in Beijing only; local servers
//             (vLLM, Ollama, LM Studio) for the Qwen coder models they host.
//  - partial: DashScope's partial mode: the chat prompt plus an assistant message holding the text
//             just before the cursor, which the model continues (no prose, no fences).
//  - chat:    the chat prompt alone, for every other model and provider.
import { getModelInfo } from '../qwen/catalog';
import type { ProviderPreset } from '../qwen/providers';

export type CompletionMode = 'fim' | 'partial' | 'chat';

/** Qwen coder models trained with FIM tokens, as local servers name them (`Qwen/Qwen2.5-Coder-7B`, `qwen2.5-coder:7b`). */
const LOCAL_FIM_MODEL = /coder/i;
/** DashScope's hosted chat-only coder models: their /completions does not exist. */
const CHAT_ONLY_CODER = /^qwen3?-coder-(plus|flash)(-|$)/i;
const DASHSCOPE_FIM_MODEL = /^(qwen-coder-turbo|qwen2\.5-coder)/i;

export function chooseMode(preset: Pick<ProviderPreset, 'id' | 'dashscopeExtensions'>, model: string): CompletionMode {
  if (preset.id === 'dashscope-cn' && DASHSCOPE_FIM_MODEL.test(model)) return 'fim';
  if (preset.id === 'custom' && model && LOCAL_FIM_MODEL.test(model) && !CHAT_ONLY_CODER.test(model)) return 'fim';
  if (preset.dashscopeExtensions && model && getModelInfo(model).partialMode === true) return 'partial';
  return 'chat';
}
