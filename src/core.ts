// Everything activation does not need: the client (with zod and its schemas), the chat, the editor
// edits and ghost-text completions. esbuild bundles it as out/core.js, which extension.ts loads the
// first time something here is used (a command, the chat view opening, a completion) and hands
// over to. Modules extension.ts already bundles (log, keys, streams, constants…) are not bundled
// here again: esbuild.mjs takes them from the loaded out/extension.js, so each has one state.
import * as vscode from 'vscode';
import { Commands } from './constants';
import type { Log } from './log';
import type { KeyStore } from './secrets';
import { Services } from './services';
import type { StreamTracker } from './streams';
import { registerKeyCommands } from './commands/keys';
import { registerModelCommand } from './commands/model';
import { registerExplainCommand } from './commands/explain';
import { registerEditFeatures } from './commands/edits';
import { ChatController } from './chat/controller';
import { ChatViewProvider } from './chat/viewProvider';
import { ContextCollector } from './chat/context';
import { ConversationStore } from './chat/store';
import { conversationFiles } from './chat/conversationFiles';
import { registerCompletions, type CompletionsTestApi } from './completions';
import { ContentGate } from './policy/vscode/contentGate';
import { PendingEdits } from './editor/pendingEdits';
import { CodeBlockActions } from './editor/codeBlockActions';
import { QwenChatModels } from './lm/vscode/provider';
import { AgentSide } from './agent/vscode/agentSide';
import { registerAgentCommands } from './agent/vscode/commands';
import type { SettingsCache } from './settingsCache';

/** What extension.ts made at activation and the core shares. */
export interface ShellParts {
  context: vscode.ExtensionContext;
  log: Log;
  keys: KeyStore;
  streams: StreamTracker;
  settings: SettingsCache;
}

export interface Core {
  services: Services;
  chat: ChatController;
  chatView: ChatViewProvider;
  completions: CompletionsTestApi;
  /** every proposed edit: the commands, the chat's Apply and the agent propose through it */
  pending: PendingEdits;
  /** Qwen's side of VS Code's language-model API; extension.ts registered the provider that calls it */
  languageModels: QwenChatModels;
}

/**
 * Builds the services and registers every command and provider of the core. The stand-ins
 * extension.ts registered under the same ids are disposed just before this runs.
 */
export function startCore({ context, log, keys, streams, settings }: ShellParts): Core {
  const services = new Services(context, log, keys, streams, settings);
  // One judge of what may leave the machine, for the chat, the commands and ghost text alike.
  const gate = new ContentGate();
  // Every proposed edit, whoever proposes it: the editor commands, the chat's Apply, the agent.
  const pending = new PendingEdits();
  const codeBlocks = new CodeBlockActions(pending);
  const contextCollector = new ContextCollector(gate);
  const store = new ConversationStore(context.workspaceState, context.storageUri ? conversationFiles(context.storageUri) : undefined);
  // The agent's tools, approvals and checkpoints; its tasks run in the chat.
  const agent: AgentSide = new AgentSide(context, gate, pending, log, keys, (): string => chat.conversationId, (): boolean => chatView.visible);
  const chat: ChatController = new ChatController(services, store, contextCollector, (action, code, language) => codeBlocks.run(action, code, language), agent);
  const chatView = new ChatViewProvider(context.extensionUri, chat, contextCollector, log);
  const completions = registerCompletions(services, async (uri) => !!(await gate.check(uri, 'active')));

  context.subscriptions.push(
    services,
    ...registerKeyCommands(services),
    registerModelCommand(services),
    gate,
    pending,
    codeBlocks,
    contextCollector,
    chat,
    chatView,
    vscode.commands.registerCommand(Commands.openChat, async () => {
      await chatView.reveal();
      chatView.focusInput();
    }),
    // For the first-text bench: when the last turn's first messages were posted to the view.
    vscode.commands.registerCommand('qwen.internal.postTimes', () => chat.postTimes),
    vscode.commands.registerCommand(Commands.newChat, async () => {
      chat.newChat();
      await chatView.reveal();
      chatView.focusInput();
    }),
    registerExplainCommand(chat, chatView, gate),
    ...registerEditFeatures(services, gate, pending, codeBlocks, () => agent.waitingEdit()),
    agent,
    ...registerAgentCommands(chat, chatView, agent),
    ...completions.disposables,
  );
  const languageModels = new QwenChatModels(services);
  return { services, chat, chatView, completions: completions.api, pending, languageModels };
}
