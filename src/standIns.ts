// What VS Code must find from activation on, standing in for the core (./core.ts) until its first
// use: each registration here either answers exactly as the core would before anything happened,
// or loads the core and passes the call on. extension.ts disposes them all just before the core
// registers the real ones under the same ids.
import * as vscode from 'vscode';
import { LM_VENDOR, PROPOSAL_SCHEME, Settings } from './constants';
import { activePreset, readSettings } from './config';
import { modelInformation } from './lm/models';
import type { Core } from './core';
import { SELECTOR } from './completions/selector';
import { CompletionStatus, TOGGLE_COMPLETIONS, toggleCompletions } from './completions/statusToggle';

/** Loads the core (once) and returns it; `why` goes to the log. */
export type LoadCore = (why: string) => Core;

/**
 * Each command runs by loading the core, which registers the real command under the same id, and
 * running that with the same arguments; its result is the command's result.
 */
export function commandStandIns(ids: readonly string[], load: LoadCore): vscode.Disposable[] {
  return ids.map((id) =>
    vscode.commands.registerCommand(id, (...args: unknown[]) => {
      load(id);
      return vscode.commands.executeCommand(id, ...args);
    }),
  );
}

/** Turned on later in the session: the core loads right after (activation loads it when it is on from the start). */
const PRELOAD_AFTER_MS = 0;
/** After the core takes over: how long keys typed meanwhile may still arrive, and the pause that ends them. */
const HANDOVER_WINDOW_MS = 3000;
const HANDOVER_SETTLE_MS = 150;

/**
 * Ghost text: the on/off switch in the status bar (toggling needs no core), and while completions
 * are on, a provider whose first call loads the core and asks its engine. Turning completions on
 * loads the core at once (it is needed at the next keystroke anyway).
 */
export function completionStandIns(load: LoadCore): vscode.Disposable[] {
  const status = new CompletionStatus();
  let registration: vscode.Disposable | undefined;
  let preload: ReturnType<typeof setTimeout> | undefined;
  // The status item has just rendered itself: the first sync only registers.
  const sync = (render = true) => {
    const on = readSettings().completionsEnabled;
    if (on && !registration) {
      registration = vscode.languages.registerInlineCompletionItemProvider(SELECTOR, {
        provideInlineCompletionItems: (doc, pos, context, token) =>
          load('a completion').completions.provider.provideInlineCompletionItems(doc, pos, context, token),
      });
      preload ??= setTimeout(() => load('ghost text is on'), PRELOAD_AFTER_MS);
    } else if (!on && registration) {
      registration.dispose();
      registration = undefined;
    }
    if (render) status.render();
  };
  /**
   * The core is taking over. Keys typed while it loaded (the host is busy for a moment) asked this
   * stand-in, which is going away, and VS Code asks again only at the next key. Their edits reach
   * the host after the load: once they stop coming, ask the core's provider (registered by then)
   * for where the cursor is now.
   */
  const handOver = () => {
    const wasOn = registration !== undefined;
    registration?.dispose();
    registration = undefined;
    clearTimeout(preload);
    const doc = vscode.window.activeTextEditor?.document;
    if (!wasOn || !doc) return;
    let settle: ReturnType<typeof setTimeout> | undefined;
    const ask = () => {
      if (vscode.window.activeTextEditor?.document !== doc) return;
      void vscode.commands.executeCommand('editor.action.inlineSuggest.trigger').then(undefined, () => undefined);
    };
    const typed = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== doc || e.contentChanges.length === 0) return;
      clearTimeout(settle);
      settle = setTimeout(ask, HANDOVER_SETTLE_MS);
    });
    setTimeout(() => typed.dispose(), HANDOVER_WINDOW_MS);
  };
  sync(false);
  return [
    status,
    { dispose: handOver },
    vscode.commands.registerCommand(TOGGLE_COMPLETIONS, toggleCompletions),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('qwen') && sync()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => sync()),
  ];
}

/**
 * A diff editor restored from the last session may ask for a proposal's text: there is none before
 * the core exists, and the core answers '' for a proposal it does not know.
 */
export function proposalStandIn(): vscode.Disposable {
  return vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, { provideTextDocumentContent: () => '' });
}

/**
 * Qwen's models in VS Code's language-model API (vscode.lm). Registered once, at activation, and
 * never replaced: VS Code forgets a vendor's models when its provider is unregistered. A request or
 * a token count loads the core and passes the call on; the list of a preset's models comes from
 * the catalog, with no core. A custom server's list needs its GET /models, so the core too.
 * The list changes with the provider, qwen.baseUrl or qwen.model, never with a key: storing a key
 * makes VS Code ask nothing again, and sends nothing.
 */
export function languageModelStandIn(load: LoadCore, loaded: () => Core | undefined): vscode.Disposable[] {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.LanguageModelChatProvider = {
    onDidChangeLanguageModelChatInformation: changed.event,
    provideLanguageModelChatInformation: () => {
      const core = loaded();
      if (core) return core.languageModels.information();
      const settings = readSettings();
      const preset = activePreset(settings);
      if (preset.id === 'custom') return load("a custom server's model list").languageModels.information();
      return modelInformation({ preset, baseUrl: settings.baseUrl, configured: settings.model });
    },
    provideLanguageModelChatResponse: (model, messages, options, progress, token) =>
      load('a language model request').languageModels.respond(model, messages, options, progress, token),
    provideTokenCount: async (_model, text) => load('a token count').languageModels.tokenCount(text),
  };
  const listed = [Settings.provider, Settings.baseUrl, Settings.model].map((k) => `${Settings.section}.${k}`);
  return [
    changed,
    vscode.lm.registerLanguageModelChatProvider(LM_VENDOR, provider),
    vscode.workspace.onDidChangeConfiguration((e) => listed.some((k) => e.affectsConfiguration(k)) && changed.fire()),
    // qwen.model counts from the folder only once it is trusted (config.ts)
    vscode.workspace.onDidGrantWorkspaceTrust(() => changed.fire()),
  ];
}
