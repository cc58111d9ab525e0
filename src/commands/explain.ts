import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { ChatController } from '../chat/controller';
import type { ChatViewProvider } from '../chat/viewProvider';
import { estimateTokens } from '../prompts/tokens';
import type { ContentGate } from '../policy/vscode/contentGate';
import { resolveTarget } from '../editor/selectionTarget';

/** `Qwen: Explain Selection`: a new turn in the current conversation, streamed in the chat view. */
export function registerExplainCommand(controller: ChatController, view: ChatViewProvider, gate: ContentGate): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.explainSelection, async () => {
    const target = await resolveTarget();
    if (!target) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a file and select the code to explain.'));
      return;
    }
    const doc = target.document;
    // A selection the user made is still never sent from a secret, nor through a link to one.
    if (await gate.refuse(doc.uri, 'selected')) return;
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    const name = rel.split('/').pop() ?? rel;
    const lines = `${target.range.start.line + 1}-${target.range.end.line + 1}`;
    let f = '```';
    while (target.text.includes(f)) f += '`';
    const contextText = [
      `Code from ${rel} (${doc.languageId}), lines ${lines}${target.kind === 'function' ? ' (the function around the cursor)' : ''}:`,
      `${f}${doc.languageId}\n${target.text}\n${f}`,
    ].join('\n');
    const question = vscode.l10n.t('Explain {0}: what it does, how it works, and anything surprising in it.', `${name}:${lines}`);
    // The request goes out now; the view is revealed beside it. A page that opens mid-stream gets
    // the turn as streamed so far in its init, and a question the turn asks waits for the page.
    const shown = view.reveal({ preserveFocus: true });
    await controller.ask(question, {
      chips: [{ id: `sel:${doc.uri.toString()}#${lines}`, kind: 'selection', label: `${name}:${lines}`, detail: rel, tokens: estimateTokens(target.text) }],
      text: contextText,
    }, shown, 'ask'); // an explanation, whatever the composer's switch says
    await shown;
  });
}
