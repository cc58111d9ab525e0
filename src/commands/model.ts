import * as vscode from 'vscode';
import { Commands, Settings } from '../constants';
import { getModelInfo } from '../qwen';
import { isUnavailable, type Services } from '../services';

interface ModelItem extends vscode.QuickPickItem {
  id: string;
}

function describe(id: string): string {
  const info = getModelInfo(id);
  const ctx = info.contextWindow >= 1_000_000 ? `${info.contextWindow / 1_000_000}M` : `${Math.round(info.contextWindow / 1024)}K`;
  const thinking = info.thinking === 'none' ? '' : info.thinking === 'always' ? vscode.l10n.t(' · reasoning') : vscode.l10n.t(' · optional reasoning');
  return `${vscode.l10n.t('{0} context', ctx)}${thinking}`;
}

/**
 * `Qwen: Select Model`: the provider's catalog, a custom server's own list, and whatever id the
 * user types (providers add models faster than any catalog).
 */
export function registerModelCommand(services: Services): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.selectModel, async () => {
    const settings = services.settings();
    const preset = services.preset(settings);
    const current = services.modelFor(settings);
    const qp = vscode.window.createQuickPick<ModelItem>();
    qp.title = vscode.l10n.t('Qwen: Select Model ({0})', preset.label);
    qp.placeholder = vscode.l10n.t('Pick a model or type any model id');
    qp.matchOnDescription = true;

    const base: ModelItem[] = preset.models.map((id) => ({
      id,
      label: id,
      description: (id === current ? '$(check) ' : '') + describe(id),
    }));
    let listed: ModelItem[] = [];
    const refresh = (): void => {
      const typed = qp.value.trim();
      const all = [...base, ...listed];
      const extra: ModelItem[] = typed && !all.some((i) => i.id === typed) ? [{ id: typed, label: typed, description: vscode.l10n.t('use this model id') }] : [];
      qp.items = [...extra, ...all];
    };
    refresh();
    qp.onDidChangeValue(refresh);

    const abort = new AbortController();
    if (settings.provider === 'custom') {
      qp.busy = true;
      void (async () => {
        try {
          const cc = await services.client({ interactive: false });
          if (isUnavailable(cc)) return;
          // The user opened the picker: what the server serves now (and every list shares it).
          const ids = await cc.client.listModels({ signal: abort.signal, fresh: true });
          listed = ids.filter((id) => !preset.models.includes(id)).map((id) => ({ id, label: id, description: vscode.l10n.t('from the server') }));
          refresh();
        } catch (e) {
          services.log.warn(`Listing models failed: ${(e as Error).message}`);
        } finally {
          qp.busy = false;
        }
      })();
    }

    const picked = await new Promise<string | undefined>((resolve) => {
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]?.id ?? (qp.value.trim() || undefined));
        qp.hide();
      });
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    abort.abort();
    qp.dispose();
    if (!picked) return undefined;
    await vscode.workspace.getConfiguration(Settings.section).update(Settings.model, picked, vscode.ConfigurationTarget.Global);
    return picked;
  });
}
