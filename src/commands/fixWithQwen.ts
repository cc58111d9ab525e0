// "Fix with Qwen" as a quick fix (lightbulb) on any diagnostic: runs Qwen: Fix Selection on the
// diagnostics' range. Kept apart from the rest of the edit features (vscode and constants only)
// because it is offered from activation on, before anything else of the extension is loaded.
import * as vscode from 'vscode';
import { Commands, PROPOSAL_SCHEME } from '../constants';

export class FixWithQwen implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext): vscode.CodeAction[] {
    if (ctx.diagnostics.length === 0 || doc.uri.scheme === PROPOSAL_SCHEME) return [];
    if (ctx.only && !ctx.only.contains(vscode.CodeActionKind.QuickFix) && !vscode.CodeActionKind.QuickFix.contains(ctx.only)) return [];
    const r = ctx.diagnostics.slice(1).reduce((acc, d) => acc.union(d.range), ctx.diagnostics[0].range);
    const title = vscode.l10n.t('Fix with Qwen');
    const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
    action.diagnostics = [...ctx.diagnostics];
    action.command = { command: Commands.fixSelection, title, arguments: [{ uri: doc.uri.toString(), range: [r.start.line, r.start.character, r.end.line, r.end.character] }] };
    return [action];
  }
}

export function registerFixWithQwen(): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider('*', new FixWithQwen(), { providedCodeActionKinds: FixWithQwen.kinds });
}
