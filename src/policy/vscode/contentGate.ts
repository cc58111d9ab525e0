// The VS Code side of the send policy (../sendPolicy.ts): it feeds the policy the workspace
// folders and the secret patterns, forgets its .gitignore rules when one changes, reads open
// documents' unsaved text, and turns a refusal into the one sentence the user sees. Built once
// in core.ts and handed to every path that sends content.
import * as vscode from 'vscode';
import { Settings } from '../../constants';
import { DEFAULT_EXCLUDE_PATTERNS } from '../../prompts/exclude';
import { SendPolicy, type Origin, type Refusal } from '../sendPolicy';

export type { Origin, Refusal } from '../sendPolicy';

export class ContentGate implements vscode.Disposable {
  readonly policy: SendPolicy;
  private patterns: readonly string[] = readPatterns();
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.policy = new SendPolicy({
      folders: () => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath),
      patterns: () => this.patterns,
    });
    const forget = () => this.policy.invalidate();
    const watchers = ['**/.gitignore', '**/.git/info/exclude'].map((g) => vscode.workspace.createFileSystemWatcher(g));
    for (const w of watchers) this.subs.push(w, w.onDidChange(forget), w.onDidCreate(forget), w.onDidDelete(forget));
    this.subs.push(
      vscode.workspace.onDidChangeWorkspaceFolders(forget),
      // The watcher may lag a save made in this window; the save itself is news enough.
      vscode.workspace.onDidSaveTextDocument((d) => /(^|[\\/])(\.gitignore|exclude)$/.test(d.fileName) && forget()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${Settings.section}.context`)) this.patterns = readPatterns();
      }),
    );
  }

  /** Why the content of `uri` must not be sent for this origin; undefined when it may be. */
  async check(uri: vscode.Uri, origin: Origin): Promise<Refusal | undefined> {
    // An untitled buffer is no file: nothing on disk for a pattern, a link or a .gitignore to judge.
    if (uri.scheme === 'untitled') return undefined;
    return this.policy.judge(fsPathOf(uri), origin);
  }

  /** The whole text to send (an open document's, unsaved edits included), or why not. */
  async readWhole(uri: vscode.Uri, origin: Origin): Promise<{ text: string } | { refusal: Refusal }> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (uri.scheme === 'untitled') return { text: open?.getText() ?? '' };
    return this.policy.readWhole(fsPathOf(uri), origin, open?.getText());
  }

  /** Checks, and when refused tells the user why in one sentence; true when refused. */
  async refuse(uri: vscode.Uri, origin: Origin): Promise<boolean> {
    const r = await this.check(uri, origin);
    if (r) void vscode.window.showWarningMessage(refusalSentence(r));
    return !!r;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

/** A document of another scheme (a notebook cell, git's view of a file) stands for the file at its path. */
function fsPathOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : vscode.Uri.file(uri.path).fsPath;
}

/** The defaults always apply; `qwen.context.exclude` can only add (a workspace must not un-exclude .env). */
export function readPatterns(): string[] {
  const extra = vscode.workspace.getConfiguration(Settings.section).get<unknown>('context.exclude', []);
  return [...DEFAULT_EXCLUDE_PATTERNS, ...(Array.isArray(extra) ? extra.filter((x): x is string => typeof x === 'string') : [])];
}

export function refusalSentence(r: Refusal): string {
  const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
  switch (r.reason) {
    case 'secret':
      return r.target
        ? vscode.l10n.t('{0} leads to {1}, which matches the files never sent to Qwen (qwen.context.exclude and the built-in secret patterns), so nothing was sent.', r.shown, r.target)
        : vscode.l10n.t('{0} matches the files never sent to Qwen (qwen.context.exclude and the built-in secret patterns), so nothing was sent.', r.shown);
    case 'outside':
      return r.target
        ? vscode.l10n.t('{0} leads outside the workspace folders (to {1}), so nothing was sent.', r.shown, r.target)
        : vscode.l10n.t('{0} is outside the workspace folders, so nothing was sent.', r.shown);
    case 'ignored':
      return vscode.l10n.t('{0} is ignored by .gitignore, so it is not sent unless you select code in it yourself.', r.shown);
    case 'binary':
      return vscode.l10n.t('{0} looks like a binary file, so nothing was sent.', r.shown);
    case 'too-large':
      return vscode.l10n.t('{0} is too large to send whole ({1} MB; the limit is {2} MB), so nothing was sent.', r.shown, mb(r.size ?? 0), mb(r.limit ?? 0));
  }
}
