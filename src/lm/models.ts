// The models Qwen offers to VS Code's language-model API, from the catalog: the fields of
// vscode.LanguageModelChatInformation, as plain data. No vscode, and nothing but the catalog and
// the presets, so the activation bundle can answer the model list without loading the core.
import { getModelInfo } from '../qwen/catalog';
import type { ProviderPreset } from '../qwen/providers';

/** vscode.LanguageModelChatInformation's fields. */
export interface LmModelInfo {
  id: string;
  name: string;
  family: string;
  version: string;
  detail: string;
  maxInputTokens: number;
  maxOutputTokens: number;
  capabilities: { toolCalling: boolean; imageInput: boolean };
}

export interface ModelListInput {
  preset: ProviderPreset;
  /** qwen.model ('' = the provider's default): listed too when the provider's list lacks it */
  configured: string;
  /** qwen.baseUrl ('' = the preset's) */
  baseUrl: string;
  /** a custom server's own list (GET /models); ignored for the presets */
  serverModels?: readonly string[];
}

/**
 * What the model picker shows beside a model: the provider, or a custom server's address (its
 * models' names say nothing about where the requests go).
 */
export function modelDetail(preset: ProviderPreset, baseUrl: string): string {
  if (preset.id !== 'custom') return preset.label;
  try {
    return new URL(baseUrl).host;
  } catch {
    return preset.label;
  }
}

export function modelInformation(input: ModelListInput): LmModelInfo[] {
  const listed = input.preset.id === 'custom' ? (input.serverModels ?? []) : input.preset.models;
  const detail = modelDetail(input.preset, input.baseUrl);
  const ids = [...new Set([...listed, input.configured].filter((id) => id.trim() !== ''))];
  return ids.map((id) => {
    const info = getModelInfo(id);
    // The context window holds the answer too: what is left of it is what the input may take.
    const maxInputTokens = Math.max(1, info.contextWindow - info.maxOutputTokens);
    return {
      id,
      name: id,
      family: info.known ? info.id : id,
      version: id,
      detail,
      maxInputTokens,
      maxOutputTokens: info.maxOutputTokens,
      // Model Studio's function-calling page lists every family in the catalog (Max, Plus, Flash,
      // Turbo, Coder, QwQ, the open Qwen3 models). A custom server's models are declared able too:
      // a server that cannot take tools says so in its answer, which reaches the caller as an error.
      capabilities: { toolCalling: true, imageInput: false },
    };
  });
}
