import * as vscode from 'vscode';
import { Commands } from './constants';
import type { Services } from './services';

/** What the status bar reads: the settings, the provider and model they name, what is streaming. */
export type StatusSource = Pick<Services, 'settings' | 'preset' | 'modelFor' | 'streams'>;

/** Provider and model at a glance, what is streaming, and one click to change the model. */
export class QwenStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('qwen.status', vscode.StatusBarAlignment.Right, 100);
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly services: StatusSource) {
    this.item.name = 'Qwen';
    this.item.command = Commands.selectModel;
    this.subs.push(services.streams.onDidChange(() => this.render()));
    this.render();
    this.item.show();
  }

  render(): void {
    const settings = this.services.settings();
    const preset = this.services.preset(settings);
    // A custom server with no qwen.model answers with its own (first) model: say so, not nothing.
    const model = this.services.modelFor(settings) || vscode.l10n.t("server's model");
    const streaming = this.services.streams.labels;
    this.item.text = streaming.length ? `$(loading~spin) ${model}` : `$(sparkle) ${model}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Qwen** · ${preset.label}\n\n`);
    md.appendMarkdown(vscode.l10n.t('Model: {0}', model) + '\n\n');
    if (streaming.length) md.appendMarkdown(vscode.l10n.t('Streaming: {0}', streaming.join(', ')) + '\n\n');
    md.appendMarkdown(vscode.l10n.t('Click to choose another model.'));
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Qwen model {0} on {1}', model, preset.label) };
  }

  dispose(): void {
    this.item.dispose();
    for (const s of this.subs) s.dispose();
  }
}
