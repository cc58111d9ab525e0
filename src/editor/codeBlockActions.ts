// The chat's code-block buttons, against the editor: Copy, Insert at the cursor, and Apply, which
// places the fragment where it fits and proposes it as a pending edit for review.
import * as vscode from 'vscode';
import { diffLines } from '../edits/diff';
import { normalizeCode } from '../edits/fitCode';
import { PROPOSAL_SCHEME } from '../constants';
import { fileName } from './common';
import { bestMatch, type Span } from './match';
import type { PendingEdits } from './pendingEdits';
import { snapshotOf } from './snapshot';

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

/** Apply: the fragment placed where it fits (the selection, else the best-matching code), reviewed as a pending diff. */
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
  await pending.proposeDiff(doc, hunks, vscode.l10n.t('Apply'));
}

/**
 * The chat's code-block buttons: Copy, Insert at the cursor, Apply as a pending edit. One
 * instance (core.ts) remembers the last text editor the user was in, since clicking in the chat
 * takes the focus away from it.
 */
export class CodeBlockActions implements vscode.Disposable {
  private readonly last = new LastEditor();

  constructor(private readonly pending: PendingEdits) {}

  async run(action: unknown, code: unknown, language: unknown): Promise<void> {
    if (typeof code !== 'string') return;
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(code);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied to the clipboard.'), 2500);
      return;
    }
    const editor = await this.last.get();
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
    if (action === 'apply') await applyFragment(this.pending, editor, code);
  }

  dispose(): void {
    this.last.dispose();
  }
}
