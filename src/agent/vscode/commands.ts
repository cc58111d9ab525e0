// Qwen: New Agent Task, Approve / Deny Agent Action and Undo Agent Task. The task itself runs in the
// chat (ChatController); these only start it and route the user's decisions.
import * as vscode from 'vscode';
import { Commands } from '../../constants';
import type { AgentLink, ChatController } from '../../chat/controller';
import type { ChatViewProvider } from '../../chat/viewProvider';

export function registerAgentCommands(chat: ChatController, view: ChatViewProvider, agent: AgentLink): vscode.Disposable[] {
  const decide = async (approve: boolean) => {
    if (!(await agent.decide(approve))) void vscode.window.showInformationMessage(vscode.l10n.t('The agent is not waiting for anything.'));
  };
  return [
    // An optional argument is the task itself (keybindings, tests): no input box then.
    vscode.commands.registerCommand(Commands.newAgentTask, async (given?: unknown) => {
      const task =
        typeof given === 'string' && given.trim()
          ? given
          : await vscode.window.showInputBox({
              title: vscode.l10n.t('Qwen: New Agent Task'),
              prompt: vscode.l10n.t('What should the agent do? It reads the workspace freely, and asks before each edit and each command.'),
              placeHolder: vscode.l10n.t('e.g. Make parseDate accept ISO week dates and add a test'),
              ignoreFocusOut: true,
            });
      if (!task?.trim()) return;
      chat.newChat();
      chat.setMode('agent');
      const shown = view.reveal();
      await chat.ask(task.trim(), { chips: [], text: '' }, shown, 'agent');
      await shown;
    }),
    vscode.commands.registerCommand(Commands.agentApprove, () => decide(true)),
    vscode.commands.registerCommand(Commands.agentDeny, () => decide(false)),
    vscode.commands.registerCommand(Commands.agentUndoTask, () => chat.undoTask()),
  ];
}
