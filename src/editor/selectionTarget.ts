import * as vscode from 'vscode';

export interface Target {
  editor: vscode.TextEditor;
  document: vscode.TextDocument;
  range: vscode.Range;
  text: string;
  /** what the command acts on, for messages: never "nothing" */
  kind: 'selection' | 'function' | 'line';
  /** the document version the request is computed against */
  version: number;
}

const FUNCTION_KINDS = new Set([
  vscode.SymbolKind.Function,
  vscode.SymbolKind.Method,
  vscode.SymbolKind.Constructor,
  vscode.SymbolKind.Class,
  vscode.SymbolKind.Interface,
  vscode.SymbolKind.Struct,
  vscode.SymbolKind.Enum,
  vscode.SymbolKind.Module,
]);

/** The innermost function-like symbol containing pos. */
function innermost(symbols: readonly vscode.DocumentSymbol[], pos: vscode.Position): vscode.DocumentSymbol | undefined {
  for (const s of symbols) {
    if (!s.range.contains(pos)) continue;
    const inner = innermost(s.children, pos);
    if (inner) return inner;
    if (FUNCTION_KINDS.has(s.kind)) return s;
  }
  return undefined;
}

/**
 * The selection; with none, the enclosing function (document-symbol provider), or the current line.
 * Whole lines: a partial-line selection is widened so the edit replaces complete lines.
 */
export async function resolveTarget(editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor): Promise<Target | undefined> {
  if (!editor) return undefined;
  const doc = editor.document;
  const version = doc.version;
  const sel = editor.selection;
  if (!sel.isEmpty) {
    const endLine = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line - 1 : sel.end.line;
    const range = new vscode.Range(sel.start.line, 0, endLine, doc.lineAt(endLine).text.length);
    return { editor, document: doc, range, text: doc.getText(range), kind: 'selection', version };
  }
  let symbols: vscode.DocumentSymbol[] | undefined;
  try {
    symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
  } catch {
    symbols = undefined;
  }
  const fn = symbols && Array.isArray(symbols) && symbols.length && 'children' in symbols[0]! ? innermost(symbols, sel.active) : undefined;
  if (fn) {
    const range = new vscode.Range(fn.range.start.line, 0, fn.range.end.line, doc.lineAt(fn.range.end.line).text.length);
    return { editor, document: doc, range, text: doc.getText(range), kind: 'function', version };
  }
  const line = doc.lineAt(sel.active.line);
  return { editor, document: doc, range: line.range, text: line.text, kind: 'line', version };
}
