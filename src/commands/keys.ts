import * as vscode from 'vscode';
import { Commands } from '../constants';
import { PROVIDERS } from '../qwen';
import { PROVIDER_IDS, type ProviderId } from '../qwen/types';
import { SecretStoreUnavailableError } from '../secrets';
import type { Services } from '../services';

function providerFromArg(arg: unknown, fallback: ProviderId): ProviderId {
  const id = typeof arg === 'string' ? arg : (arg as { provider?: unknown } | undefined)?.provider;
  return typeof id === 'string' && (PROVIDER_IDS as readonly string[]).includes(id) ? (id as ProviderId) : fallback;
}

/** `Qwen: Set API Key` and `Qwen: Clear API Key`. Neither sends anything over the network. */
export function registerKeyCommands(services: Services): vscode.Disposable[] {
  const setKey = vscode.commands.registerCommand(Commands.setApiKey, async (arg?: unknown) => {
    const provider = providerFromArg(arg, services.settings().provider);
    const preset = PROVIDERS[provider];
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t('Qwen: Set API Key'),
      prompt: vscode.l10n.t('API key for {0}. It is kept in VS Code\'s secret storage, never in settings.', preset.label),
      placeHolder: 'sk-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => {
        const t = v.trim();
        if (!t) return vscode.l10n.t('Paste the key, or press Escape to cancel.');
        if (/\s/.test(t)) return vscode.l10n.t('An API key has no spaces in it.');
        return undefined;
      },
    });
    if (key === undefined) return false;
    try {
      await services.keys.set(provider, key.trim());
    } catch (e) {
      if (e instanceof SecretStoreUnavailableError) {
        services.log.error(`SecretStorage store failed: ${String((e as { cause?: unknown }).cause)}`);
        void vscode.window.showErrorMessage(e.message);
        return false;
      }
      throw e;
    }
    services.log.info(`API key stored for ${provider}`);
    void vscode.window.showInformationMessage(vscode.l10n.t('API key saved for {0}.', preset.label));
    return true;
  });

  const clearKey = vscode.commands.registerCommand(Commands.clearApiKey, async (arg?: unknown) => {
    const provider = providerFromArg(arg, services.settings().provider);
    const preset = PROVIDERS[provider];
    try {
      await services.keys.delete(provider);
    } catch (e) {
      if (e instanceof SecretStoreUnavailableError) {
        void vscode.window.showErrorMessage(e.message);
        return false;
      }
      throw e;
    }
    services.log.info(`API key removed for ${provider}`);
    const envStillSet = !!process.env[preset.envVar];
    void vscode.window.showInformationMessage(
      envStillSet
        ? vscode.l10n.t('API key removed for {0}. The {1} environment variable is still set and will be used.', preset.label, preset.envVar)
        : vscode.l10n.t('API key removed for {0}.', preset.label),
    );
    return true;
  });

  return [setKey, clearKey];
}
