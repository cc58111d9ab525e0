// The model picker and the thinking switch of the chat view: which models to offer (a custom
// server's own list, fetched in the background), which one is active, and whether it thinks.
import { getModelInfo } from '../qwen';
import type { ChatRequest } from '../qwen/types';
import type { ModelInfo, Thinking } from '../protocol/messages';
import { isUnavailable, type Services } from '../services';

export class ModelChoice {
  /** undefined = the model's own default */
  private thinking: { enabled?: boolean; budget: number | null } = { budget: null };
  private serverModels?: { baseUrl: string; ids: string[]; at: number };
  private fetchingModelsFor?: string;

  /** `changed`: a server's model list arrived, the view's state is stale */
  constructor(
    private readonly services: Services,
    private readonly changed: () => void,
  ) {}

  state(): { models: ModelInfo[]; model: string; thinking: Thinking } {
    const settings = this.services.settings();
    const preset = this.services.preset(settings);
    let model = this.services.modelFor(settings);
    let catalog = preset.models;
    if (catalog.length === 0) {
      // A custom server: its own models (GET /models); with no qwen.model the client uses its first.
      catalog = this.serverModelsFor(settings.baseUrl);
      model ||= catalog[0] ?? '';
    }
    const models = [...new Set([model, ...catalog].filter(Boolean))].map((id) => ({ id, label: id }));
    return { models, model, thinking: this.thinkingState(model) };
  }

  setThinking(enabled: boolean, budget: number | null): Thinking {
    this.thinking = { enabled, budget };
    return this.thinkingState(this.services.modelFor());
  }

  /** The request's thinking switch, sent only to a model where the user may choose. */
  requestThinking(model: string): ChatRequest['thinking'] {
    const t = this.thinkingState(model);
    return t.capability === 'optional' ? { enabled: t.enabled, budget: t.budget ?? undefined } : undefined;
  }

  private thinkingState(model: string): Thinking {
    const info = getModelInfo(model);
    return {
      capability: info.thinking,
      enabled: info.thinking === 'always' ? true : info.thinking === 'none' ? false : (this.thinking.enabled ?? !!info.thinkingByDefault),
      budget: this.thinking.budget,
      maxBudget: info.maxThinkingBudget ?? null,
    };
  }

  /** The models a custom server lists, fetched once per address in the background. */
  private serverModelsFor(baseUrl: string): string[] {
    const known = this.serverModels?.baseUrl === baseUrl ? this.serverModels : undefined;
    // a server that was down (empty list) is asked again after a while: it may have been started since
    if (known && (known.ids.length || Date.now() - known.at < 30_000)) return known.ids;
    if (this.fetchingModelsFor !== baseUrl) {
      this.fetchingModelsFor = baseUrl;
      void this.fetchServerModels(baseUrl);
    }
    return known?.ids ?? [];
  }

  private async fetchServerModels(baseUrl: string): Promise<void> {
    let ids: string[] = [];
    try {
      const cc = await this.services.client({ interactive: false });
      if (!isUnavailable(cc)) ids = (await cc.client.listModels({ signal: AbortSignal.timeout(5000) })).slice(0, 200);
    } catch (e) {
      this.services.log.debug(`the server's model list is unavailable: ${String((e as Error)?.message ?? e)}`);
    }
    if (this.fetchingModelsFor !== baseUrl) return; // the address changed meanwhile
    this.fetchingModelsFor = undefined;
    this.serverModels = { baseUrl, ids, at: Date.now() };
    if (ids.length) this.changed();
  }
}
