// Ghost-text completion, wired into VS Code: the provider is registered only while
// qwen.completions.enabled is on (off, VS Code never calls us and nothing can be sent), the status
// bar switch, and the quiet handling of a missing key or failing provider.
import * as vscode from 'vscode';
import { readSettings } from '../config';
import { isQwenError } from '../qwen/errors';
import type { ClientUnavailable, Services } from '../services';
import { FimSupport, modeFor, pauseAfterError, requestCompletion } from './backend';
import { CompletionEngine } from './engine';
import type { CompletionMode } from './mode';
import { QwenInlineCompletionProvider } from './provider';
import { SELECTOR } from './selector';
import { CompletionStatus, TOGGLE_COMPLETIONS, toggleCompletions, type CompletionHint } from './statusToggle';
import { CompletionClientSource } from './clientSource';

export interface CompletionsTestApi {
  engine: CompletionEngine;
  provider: QwenInlineCompletionProvider;
  status: CompletionStatus;
  /** the provider is registered with VS Code (completions on) */
  readonly registered: boolean;
  /** how the next request would be made, or undefined when none can be */
  mode(): Promise<CompletionMode | undefined>;
}

class Unavailable extends Error {
  constructor(readonly reason: ClientUnavailable['unavailable']) {
    super(reason);
  }
}

export function registerCompletions(services: Services, isExcluded: (uri: vscode.Uri) => Promise<boolean>): { disposables: vscode.Disposable[]; api: CompletionsTestApi } {
  const log = services.log;
  const status = new CompletionStatus();
  const targets = new CompletionClientSource(services);
  const fim = new FimSupport();
  let debounceMs = readSettings().completionsDebounceMs;
  let lastLogged = '';

  const hintFor = (u: ClientUnavailable, provider: string): CompletionHint =>
    u.unavailable === 'missingKey'
      ? { kind: 'missingKey', provider }
      : {
          kind: 'unavailable',
          message:
            u.unavailable === 'insecureHttp'
              ? vscode.l10n.t('the server uses plain http; send one chat request to it first to allow it.')
              : u.unavailable === 'secretStore'
                ? vscode.l10n.t('the API key could not be read from the system keyring.')
                : vscode.l10n.t('the provider\'s address in "qwen.baseUrl" is missing or invalid.'),
        };

  const engine = new CompletionEngine({
    debounceMs: () => debounceMs,
    fetch: async (input, signal) => {
      const t = await targets.get();
      if ('unavailable' in t) throw new Unavailable(t.unavailable);
      return requestCompletion(t, input, signal, fim);
    },
    pauseAfter: (e) => (e instanceof Unavailable ? 0 : pauseAfterError(e)),
    onBusy: (busy) => status.setBusy(busy),
    onSuccess: () => {
      lastLogged = '';
      if (status.state.hint?.kind === 'error') status.setHint(undefined);
    },
    onError: (e) => {
      if (e instanceof Unavailable) return;
      const message = e instanceof Error ? e.message : String(e);
      status.setHint({ kind: 'error', message });
      // One line per distinct failure, not one per keystroke.
      if (message !== lastLogged) {
        lastLogged = message;
        log.warn(`completion failed${isQwenError(e) ? ` (${e.kind}${e.status ? ` HTTP ${e.status}` : ''})` : ''}: ${message}`);
      }
    },
  });

  const excluded = new Map<string, Promise<boolean>>();
  const excludedFor = (uri: vscode.Uri): Promise<boolean> => {
    const key = uri.toString();
    let ex = excluded.get(key);
    if (!ex) {
      if (excluded.size > 500) excluded.clear();
      ex = isExcluded(uri).catch(() => true);
      excluded.set(key, ex);
    }
    return ex;
  };
  const allowed = async (doc: vscode.TextDocument): Promise<boolean> => {
    const ex = excludedFor(doc.uri);
    if (await ex) return false;
    const t = await targets.get();
    if ('unavailable' in t) {
      status.setHint(hintFor(t, services.preset().label));
      return false;
    }
    if (status.state.hint && status.state.hint.kind !== 'error') status.setHint(undefined);
    return true;
  };

  const provider = new QwenInlineCompletionProvider(engine, allowed);
  let registration: vscode.Disposable | undefined;

  const sync = () => {
    const settings = readSettings();
    debounceMs = settings.completionsDebounceMs;
    if (settings.completionsEnabled && !registration) {
      registration = vscode.languages.registerInlineCompletionItemProvider(SELECTOR, provider);
      log.info('ghost-text completions on');
      warm();
    } else if (!settings.completionsEnabled && registration) {
      registration.dispose();
      registration = undefined;
      engine.cancel();
      log.info('ghost-text completions off');
    }
    status.render();
  };

  const showDetail = () =>
    void targets.get().then((t) => {
      if ('client' in t) status.setDetail(vscode.l10n.t('Model: {0}', t.model || t.client.preset.label));
    });

  // The first keystroke should not wait for the key to be read or .gitignore to be parsed.
  const warm = () => {
    showDetail();
    const ed = vscode.window.activeTextEditor;
    if (ed) void excludedFor(ed.document.uri);
  };

  sync();

  const disposables: vscode.Disposable[] = [
    status,
    targets,
    { dispose: () => registration?.dispose() },
    vscode.commands.registerCommand(TOGGLE_COMPLETIONS, toggleCompletions),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('qwen.context')) excluded.clear();
      if (e.affectsConfiguration('qwen')) sync();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(sync),
    vscode.workspace.onDidSaveTextDocument((d) => d.fileName.endsWith('.gitignore') && excluded.clear()),
    vscode.workspace.onDidCloseTextDocument((d) => excluded.delete(d.uri.toString())),
    vscode.window.onDidChangeActiveTextEditor((ed) => registration && ed && void excludedFor(ed.document.uri)),
    targets.onDidChange(() => {
      // Another model, server or key: old suggestions and a failure's pause no longer apply.
      engine.reset();
      status.setHint(undefined);
      if (registration) warm();
    }),
  ];

  const api: CompletionsTestApi = {
    engine,
    provider,
    status,
    get registered() {
      return registration !== undefined;
    },
    mode: async () => {
      const t = await targets.get();
      return 'client' in t ? modeFor(t, fim) : undefined;
    },
  };
  return { disposables, api };
}
