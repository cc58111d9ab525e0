// The provider preset and the model the settings name. Nothing here loads the client, so the
// status bar can show them from activation on.
import { readSettings, type QwenSettings } from './config';
import { PROVIDERS, type ProviderPreset } from './qwen/providers';

export function activePreset(settings: QwenSettings = readSettings()): ProviderPreset {
  return PROVIDERS[settings.provider];
}

/** The model id for chat and commands: qwen.model, else the provider's default. */
export function activeModel(settings: QwenSettings = readSettings()): string {
  return settings.model || PROVIDERS[settings.provider].defaultModel;
}
