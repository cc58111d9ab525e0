// Activation: what must exist the moment VS Code starts us, and nothing more. The log, the key
// store, the stream tracker, Stop and the status bar are the real ones. Every other command, the
// chat view, the quick fix, ghost text and the vscode.lm provider start as stand-ins (./standIns.ts) that load the rest of
// the extension (./core.ts, bundled as out/core.js: the client, zod, chat, edits, completions) the
// first time one of them is used, and hand over to it. A window where Qwen is not used never pays
// for loading the core; one where it is pays once, at that first use.
import * as vscode from 'vscode';
import { Commands, Views } from './constants';
import { activeModel, activePreset, affectsQwen, readSettings } from './config';
import type { Core } from './core';
import { Log } from './log';
import { KeyStore, type SecretBackend } from './secrets';
import { StreamTracker } from './streams';
import { QwenStatusBar } from './statusBar';
import { SettingsCache } from './settingsCache';
import { registerFixWithQwen } from './commands/fixWithQwen';
import { commandStandIns, completionStandIns, languageModelStandIn, proposalStandIn } from './standIns';
import { closeStaleProposalTabs } from './editor/staleProposals';
import { KeyContext } from './keyContext';
import { registerOpenSample } from './walkthrough';

/**
 * The commands that need the core: all of the palette's but Stop (the shell's own), and two
 * internal ones (the chat's code-block buttons, what tests read of pending edits, when a turn's first messages were posted for the first-text bench). The ghost-text
 * toggle needs no core; completionStandIns() registers it.
 */
const CORE_COMMANDS = [
  ...Object.values(Commands).filter((id) => id !== Commands.stop),
  'qwen.internal.codeAction',
  'qwen.internal.pendingEdits',
  'qwen.internal.postTimes',
];

/** Returned from activate() in test mode only, so integration tests can force failure paths. */
export interface QwenTestApi {
  /** reading services, chat or completions loads the core, as a first use would */
  readonly services: Core['services'];
  readonly chat: Core['chat'];
  readonly completions: Core['completions'];
  readonly pending: Core['pending'];
  /** whether the core has been loaded yet */
  readonly coreLoaded: boolean;
  activationMs: number;
  setSecretBackend(backend: SecretBackend): void;
  logLines(): string[];
  /** what activation does with proposal tabs restored from the previous window */
  closeStaleProposalTabs(): Promise<number>;
  /** the value last given to the `qwen.hasApiKey` context key, once the check running now ends */
  hasApiKeyContext(): Promise<boolean | undefined>;
}

export function activate(context: vscode.ExtensionContext): QwenTestApi | undefined {
  const t0 = performance.now();
  // First, so that its listener forgets changed settings before any other listener reads them.
  const settings = new SettingsCache();
  const log = new Log();
  const keys = new KeyStore(context.secrets, process.env, (s) => log.addSecret(s));
  const streams = new StreamTracker();
  // The walkthrough's key step: whether a key is there, from the key store alone (no core).
  const keyContext = new KeyContext(keys);
  const status = new QwenStatusBar({ settings: () => settings.settings(), preset: activePreset, modelFor: activeModel, streams });

  let core: Core | undefined;
  const standIns: vscode.Disposable[] = [];
  const loadCore = (why: string): Core => {
    if (core) return core;
    const t = performance.now();
    // Loaded first, so that a core that fails to load leaves the stand-ins in place.
    const { startCore } = require('./core.js') as typeof import('./core');
    for (const d of standIns.splice(0)) d.dispose();
    core = startCore({ context, log, keys, streams, settings });
    log.info(`Loaded the rest of Qwen Coder in ${(performance.now() - t).toFixed(1)} ms (first use: ${why})`);
    return core;
  };

  standIns.push(
    ...commandStandIns(CORE_COMMANDS, loadCore),
    ...completionStandIns(loadCore),
    registerFixWithQwen(),
    proposalStandIn(),
  );
  context.subscriptions.push(
    settings,
    log,
    keys,
    keyContext,
    streams,
    status,
    registerOpenSample(),
    { dispose: () => standIns.splice(0).forEach((d) => d.dispose()) },
    vscode.commands.registerCommand(Commands.stop, () => streams.stopAll()),
    vscode.window.registerWebviewViewProvider(Views.chat, {
      resolveWebviewView: (view) => loadCore('the chat view').chatView.resolveWebviewView(view),
    }),
    // Not among the disposed stand-ins: it stays registered and calls the core once it is loaded.
    ...languageModelStandIn(loadCore, () => core),
    vscode.workspace.onDidChangeConfiguration((e) => affectsQwen(e) && status.render()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => status.render()),
  );

  void closeStaleProposalTabs().then(
    (n) => n && log.info(`Closed ${n} proposal tab(s) restored from the previous window (pending edits do not outlive it)`),
    (e) => log.warn(`Could not close restored proposal tabs: ${String(e)}`),
  );

  const activationMs = performance.now() - t0;
  log.info(`Qwen Coder activated in ${activationMs.toFixed(1)} ms (trusted workspace: ${vscode.workspace.isTrusted})`);
  // With ghost text on, the first keystroke needs the core: load it now, so the real provider is
  // registered before anyone types (a provider that appears while keys are typed is asked only at
  // the next key).
  if (readSettings().completionsEnabled) loadCore('ghost text is on');

  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return {
    get services() {
      return loadCore('a test').services;
    },
    get chat() {
      return loadCore('a test').chat;
    },
    get completions() {
      return loadCore('a test').completions;
    },
    get pending() {
      return loadCore('a test').pending;
    },
    get coreLoaded() {
      return core !== undefined;
    },
    activationMs,
    setSecretBackend: (b) => keys.setBackend(b),
    logLines: () => log.recent(),
    closeStaleProposalTabs,
    hasApiKeyContext: async () => {
      await keyContext.settled();
      return keyContext.value;
    },
  };
}

export function deactivate(): void {
  // Everything is in context.subscriptions.
}
