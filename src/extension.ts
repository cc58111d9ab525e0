// Composition root: builds the services, registers everything, nothing else.
import * as vscode from 'vscode';
import { Commands, Views } from './constants';
import { affectsQwen } from './config';
import { Log } from './log';
import { KeyStore, type SecretBackend } from './secrets';
import { Services } from './services';
import { StreamTracker } from './streams';
import { QwenStatusBar } from './statusBar';
import { registerKeyCommands } from './commands/keys';
import { registerModelCommand } from './commands/model';
import { registerExplainCommand } from './commands/explain';
import { registerEditFeatures } from './commands/edits';
import { ChatController } from './chat/controller';
import { ChatViewProvider } from './chat/viewProvider';
import { ContextCollector } from './chat/context';
import { ConversationStore } from './chat/store';
import { registerCompletions, type CompletionsTestApi } from './completions';

/** Returned from activate() in test mode only, so integration tests can force failure paths. */
export interface QwenTestApi {
  services: Services;
  chat: ChatController;
  completions: CompletionsTestApi;
  activationMs: number;
  setSecretBackend(backend: SecretBackend): void;
  logLines(): string[];
}

export function activate(context: vscode.ExtensionContext): QwenTestApi | undefined {
  const t0 = performance.now();
  const log = new Log();
  const keys = new KeyStore(context.secrets, process.env, (s) => log.addSecret(s));
  const streams = new StreamTracker();
  const services = new Services(context, log, keys, streams);
  const status = new QwenStatusBar(services);
  const contextCollector = new ContextCollector();
  const chat = new ChatController(services, new ConversationStore(context.workspaceState), contextCollector);
  const chatView = new ChatViewProvider(context.extensionUri, chat, contextCollector, log);
  const completions = registerCompletions(services, (uri) => contextCollector.isExcluded(uri));

  context.subscriptions.push(
    log,
    keys,
    streams,
    status,
    ...registerKeyCommands(services),
    registerModelCommand(services),
    vscode.commands.registerCommand(Commands.stop, () => streams.stopAll()),
    contextCollector,
    chat,
    chatView,
    vscode.window.registerWebviewViewProvider(Views.chat, chatView),
    vscode.commands.registerCommand(Commands.openChat, async () => {
      await chatView.reveal();
      chatView.focusInput();
    }),
    vscode.commands.registerCommand(Commands.newChat, async () => {
      chat.newChat();
      await chatView.reveal();
      chatView.focusInput();
    }),
    registerExplainCommand(chat, chatView),
    ...registerEditFeatures(services),
    ...completions.disposables,
    vscode.workspace.onDidChangeConfiguration((e) => affectsQwen(e) && status.render()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => status.render()),
  );

  const activationMs = performance.now() - t0;
  log.info(`Qwen Coder activated in ${activationMs.toFixed(1)} ms (trusted workspace: ${vscode.workspace.isTrusted})`);

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    services,
    chat,
    completions: completions.api,
    activationMs,
    setSecretBackend: (b) => keys.setBackend(b),
    logLines: () => log.recent(),
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
