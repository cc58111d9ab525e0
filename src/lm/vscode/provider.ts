// Qwen as a provider of VS Code's language-model API: the model list, streamed answers and token
// counts behind `vscode.lm.registerLanguageModelChatProvider('qwen', …)`. Requests go through the
// same client, key, settings, proxy and error sentences as the chat (Services.client); what a
// request becomes and how tool calls are read is lm/request.ts, the model fields lm/models.ts.
// extension.ts registers the provider at activation; its methods reach this class once the core
// is loaded (a preset's model list needs no core: the stand-in answers it from lm/models.ts).
import * as vscode from 'vscode';
import { errorText, isQwenError, QwenError } from '../../qwen';
import { isUnavailable, type ClientUnavailable, type Services } from '../../services';
import { modelInformation, type LmModelInfo } from '../models';
import { buildLmRequest, countTokens, parseToolInput, readPart, usageLine, type LmMessage, type LmRole } from '../request';
import type { Usage } from '../../qwen/types';

function roleOf(role: vscode.LanguageModelChatMessageRole): LmRole {
  // System (3) is a proposed role in 1.104's typings; a caller allowed to use it may send one.
  return role === vscode.LanguageModelChatMessageRole.Assistant ? 'assistant' : (role as number) === 3 ? 'system' : 'user';
}

function toLmMessage(m: vscode.LanguageModelChatRequestMessage): LmMessage {
  return { role: roleOf(m.role), content: m.content.map(readPart) };
}

export class QwenChatModels {
  constructor(private readonly services: Services) {}

  /** The active provider's models; a custom server's come from its GET /models, fetched once per address. */
  async information(): Promise<LmModelInfo[]> {
    const settings = this.services.settings();
    const preset = this.services.preset(settings);
    const ids = preset.id === 'custom' ? await this.services.serverModels.list() : undefined;
    return modelInformation({ preset, baseUrl: settings.baseUrl, configured: settings.model, serverModels: ids });
  }

  tokenCount(text: string | vscode.LanguageModelChatRequestMessage): number {
    return countTokens(typeof text === 'string' ? text : toLmMessage(text));
  }

  async respond(
    model: vscode.LanguageModelChatInformation,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    if (token.isCancellationRequested) return;
    // Interactive: a missing key or a plain-http address is told to the user, with the button to fix it.
    const access = await this.services.client({ interactive: true });
    if (isUnavailable(access)) throw new Error(this.unavailableText(access));
    if (token.isCancellationRequested) return;

    const request = buildLmRequest({
      model: model.id,
      provider: access.settings.provider,
      messages: messages.map(toLmMessage),
      tools: options.tools,
      toolMode: options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto',
      modelOptions: options.modelOptions,
    });
    const abort = new AbortController();
    // Cancelling closes the connection at once: the client's abort destroys the socket.
    const cancelled = token.onCancellationRequested(() => abort.abort());
    let usage: Usage | undefined;
    const badCalls: string[] = [];
    try {
      const result = await access.client.streamChat(request, {
        signal: abort.signal,
        onEvent: (e) => {
          // Reasoning is left out: VS Code's thinking part is not stable, and in a text part it
          // would read as the answer.
          if (e.type === 'text') progress.report(new vscode.LanguageModelTextPart(e.text));
          else if (e.type === 'toolCall') {
            const parsed = parseToolInput(e.call.function.arguments);
            if ('input' in parsed) progress.report(new vscode.LanguageModelToolCallPart(e.call.id, e.call.function.name, parsed.input));
            else badCalls.push(`${e.call.function.name}: ${parsed.error}`);
          } else if (e.type === 'usage') usage = e.usage;
        },
      });
      this.services.log.info(usageLine(result.requestedModel || model.id, usage ?? result.usage));
    } catch (e) {
      if (abort.signal.aborted || (isQwenError(e) && e.kind === 'aborted')) {
        this.services.log.info(`Language model request (${model.id}) cancelled by its caller`);
        return;
      }
      this.services.log.error(e instanceof Error ? e : String(e));
      throw isQwenError(e) ? new Error(errorText(e, vscode.env.language)) : e;
    } finally {
      cancelled.dispose();
    }
    if (badCalls.length) {
      this.services.log.warn(`Language model request (${model.id}): tool call arguments that are not JSON: ${badCalls.join('; ')}`);
      throw new Error(vscode.l10n.t('Qwen answered with a tool call whose arguments are not valid JSON ({0}); the call was not passed on.', badCalls.join('; ')));
    }
  }

  private unavailableText(access: ClientUnavailable): string {
    const preset = this.services.preset();
    switch (access.unavailable) {
      case 'missingKey':
        // The client's own sentence: it names "Qwen: Set API Key" and says nothing was sent.
        return errorText(new QwenError({ kind: 'missing-key', actions: ['setApiKey'], provider: preset.id, providerLabel: preset.label }), vscode.env.language);
      case 'badBaseUrl':
        return vscode.l10n.t('Qwen sent nothing: "qwen.baseUrl" is missing or not a valid address.');
      case 'insecureHttp':
        return vscode.l10n.t('Qwen sent nothing: the address in "qwen.baseUrl" uses plain http and was not allowed.');
      case 'secretStore':
        return vscode.l10n.t("Qwen sent nothing: VS Code's secret storage, where the API key is kept, cannot be read.");
    }
  }
}
