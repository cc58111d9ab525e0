import * as vscode from 'vscode';
import { Commands, Settings } from '../constants';
import { readSettings } from '../config';

export const TOGGLE_COMPLETIONS = 'qwen.toggleCompletions';

/** Why completions are quiet although on; shown in the status item, never as a notification. */
export type CompletionHint =
  | { kind: 'missingKey'; provider: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'error'; message: string };

/**
 * The ghost-text switch in the status bar: on/off at a glance, a spinner while a request runs, and a
 * warning look (with the reason in its tooltip) when the key is missing or the last request failed.
 * Every suggestion costs money, so it starts off and one click turns it on or off.
 */
export class CompletionStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('qwen.completions', vscode.StatusBarAlignment.Right, 99);
  private hint?: CompletionHint;
  private busy = false;
  private detail = '';

  constructor() {
    this.item.name = vscode.l10n.t('Qwen Completions');
    this.item.command = TOGGLE_COMPLETIONS;
    this.render();
    this.item.show();
  }

  /** What the item shows now (tests read it). */
  get state(): { text: string; tooltip: string; hint?: CompletionHint } {
    const t = this.item.tooltip;
    return { text: this.item.text, tooltip: typeof t === 'string' ? t : (t?.value ?? ''), hint: this.hint };
  }

  setHint(hint: CompletionHint | undefined): void {
    if (JSON.stringify(hint) === JSON.stringify(this.hint)) return;
    this.hint = hint;
    this.render();
  }

  setBusy(busy: boolean): void {
    if (busy === this.busy) return;
    this.busy = busy;
    this.render();
  }

  /** The model and how it is asked, for the tooltip. */
  setDetail(detail: string): void {
    if (detail === this.detail) return;
    this.detail = detail;
    this.render();
  }

  render(): void {
    const enabled = readSettings().completionsEnabled;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.setApiKey, TOGGLE_COMPLETIONS] };
    this.item.backgroundColor = undefined;
    if (!enabled) {
      this.item.text = `$(circle-slash) ${vscode.l10n.t('Completions: off')}`;
      md.appendMarkdown(
        vscode.workspace.isTrusted
          ? vscode.l10n.t('Qwen ghost-text completions are off. Click to turn them on: every suggestion is a paid request.')
          : vscode.l10n.t('Qwen ghost-text completions stay off in an untrusted workspace.'),
      );
      this.item.tooltip = md;
      this.item.accessibilityInformation = { label: vscode.l10n.t('Qwen completions off') };
      return;
    }
    const hint = this.hint;
    if (hint) {
      this.item.text = `$(warning) ${vscode.l10n.t('Completions: on')}`;
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
      if (hint.kind === 'missingKey') {
        md.appendMarkdown(vscode.l10n.t('No API key for {0}: completions are paused and nothing is sent.', hint.provider));
        md.appendMarkdown(`\n\n[${vscode.l10n.t('Set API Key')}](command:${Commands.setApiKey})`);
      } else if (hint.kind === 'unavailable') {
        md.appendMarkdown(vscode.l10n.t('Completions are paused: {0}', hint.message));
      } else {
        md.appendMarkdown(vscode.l10n.t('The last completion request failed: {0}', hint.message));
      }
      md.appendMarkdown('\n\n' + vscode.l10n.t('Click to turn completions off.'));
    } else {
      this.item.text = `${this.busy ? '$(loading~spin)' : '$(sparkle)'} ${vscode.l10n.t('Completions: on')}`;
      md.appendMarkdown(vscode.l10n.t('Qwen ghost-text completions are on. Every suggestion is a paid request. Click to turn them off.'));
      if (this.detail) md.appendMarkdown(`\n\n${this.detail}`);
    }
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: vscode.l10n.t('Qwen completions on') };
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** Turns completions on or off where the current value comes from (the workspace's value, else the user's). */
export async function toggleCompletions(): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Ghost-text completions stay off in an untrusted workspace. Trust the folder to use them.'));
    return;
  }
  const cfg = vscode.workspace.getConfiguration(Settings.section);
  const inspected = cfg.inspect<boolean>(Settings.completionsEnabled);
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await cfg.update(Settings.completionsEnabled, !readSettings().completionsEnabled, target);
}
