// Accept / Reject per hunk (and for the whole proposal, Refine, Show Diff, or Stop while it
// streams) as CodeLens above each pending hunk.
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { fileName } from './common';
import type { EditSession } from './editSession';

export function diffTitle(s: EditSession): string {
  return vscode.l10n.t("{0} ↔ Qwen's proposal ({1})", fileName(s.doc.uri), s.label);
}

export class ProposalLenses implements vscode.CodeLensProvider {
  constructor(
    private readonly sessionOf: (doc: vscode.TextDocument) => EditSession | undefined,
    readonly onDidChangeCodeLenses: vscode.Event<void>,
  ) {}

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const s = this.sessionOf(doc);
    if (!s || s.phase === 'ended') return [];
    const uri = doc.uri.toString();
    const at = (line: number) => new vscode.Range(line, 0, line, 0);
    if (s.phase === 'streaming') {
      const line = s.streaming ? s.streaming.lensLine() : 0;
      return [
        new vscode.CodeLens(at(line), { title: `$(loading~spin) ${vscode.l10n.t('Qwen is writing…')}`, command: Commands.stop }),
        new vscode.CodeLens(at(line), { title: `$(debug-stop) ${vscode.l10n.t('Stop')}`, command: Commands.stop }),
        new vscode.CodeLens(at(line), { title: `$(discard) ${vscode.l10n.t('Cancel')}`, command: Commands.rejectEdit, arguments: [uri] }),
      ];
    }
    if (s.mode === 'newFile') {
      const target = vscode.workspace.asRelativePath(s.newFileTarget!, false);
      return [
        new vscode.CodeLens(at(0), { title: `$(new-file) ${vscode.l10n.t('Create {0}', target)}`, command: Commands.acceptEdit, arguments: [uri] }),
        new vscode.CodeLens(at(0), { title: `$(discard) ${vscode.l10n.t('Discard')}`, command: Commands.rejectEdit, arguments: [uri] }),
      ];
    }
    const pending = s.proposal?.pending ?? [];
    const out: vscode.CodeLens[] = [];
    pending.forEach((h, i) => {
      const line = doc.positionAt(h.start).line;
      if (i === 0 && pending.length > 1) {
        out.push(new vscode.CodeLens(at(line), { title: `$(check-all) ${vscode.l10n.t('Accept All')}`, command: Commands.acceptEdit, arguments: [uri] }));
        out.push(new vscode.CodeLens(at(line), { title: `$(close-all) ${vscode.l10n.t('Reject All')}`, command: Commands.rejectEdit, arguments: [uri] }));
      }
      out.push(new vscode.CodeLens(at(line), { title: `$(check) ${vscode.l10n.t('Accept')}`, command: Commands.acceptEdit, arguments: [uri, [h.id]] }));
      out.push(new vscode.CodeLens(at(line), { title: `$(discard) ${vscode.l10n.t('Reject')}`, command: Commands.rejectEdit, arguments: [uri, [h.id]] }));
      if (i === 0 && s.mode === 'inline') out.push(new vscode.CodeLens(at(line), { title: `$(edit) ${vscode.l10n.t('Refine…')}`, command: Commands.inlineEdit, arguments: [{ refine: uri }] }));
      if (i === 0 && s.mode === 'diff' && s.proposalUri) out.push(new vscode.CodeLens(at(line), { title: `$(diff) ${vscode.l10n.t('Show Diff')}`, command: 'vscode.diff', arguments: [s.doc.uri, s.proposalUri, diffTitle(s)] }));
    });
    return out;
  }
}
