import * as vscode from 'vscode';
import type { CompletionEngine, EngineRequest } from './engine';

/** Lines of context around the cursor: more than the prompt budget can hold, and no more. */
const LINES_BEFORE = 200;
const LINES_AFTER = 80;

/** The part of a document around the cursor that a completion may see. */
export function requestAt(doc: vscode.TextDocument, pos: vscode.Position): EngineRequest {
  const first = Math.max(0, pos.line - LINES_BEFORE);
  const last = Math.min(doc.lineCount - 1, pos.line + LINES_AFTER);
  const prefix = doc.getText(new vscode.Range(first, 0, pos.line, pos.character));
  const suffix = doc.getText(new vscode.Range(pos.line, pos.character, last, doc.lineAt(last).text.length));
  const file = doc.uri.scheme === 'untitled' ? undefined : vscode.workspace.asRelativePath(doc.uri, false);
  return { docKey: doc.uri.toString(), offset: doc.offsetAt(pos), prefix, suffix, path: file, languageId: doc.languageId };
}

/**
 * The thin VS Code side of ghost text: turns the editor's request into the engine's and the answer
 * into an inline item. VS Code cancels the token when the user types on; the engine then drops
 * the debounce or aborts the request at once.
 */
export class QwenInlineCompletionProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly engine: CompletionEngine,
    /** false when nothing may be sent for this document (excluded file, no key); quick after the first call */
    private readonly allowed: (doc: vscode.TextDocument) => Promise<boolean>,
  ) {}

  async provideInlineCompletionItems(
    doc: vscode.TextDocument,
    pos: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!(await this.allowed(doc)) || token.isCancellationRequested) return undefined;
    const req = requestAt(doc, pos);
    let range = new vscode.Range(pos, pos);
    let lead = '';
    const selected = context.selectedCompletionInfo;
    if (selected) {
      // The suggest widget is open (it is, most of the time while typing): complete as if its
      // highlighted item were accepted. VS Code shows the ghost text only if it extends that item.
      if (!selected.range.end.isEqual(pos) || selected.range.start.line !== pos.line) return undefined;
      const start = doc.offsetAt(selected.range.start);
      req.prefix = req.prefix.slice(0, req.prefix.length - (req.offset - start)) + selected.text;
      req.offset = start + selected.text.length;
      range = selected.range;
      lead = selected.text;
    }
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      const text = await this.engine.complete(req, controller.signal, {
        // Asked for explicitly (Alt+\ or the trigger command): no reason to wait.
        immediate: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke,
      });
      if (!text || token.isCancellationRequested) return undefined;
      return [new vscode.InlineCompletionItem(lead + text, range)];
    } finally {
      sub.dispose();
    }
  }
}
