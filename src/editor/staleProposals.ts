import * as vscode from 'vscode';
import { PROPOSAL_SCHEME } from '../constants';

/**
 * Closes proposal tabs that VS Code restored from the previous window. A pending edit lives only as
 * long as its window, so such a tab would show an empty proposal whose Accept does nothing. Called
 * at activation, before any edit of this window can exist; returns how many tabs it closed.
 */
export async function closeStaleProposalTabs(): Promise<number> {
  const isProposal = (u: vscode.Uri) => u.scheme === PROPOSAL_SCHEME;
  const stale = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => {
      const i = t.input;
      if (i instanceof vscode.TabInputTextDiff) return isProposal(i.original) || isProposal(i.modified);
      return i instanceof vscode.TabInputText && isProposal(i.uri);
    });
  if (stale.length) await vscode.window.tabGroups.close(stale, true);
  return stale.length;
}
