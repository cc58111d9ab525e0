// What VS Code must find from activation on, standing in for the core (./core.ts) until its first
// use: each registration here either answers exactly as the core would before anything happened,
// or loads the core and passes the call on. extension.ts disposes them all just before the core
// registers the real ones under the same ids.
import * as vscode from 'vscode';
import { PROPOSAL_SCHEME } from './constants';
import { readSettings } from './config';
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

/** How long after activation a window with ghost text on loads the core it will need at the first keystroke. */
const PRELOAD_AFTER_MS = 1500;

/**
 * Ghost text: the on/off switch in the status bar (toggling needs no core), and while completions
 * are on, a provider whose first call loads the core and asks its engine. With completions on, the
 * core is needed at the first keystroke anyway, so it is loaded shortly after activation instead
 * of making that keystroke wait for it.
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
        provideInlineCompletionItems: async (doc, pos, context, token) => {
          const items = await load('a completion').completions.provider.provideInlineCompletionItems(doc, pos, context, token);
          // Keys typed while the core loaded asked this stand-in, which is gone now; VS Code asks
          // again only at the next key. Ask the real provider for where the cursor is now.
          if (token.isCancellationRequested && vscode.window.activeTextEditor?.document === doc) {
            void vscode.commands.executeCommand('editor.action.inlineSuggest.trigger');
          }
          return items;
        },
      });
      preload ??= setTimeout(() => load('ghost text is on'), PRELOAD_AFTER_MS);
    } else if (!on && registration) {
      registration.dispose();
      registration = undefined;
    }
    if (render) status.render();
  };
  sync(false);
  return [
    status,
    { dispose: () => (registration?.dispose(), clearTimeout(preload)) },
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
