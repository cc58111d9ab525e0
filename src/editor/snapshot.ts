// What an editor action is computed against: the region's text, where it is and which document
// version it was read from, plus what the prompt needs around it (path, language, nearby lines,
// diagnostics). Taken in one synchronous step so text, offsets and version always agree.
import * as vscode from 'vscode';
import type { CodeContext, DiagnosticInfo } from '../prompts/actions';
import type { Eol, IndentStyle } from '../edits/text';
import { resolveTarget } from './selectionTarget';

export interface Snapshot {
  doc: vscode.TextDocument;
  /** the document version the text was read at */
  version: number;
  range: vscode.Range;
  /** offset of range.start in that version */
  offset: number;
  text: string;
  kind: 'selection' | 'function' | 'line' | 'range';
  eol: Eol;
  indent: IndentStyle;
}

/** Lines of context quoted above and below the region; the prompt trims them further to its budget. */
const CONTEXT_ABOVE = 80;
const CONTEXT_BELOW = 40;

export function snapshotOf(doc: vscode.TextDocument, range: vscode.Range, kind: Snapshot['kind'], editor?: vscode.TextEditor): Snapshot {
  const opts = editor?.options;
  const size = typeof opts?.tabSize === 'number' ? opts.tabSize : 4;
  const useTabs = opts ? opts.insertSpaces === false : undefined;
  return {
    doc,
    version: doc.version,
    range,
    offset: doc.offsetAt(range.start),
    text: doc.getText(range),
    kind,
    eol: doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
    indent: { useTabs: useTabs ?? false, size },
  };
}

/**
 * The selection widened to whole lines, else the enclosing function, else the current line
 * (selectionTarget.ts), read again at once so the snapshot is of one version.
 */
export async function snapshotForEditor(editor: vscode.TextEditor): Promise<Snapshot | undefined> {
  const t = await resolveTarget(editor);
  if (!t) return undefined;
  const doc = editor.document;
  // Lines may have shifted while the symbol provider ran; the range is re-validated against now.
  const range = doc.validateRange(t.range);
  return snapshotOf(doc, range, t.kind, editor);
}

/** Whole lines around `line` (for a quick fix on a diagnostic): the enclosing function, else the lines themselves. */
export async function snapshotForRange(editor: vscode.TextEditor, range: vscode.Range): Promise<Snapshot | undefined> {
  const doc = editor.document;
  if (range.end.line > range.start.line) {
    const end = range.end.character === 0 ? range.end.line - 1 : range.end.line;
    return snapshotOf(doc, new vscode.Range(range.start.line, 0, end, doc.lineAt(end).text.length), 'range', editor);
  }
  const probe = { document: doc, selection: new vscode.Selection(range.start, range.start), options: editor.options } as vscode.TextEditor;
  const t = await resolveTarget(probe);
  if (!t) return undefined;
  return snapshotOf(doc, doc.validateRange(t.range), t.kind, editor);
}

/** Widens a snapshot to end after its last line's line break (inline edits work on whole lines with EOLs). */
export function withTrailingEol(s: Snapshot): Snapshot {
  const { doc, range } = s;
  if (range.end.line + 1 >= doc.lineCount) return s;
  const r = new vscode.Range(range.start.line, 0, range.end.line + 1, 0);
  return { ...s, range: r, offset: doc.offsetAt(r.start), text: doc.getText(r), version: doc.version };
}

export function relativePath(uri: vscode.Uri): string {
  if (uri.scheme === 'untitled') return uri.path || 'untitled';
  return vscode.workspace.asRelativePath(uri, false);
}

export function codeContext(s: Snapshot): CodeContext {
  const doc = s.doc;
  const first = s.range.start.line;
  const last = s.range.end.line;
  const aboveStart = Math.max(0, first - CONTEXT_ABOVE);
  const belowEnd = Math.min(doc.lineCount - 1, last + CONTEXT_BELOW);
  const before = first > 0 ? doc.getText(new vscode.Range(aboveStart, 0, first, 0)) : '';
  const after = last + 1 < doc.lineCount ? doc.getText(new vscode.Range(last + 1, 0, belowEnd, doc.lineAt(belowEnd).text.length)) : '';
  return { path: relativePath(doc.uri), languageId: doc.languageId, selection: s.text, startLine: first, before, after };
}

const SEVERITY: Record<vscode.DiagnosticSeverity, DiagnosticInfo['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

export function diagnosticInfo(d: vscode.Diagnostic): DiagnosticInfo {
  const code = typeof d.code === 'object' && d.code ? d.code.value : d.code;
  return { message: d.message, severity: SEVERITY[d.severity], line: d.range.start.line, character: d.range.start.character, source: d.source, code };
}

/** The document's diagnostics that touch the range, most severe first. */
export function diagnosticsIn(doc: vscode.TextDocument, range: vscode.Range): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(doc.uri)
    .filter((d) => d.range.intersection(range) !== undefined)
    .sort((a, b) => a.severity - b.severity || a.range.start.compareTo(b.range.start));
}
