// Small helpers shared by the editor commands.
import * as vscode from 'vscode';
import type { PromptOptions } from '../prompts/actions';
import { PROPOSAL_SCHEME } from '../constants';
import { readPatterns } from '../policy/vscode/contentGate';
import { relativePath, type Snapshot } from './snapshot';

export function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

export function where(s: Snapshot): string {
  const a = s.range.start.line + 1;
  const b = s.range.end.line + (s.range.end.character === 0 && s.range.end.line > s.range.start.line ? 0 : 1);
  return a === b ? `${fileName(s.doc.uri)}:${a}` : `${fileName(s.doc.uri)}:${a}-${b}`;
}

export function promptOptions(): PromptOptions {
  return { exclude: readPatterns(), locale: vscode.env.language };
}

/** The editor an action is about: the one for `uri` when given, else the active one. */
export async function editorForArgs(uri?: string): Promise<vscode.TextEditor | undefined> {
  if (uri) {
    const u = vscode.Uri.parse(uri);
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === u.toString());
    return open ?? vscode.window.showTextDocument(u, { preview: false });
  }
  const ed = vscode.window.activeTextEditor;
  return ed && ed.document.uri.scheme !== PROPOSAL_SCHEME ? ed : undefined;
}

export function warnExcluded(uri: vscode.Uri): void {
  void vscode.window.showWarningMessage(vscode.l10n.t('{0} matches the files never sent to Qwen (qwen.context.exclude and the built-in secret patterns), so nothing was sent.', relativePath(uri)));
}

