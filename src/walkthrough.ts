// The walkthrough's "Open a Sample" button: a short TypeScript function in an untitled buffer,
// selected, so the next step's Explain Selection has something to explain. Nothing is saved to
// disk and nothing is sent until the user runs Explain.
import * as vscode from 'vscode';
import { OPEN_SAMPLE_COMMAND } from './constants';

export const SAMPLE_CODE = `// A sample to try Qwen on: select it (it is selected already) and run Explain Selection.
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
`;

export function registerOpenSample(): vscode.Disposable {
  return vscode.commands.registerCommand(OPEN_SAMPLE_COMMAND, async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'typescript', content: SAMPLE_CODE });
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    editor.selection = new vscode.Selection(new vscode.Position(1, 0), end);
    return doc.uri.toString();
  });
}
