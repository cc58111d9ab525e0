// "Fix with Qwen" as a quick fix on any diagnostic (./fixWithQwen.ts), and the chat's code-block buttons
// (`qwen.internal.codeAction`): Copy, Insert at the cursor, Apply as a pending edit.
import * as vscode from 'vscode';
import { diffLines } from '../edits/diff';
import { normalizeCode } from '../edits/extract';
import { PendingProposal } from '../edits/pending';
import { fileName } from '../editor/common';
import { bestMatch, type Span } from '../editor/match';
import { diffTitle, type PendingEdits, PROPOSAL_SCHEME } from '../editor/sessions';
import { snapshotOf } from '../editor/snapshot';
import { registerFixWithQwen } from './fixWithQwen';

export const CODE_ACTION_COMMAND = 'qwen.internal.codeAction';

/** The text editor the chat's buttons act on: the active one, else the last one the user was in. */
class LastEditor implements vscode.Disposable {
  private last: vscode.TextEditor | undefined = usable(vscode.window.activeTextEditor);
  private readonly sub = vscode.window.onDidChangeActiveTextEditor((e) => {
    if (usable(e)) this.last = e;
  });

  async get(): Promise<vscode.TextEditor | undefined> {
    const active = usable(vscode.window.activeTextEditor);
    if (active) return active;
    const last = this.last;
    if (!last || last.document.isClosed) return undefined;
    if (vscode.window.visibleTextEditors.includes(last)) return last;
    // Its tab is in the background: bring it back, keeping the selection it had.
    const ed = await vscode.window.showTextDocument(last.document, { preview: false, selection: last.selection });
    return ed;
  }

  dispose(): void {
    this.sub.dispose();
  }
}

function usable(e: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  return e && e.document.uri.scheme !== PROPOSAL_SCHEME && e.document.uri.scheme !== 'output' ? e : undefined;
}

/** Document symbols as line spans (for placing a chat fragment). */
async function symbolSpans(doc: vscode.TextDocument): Promise<Span[]> {
  let symbols: unknown;
  try {
    symbols = await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri);
  } catch {
    return [];
  }
  const out: Span[] = [];
  const walk = (list: readonly vscode.DocumentSymbol[]) => {
    for (const s of list) {
      if (!s?.range) continue;
      out.push({ start: s.range.start.line, end: s.range.end.line, name: s.name });
      if (Array.isArray(s.children)) walk(s.children);
    }
  };
  if (Array.isArray(symbols) && symbols.length && 'children' in (symbols[0] as object)) walk(symbols as vscode.DocumentSymbol[]);
  return out;
}

async function applyFragment(pending: PendingEdits, editor: vscode.TextEditor, code: string): Promise<void> {
  const doc = editor.document;
  if (!(await pending.makeRoom(doc))) return;
  const fragment = code.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  let range: vscode.Range | undefined;
  const sel = editor.selection;
  if (!sel.isEmpty) {
    const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line;
    range = new vscode.Range(sel.start.line, 0, endLine, doc.lineAt(endLine).text.length);
  } else {
    const lines: string[] = [];
    for (let i = 0; i < doc.lineCount; i++) lines.push(doc.lineAt(i).text);
    const m = bestMatch(lines, fragment.split('\n'), await symbolSpans(doc));
    if (m) range = new vscode.Range(m.start, 0, m.end, doc.lineAt(m.end).text.length);
  }
  if (!range) {
    // Never the whole file silently: ask where it goes.
    const insert = vscode.l10n.t('Insert at Cursor');
    const replace = vscode.l10n.t('Replace Whole File');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('Qwen could not tell where this code goes in {0}. Insert it at the cursor, or replace the whole file? Either way you review it as a pending edit first.', fileName(doc.uri)),
      { modal: true },
      insert,
      replace,
    );
    if (choice === insert) range = new vscode.Range(editor.selection.active.line, 0, editor.selection.active.line, 0);
    else if (choice === replace) range = new vscode.Range(0, 0, doc.lineCount - 1, doc.lineAt(doc.lineCount - 1).text.length);
    else return;
  }
  if (pending.get(doc)) return;
  const snap = snapshotOf(doc, range, 'range', editor);
  let replacement: string;
  if (snap.text.length === 0) replacement = fragment.split('\n').join(snap.eol) + snap.eol;
  else replacement = normalizeCode(fragment, { original: snap.text, languageId: doc.languageId, eol: snap.eol, indent: snap.indent });
  const hunks = diffLines(snap.text, replacement, { offset: snap.offset, line: snap.range.start.line, character: snap.range.start.character });
  if (hunks.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('The file already has this code.'));
    return;
  }
  const s = pending.begin(doc, 'diff', vscode.l10n.t('Apply'));
  pending.setPending(s, new PendingProposal(hunks));
  await pending.showDiff(s, diffTitle(s));
}

export function registerCodeActions(pending: PendingEdits): vscode.Disposable[] {
  const last = new LastEditor();
  return [
    last,
    registerFixWithQwen(),
    vscode.commands.registerCommand(CODE_ACTION_COMMAND, async (action: unknown, code: unknown, language: unknown) => {
      if (typeof code !== 'string') return;
      if (action === 'copy') {
        await vscode.env.clipboard.writeText(code);
        vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 2500);
        return;
      }
      const editor = await last.get();
      if (!editor) {
        // Nowhere to put it: a new editor with the code, so nothing is lost.
        const doc = await vscode.workspace.openTextDocument({ content: code, language: typeof language === 'string' && language ? language : undefined });
        await vscode.window.showTextDocument(doc, { preview: false });
        return;
      }
      if (action === 'insert') {
        const ok = await editor.edit((b) => {
          for (const sel of editor.selections) b.replace(sel, code);
        });
        if (ok) await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
        return;
      }
      if (action === 'apply') await applyFragment(pending, editor, code);
    }),
  ];
}
