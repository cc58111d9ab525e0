// Writing into a document. Two ways, each for its reason:
//  - through a visible TextEditor (`editor.edit`): the only API that controls undo stops, so a
//    streamed inline edit can build one undo step out of many writes; VS Code reports its
//    changes exactly as sent;
//  - as a WorkspaceEdit: works whether the document is shown or not and is always its own undo
//    step (Accept, Reject, the stream's fallback when its editor went away).
// Both are version-checked by VS Code: an edit computed against version v is refused when the
// user changed the document in between, so an edit never lands on text it was not computed for.
import * as vscode from 'vscode';

/** A replacement of [start, end) (offsets in the document as it is now). */
export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

export interface UndoStops {
  undoStopBefore: boolean;
  undoStopAfter: boolean;
}

/** A text editor showing `doc` that can be written through, the active one first. */
export function editorFor(doc: vscode.TextDocument, except?: ReadonlySet<vscode.TextEditor>): vscode.TextEditor | undefined {
  const active = vscode.window.activeTextEditor;
  if (active && active.document === doc && !except?.has(active)) return active;
  return vscode.window.visibleTextEditors.find((e) => e.document === doc && !except?.has(e));
}

function toRanges(doc: vscode.TextDocument, edits: readonly OffsetEdit[]): Array<{ range: vscode.Range; text: string }> {
  return edits.map((e) => ({ range: new vscode.Range(doc.positionAt(e.start), doc.positionAt(e.end)), text: e.text }));
}

/**
 * Writes through `editor`; true only when the document really changed. (VS Code answers true for
 * a read-only editor that ignored the edit, so the version is checked too.) Must be called in the
 * same tick as the offsets were computed: positions are resolved against the document now.
 */
export async function writeThroughEditor(editor: vscode.TextEditor, edits: readonly OffsetEdit[], stops: UndoStops): Promise<boolean> {
  const doc = editor.document;
  if (edits.length === 0) return true;
  const before = doc.version;
  const ranges = toRanges(doc, edits);
  try {
    const ok = await editor.edit((b) => {
      for (const r of ranges) b.replace(r.range, r.text);
    }, stops);
    return ok && doc.version > before;
  } catch {
    // "TextEditor#edit not possible on closed editors": the caller falls back to a WorkspaceEdit.
    return false;
  }
}

/** Writes as one WorkspaceEdit (one undo step); false when VS Code refused it (document changed, closed…). */
export async function writeAsWorkspaceEdit(doc: vscode.TextDocument, edits: readonly OffsetEdit[]): Promise<boolean> {
  if (edits.length === 0) return true;
  if (doc.isClosed) return false;
  const we = new vscode.WorkspaceEdit();
  for (const r of toRanges(doc, edits)) we.replace(doc.uri, r.range, r.text);
  try {
    return await vscode.workspace.applyEdit(we);
  } catch {
    return false;
  }
}

/** The smallest single replacement turning `from` into `to` (common prefix and suffix kept). */
export function minimalEdit(from: string, to: string, offset: number): OffsetEdit | undefined {
  if (from === to) return undefined;
  let p = 0;
  const max = Math.min(from.length, to.length);
  while (p < max && from.charCodeAt(p) === to.charCodeAt(p)) p++;
  // Never split a CRLF pair or a surrogate pair.
  if (p > 0 && (isLowSurrogate(from.charCodeAt(p)) || (from.charCodeAt(p) === 10 && from.charCodeAt(p - 1) === 13))) p--;
  let s = 0;
  while (s < max - p && from.charCodeAt(from.length - 1 - s) === to.charCodeAt(to.length - 1 - s)) s++;
  while (s > 0 && (isLowSurrogate(from.charCodeAt(from.length - s)) || (from.charCodeAt(from.length - s) === 10 && from.charCodeAt(from.length - s - 1) === 13 && from.length - s - 1 >= p))) s--;
  return { start: offset + p, end: offset + from.length - s, text: to.slice(p, to.length - s) };
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
