// Every proposal the editor is showing or streaming, at most one per document (CONTRACT,
// "Pending edits"). A session is `streaming` while its request runs, then `pending` with a
// PendingProposal (src/edits/pending.ts) that follows the document through every change, then
// ended. Three ways to show one:
//  - diff:    the document keeps the original; a diff editor shows it against a read-only
//             `qwen-proposal:` document; Accept writes the hunks as one undo step;
//  - inline:  the buffer holds the proposal (written while it streamed, src/editor/inline.ts);
//             Accept writes nothing, so the one undo step that wrote it is what Undo reverts;
//             Reject writes the original back;
//  - newFile: an untitled editor holds a proposed file; Accept creates it (never overwriting).
// Accept/Reject per hunk come as CodeLens; for all, the commands and the editor title.
import * as vscode from 'vscode';
import { Commands, ContextKeys, PROPOSAL_SCHEME } from '../constants';
import { PendingProposal } from '../edits/pending';
import type { ContentChange, Replacement } from '../edits/rebase';
import type { InlineAttempt } from '../prompts/actions';
import { Decorations, type DecorationModel, EMPTY_MODEL } from './decorations';
import { writeAsWorkspaceEdit, type OffsetEdit } from './writer';

export { PROPOSAL_SCHEME };
/** true while the active editor's document has an inline proposal (Escape rejects it) */
export const INLINE_PENDING_KEY = 'qwen.hasPendingInlineEdit';

export type SessionMode = 'diff' | 'inline' | 'newFile';

export interface StreamingHooks {
  /** every change of the document while the session streams, with the version it produced */
  onChange(changes: readonly ContentChange[], version: number): void;
  view(): DecorationModel;
  /** where the "writing…" CodeLens goes */
  lensLine(): number;
  /** the document is being saved (which puts an undo stop in its history) */
  onSave?(phase: 'will' | 'did'): void;
}

/** What an inline session needs to be refined: its region (tracked as the document changes) and the attempts so far. */
export interface InlineInfo {
  regionStart: number;
  original: string;
  attempts: InlineAttempt[];
}

let nextId = 1;

export class EditSession {
  readonly id = nextId++;
  phase: 'streaming' | 'pending' | 'ended' = 'streaming';
  proposal?: PendingProposal<Replacement>;
  proposalUri?: vscode.Uri;
  streaming?: StreamingHooks;
  /** stops the request; the command that runs it ends the session */
  readonly abort = new AbortController();
  /** set by Reject during the stream: the command rejects what it produced */
  rejectWhenDone = false;
  inline?: InlineInfo;
  /** newFile: where Accept creates the file */
  newFileTarget?: vscode.Uri;
  deciding = false;
  private resolveEnded!: () => void;
  readonly ended = new Promise<void>((r) => (this.resolveEnded = r));

  constructor(
    readonly doc: vscode.TextDocument,
    readonly mode: SessionMode,
    /** the action's name for messages ("Refactor", "Edit Inline"…) */
    readonly label: string,
  ) {}

  /** (a method, so that checks after an await are not narrowed away) */
  isEnded(): boolean {
    return this.phase === 'ended';
  }

  get key(): string {
    return this.doc.uri.toString();
  }

  /** @internal */
  markEnded(): void {
    this.phase = 'ended';
    this.resolveEnded();
  }
}

function fileName(uri: vscode.Uri): string {
  return uri.path.split('/').pop() || uri.toString();
}

export class PendingEdits implements vscode.Disposable {
  private readonly sessions = new Map<string, EditSession>();
  private readonly byProposal = new Map<string, EditSession>();
  private readonly decorations = new Decorations();
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private readonly proposalChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly disposables: vscode.Disposable[] = [];
  private renderTimer: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<EditSession>();
  private contextState = '';

  constructor() {
    this.disposables.push(
      this.decorations,
      this.lensChanged,
      this.proposalChanged,
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClosed(d)),
      vscode.workspace.onWillSaveTextDocument((e) => this.sessions.get(e.document.uri.toString())?.streaming?.onSave?.('will')),
      vscode.workspace.onDidSaveTextDocument((d) => this.sessions.get(d.uri.toString())?.streaming?.onSave?.('did')),
      vscode.workspace.onWillRenameFiles((e) => this.onWillMove(e, e.files.map((f) => f.oldUri), 'renamed')),
      vscode.workspace.onWillDeleteFiles((e) => this.onWillMove(e, e.files, 'deleted')),
      vscode.workspace.onDidRenameFiles((e) => this.onMoved(e.files.map((f) => f.oldUri), 'renamed')),
      vscode.workspace.onDidDeleteFiles((e) => this.onMoved(e.files, 'deleted')),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.window.onDidChangeVisibleTextEditors((eds) => {
        for (const ed of eds) {
          const s = this.sessions.get(ed.document.uri.toString());
          if (s) this.dirty.add(s);
        }
        this.scheduleRender();
        this.updateContext();
      }),
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
        onDidChange: this.proposalChanged.event,
        provideTextDocumentContent: (uri) => {
          const s = this.byProposal.get(uri.toString());
          return s ? this.proposalText(s) : '';
        },
      }),
      vscode.languages.registerCodeLensProvider({ scheme: '*' }, { onDidChangeCodeLenses: this.lensChanged.event, provideCodeLenses: (doc) => this.lenses(doc) }),
    );
  }

  // ------------------------------------------------------------------ lookup

  get(doc: vscode.TextDocument | vscode.Uri): EditSession | undefined {
    const uri = doc instanceof vscode.Uri ? doc : doc.uri;
    return this.sessions.get(uri.toString()) ?? this.byProposal.get(uri.toString());
  }

  all(): EditSession[] {
    return [...this.sessions.values()];
  }

  /** The session a command is about: an explicit uri, else the active editor's, else the only visible one. */
  resolve(arg?: unknown): EditSession | undefined {
    if (typeof arg === 'string') {
      try {
        return this.get(vscode.Uri.parse(arg));
      } catch {
        return undefined;
      }
    }
    if (arg instanceof vscode.Uri) return this.get(arg);
    const active = vscode.window.activeTextEditor;
    if (active) return this.get(active.document);
    const visible = vscode.window.visibleTextEditors.map((e) => this.get(e.document)).filter((s): s is EditSession => !!s);
    return new Set(visible).size === 1 ? visible[0] : undefined;
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * One proposal per document: when one is pending or streaming, asks whether to drop it. True
   * when the document is free (nothing there, or the user agreed and it was rejected).
   */
  async makeRoom(doc: vscode.TextDocument): Promise<boolean> {
    const s = this.get(doc);
    if (!s) return true;
    const name = fileName(doc.uri);
    const streaming = s.phase === 'streaming';
    const yes = streaming ? vscode.l10n.t('Stop and Continue') : vscode.l10n.t('Reject and Continue');
    const msg = streaming
      ? vscode.l10n.t('Qwen is still writing an edit for {0}. Stop it and start a new one?', name)
      : vscode.l10n.t('{0} already has a pending Qwen edit. Reject it and start a new one?', name);
    const choice = await vscode.window.showWarningMessage(msg, { modal: true }, yes);
    if (choice !== yes || s.phase === 'ended') return choice === yes || !this.get(doc);
    await this.decide(s, false);
    await Promise.race([s.ended, new Promise((r) => setTimeout(r, 5000))]);
    return !this.get(doc);
  }

  begin(doc: vscode.TextDocument, mode: SessionMode, label: string): EditSession {
    const s = new EditSession(doc, mode, label);
    this.sessions.set(s.key, s);
    this.updateContext();
    this.lensChanged.fire();
    return s;
  }

  /** From streaming to pending. With no hunk left, the session ends (the caller says why). */
  setPending(s: EditSession, proposal: PendingProposal<Replacement>): void {
    if (s.phase === 'ended') return;
    s.phase = 'pending';
    s.streaming = undefined;
    s.proposal = proposal;
    this.changed(s);
    this.updateContext();
  }

  end(s: EditSession): void {
    if (s.phase === 'ended') return;
    s.markEnded();
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    for (const ed of vscode.window.visibleTextEditors) if (ed.document === s.doc) this.decorations.clear(ed);
    if (s.proposalUri) {
      this.byProposal.delete(s.proposalUri.toString());
      void closeTabs((input) => input instanceof vscode.TabInputTextDiff && input.modified.toString() === s.proposalUri!.toString());
    }
    this.dirty.delete(s);
    this.lensChanged.fire();
    this.updateContext();
  }

  /** Diff mode: opens the diff of the document against the proposal. */
  async showDiff(s: EditSession, title: string): Promise<void> {
    if (!s.proposalUri) {
      s.proposalUri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: s.doc.uri.path, query: `session=${s.id}` });
      this.byProposal.set(s.proposalUri.toString(), s);
    }
    this.updateContext();
    await vscode.commands.executeCommand('vscode.diff', s.doc.uri, s.proposalUri, title, { preview: false });
    this.updateContext();
  }

  // ------------------------------------------------------------------ decisions

  /**
   * Accept or reject pending hunks (all by default). Accept: one WorkspaceEdit, one undo step
   * (nothing to write in inline mode, where the buffer already shows the proposal). Reject: the
   * original text back, byte for byte, where the user has not typed since.
   */
  async decide(s: EditSession, accept: boolean, ids?: readonly number[]): Promise<boolean> {
    if (s.phase === 'ended') return false;
    if (s.phase === 'streaming') {
      if (accept) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Qwen is still writing this edit. Wait for it to finish, or use Reject Edit to stop it.'));
        return false;
      }
      s.rejectWhenDone = true;
      s.abort.abort();
      return true;
    }
    if (s.mode === 'newFile') return this.decideNewFile(s, accept);
    const p = s.proposal!;
    if (s.deciding) return false;
    s.deciding = true;
    let written = true;
    try {
      let edits: OffsetEdit[] = accept ? p.accept(ids) : p.reject(ids);
      for (let attempt = 0; edits.length > 0; attempt++) {
        if (await writeAsWorkspaceEdit(s.doc, edits)) break;
        // The user changed the document between our computing and VS Code applying: the hunks
        // have followed that change (or became conflicts); write what is still due from there.
        if (s.doc.isClosed || attempt >= 3) {
          written = !p.hunks.some((h) => h.inFlight);
          break;
        }
        await new Promise((r) => setTimeout(r, 15));
        edits = p.hunks.filter((h) => h.inFlight).map((h) => ({ start: h.start, end: h.end, text: h.showing === 'old' ? h.hunk.newText : h.hunk.oldText }));
      }
      // Refused every time (a read-only document, say): the proposal stays as it was, not ended
      // as if decided while the text never changed.
      if (!written) p.withdraw();
      // VS Code may report our write as smaller edits than we sent, which the proposal cannot
      // recognise as ours; the decided hunks are written either way.
      for (const h of p.hunks) if (h.state !== 'pending') h.inFlight = false;
    } finally {
      s.deciding = false;
    }
    if (!written && !s.doc.isClosed) {
      const name = fileName(s.doc.uri);
      void vscode.window.showWarningMessage(
        accept
          ? vscode.l10n.t('Qwen\'s edit could not be written to {0} (is it read-only?). It is still pending: accept it again once the file can be edited, or reject it.', name)
          : vscode.l10n.t('The original text could not be written back to {0} (is it read-only?). Qwen\'s edit is still pending.', name),
      );
      this.changed(s);
      return false;
    }
    if (p.pending.length === 0) this.end(s);
    else this.changed(s);
    return true;
  }

  private async decideNewFile(s: EditSession, accept: boolean): Promise<boolean> {
    const target = s.newFileTarget!;
    if (accept) {
      const we = new vscode.WorkspaceEdit();
      we.createFile(target, { overwrite: false, ignoreIfExists: false, contents: new TextEncoder().encode(s.doc.getText()) });
      let ok = false;
      try {
        ok = await vscode.workspace.applyEdit(we);
      } catch {
        ok = false;
      }
      if (!ok) {
        void vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be created (it may exist now); nothing was overwritten.', vscode.workspace.asRelativePath(target, false)));
        return false;
      }
    }
    const doc = s.doc;
    this.end(s);
    // An untitled editor that is empty closes without asking to save.
    await writeAsWorkspaceEdit(doc, [{ start: 0, end: doc.getText().length, text: '' }]);
    await closeTabs((input) => input instanceof vscode.TabInputText && input.uri.toString() === doc.uri.toString());
    if (accept) await vscode.window.showTextDocument(target, { preview: false });
    return true;
  }

  // ------------------------------------------------------------------ document events

  private onDocChange(e: vscode.TextDocumentChangeEvent): void {
    if (e.contentChanges.length === 0) return;
    const s = this.sessions.get(e.document.uri.toString());
    if (!s) return;
    if (s.phase === 'streaming') {
      s.streaming?.onChange(e.contentChanges, e.document.version);
      this.changed(s);
      return;
    }
    if (s.phase !== 'pending' || !s.proposal || s.mode === 'newFile') return;
    if (s.inline) shiftRegion(s.inline, e.contentChanges);
    const conflicts = s.proposal.onDidChange(e.contentChanges);
    if (conflicts.length) {
      void vscode.window.showInformationMessage(
        s.mode === 'inline'
          ? vscode.l10n.t('You edited {0} of the lines Qwen proposed; they stay as you left them and are no longer part of the proposal.', conflicts.length)
          : vscode.l10n.t('{0} of the changes Qwen proposed overlap your edits and were dropped; your text is kept.', conflicts.length),
      );
    }
    if (s.proposal.pending.length === 0 && !s.deciding) this.end(s);
    else this.changed(s);
  }

  private onClosed(doc: vscode.TextDocument): void {
    const s = this.sessions.get(doc.uri.toString());
    if (!s) return;
    s.abort.abort();
    this.end(s);
    void vscode.window.showWarningMessage(vscode.l10n.t('{0} was closed, so its Qwen edit was dropped.', fileName(doc.uri)));
  }

  private affected(uris: readonly vscode.Uri[]): EditSession[] {
    return this.all().filter((s) => uris.some((u) => s.doc.uri.toString() === u.toString() || s.doc.uri.path.startsWith(u.path.endsWith('/') ? u.path : u.path + '/')) && s.doc.uri.scheme === uris[0]?.scheme);
  }

  /**
   * Before a rename or delete: stop streams and take inline proposals out of the buffer, so what
   * moves is the user's text; the proposal is dropped with a message.
   */
  private onWillMove(e: { waitUntil(t: Thenable<vscode.WorkspaceEdit>): void }, uris: readonly vscode.Uri[], what: 'renamed' | 'deleted'): void {
    const edit = new vscode.WorkspaceEdit();
    for (const s of this.affected(uris)) {
      if (what === 'renamed' && s.phase === 'pending' && s.mode === 'inline' && s.proposal) {
        for (const d of s.proposal.reject()) edit.replace(s.doc.uri, new vscode.Range(s.doc.positionAt(d.start), s.doc.positionAt(d.end)), d.text);
      }
      this.drop(s, what);
    }
    if (edit.size > 0) e.waitUntil(Promise.resolve(edit));
  }

  private drop(s: EditSession, what: 'renamed' | 'deleted'): void {
    this.end(s);
    s.abort.abort();
    const name = fileName(s.doc.uri);
    void vscode.window.showWarningMessage(
      what === 'renamed' ? vscode.l10n.t('{0} was renamed, so its Qwen edit was dropped.', name) : vscode.l10n.t('{0} was deleted, so its Qwen edit was dropped.', name),
    );
  }

  private onMoved(uris: readonly vscode.Uri[], what: 'renamed' | 'deleted'): void {
    for (const s of this.affected(uris)) this.drop(s, what);
  }

  // ------------------------------------------------------------------ showing

  /** Redraw soon: the session's state or the document changed. */
  changed(s: EditSession): void {
    this.dirty.add(s);
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (this.renderTimer) return;
    // Decorations, CodeLens and the diff's right side follow the document at most ~30 times a second.
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      const sessions = [...this.dirty];
      this.dirty.clear();
      for (const s of sessions) this.render(s);
      if (sessions.length) this.lensChanged.fire();
    }, 30);
  }

  /** Renders now (tests and the end of a stream call it so the screen is current). */
  render(s: EditSession): void {
    if (s.phase === 'ended') return;
    const model = s.phase === 'streaming' ? s.streaming?.view() ?? EMPTY_MODEL : this.pendingModel(s);
    for (const ed of vscode.window.visibleTextEditors) if (ed.document === s.doc) this.decorations.render(ed, model);
    if (s.proposalUri) this.proposalChanged.fire(s.proposalUri);
  }

  /** What the editor draws for a session, as plain data (tests look at it). */
  model(s: EditSession): { added: Array<[number, number]>; removed: Array<{ line: number; lines: string[] }>; old: Array<[number, number]>; inserted: Array<{ line: number; count: number }>; writing?: { line: number; text: string }; unreached?: [number, number] } {
    const m = s.phase === 'streaming' ? s.streaming?.view() ?? EMPTY_MODEL : s.phase === 'pending' ? this.pendingModel(s) : EMPTY_MODEL;
    const lines = (r: vscode.Range): [number, number] => [r.start.line, r.end.line];
    return { added: m.added.map(lines), removed: m.removed, old: m.old.map(lines), inserted: m.inserted, writing: m.writing, unreached: m.unreached && lines(m.unreached) };
  }

  private pendingModel(s: EditSession): DecorationModel {
    const m: DecorationModel = { added: [], removed: [], old: [], inserted: [] };
    const doc = s.doc;
    for (const h of s.proposal?.pending ?? []) {
      const a = doc.positionAt(h.start);
      const b = doc.positionAt(h.end);
      const last = b.character === 0 && b.line > a.line ? b.line - 1 : b.line;
      if (h.showing === 'new') {
        if (h.end > h.start) m.added.push(new vscode.Range(a.line, 0, last, 0));
        const removed = lines(h.hunk.oldText);
        if (removed.length) m.removed.push({ line: Math.min(a.line, doc.lineCount - 1), lines: removed });
      } else if (h.end > h.start) m.old.push(new vscode.Range(a.line, 0, last, 0));
      else m.inserted.push({ line: Math.max(0, a.line - (a.character === 0 ? 1 : 0)), count: lines(h.hunk.newText).length });
    }
    return m;
  }

  /** The document with every pending hunk applied: the diff editor's right side. */
  proposalText(s: EditSession): string {
    const text = s.doc.getText();
    if (!s.proposal) return text;
    const hs = s.proposal.pending.filter((h) => h.showing === 'old').sort((x, y) => x.start - y.start);
    const parts: string[] = [];
    let pos = 0;
    for (const h of hs) {
      parts.push(text.slice(pos, h.start), h.hunk.newText);
      pos = h.end;
    }
    parts.push(text.slice(pos));
    return parts.join('');
  }

  private lenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    const s = this.sessions.get(doc.uri.toString());
    if (!s || s.phase === 'ended') return [];
    const uri = doc.uri.toString();
    const at = (line: number) => new vscode.Range(line, 0, line, 0);
    if (s.phase === 'streaming') {
      const line = s.streaming ? s.streaming.lensLine() : 0;
      return [
        new vscode.CodeLens(at(line), { title: `$(loading~spin) ${vscode.l10n.t('Qwen is writing…')}`, command: Commands.stop }),
        new vscode.CodeLens(at(line), { title: `$(debug-stop) ${vscode.l10n.t('Stop')}`, command: Commands.stop }),
        new vscode.CodeLens(at(line), { title: `$(discard) ${vscode.l10n.t('Cancel')}`, command: Commands.rejectEdit, arguments: [uri] }),
      ];
    }
    if (s.mode === 'newFile') {
      const target = vscode.workspace.asRelativePath(s.newFileTarget!, false);
      return [
        new vscode.CodeLens(at(0), { title: `$(new-file) ${vscode.l10n.t('Create {0}', target)}`, command: Commands.acceptEdit, arguments: [uri] }),
        new vscode.CodeLens(at(0), { title: `$(discard) ${vscode.l10n.t('Discard')}`, command: Commands.rejectEdit, arguments: [uri] }),
      ];
    }
    const pending = s.proposal?.pending ?? [];
    const out: vscode.CodeLens[] = [];
    pending.forEach((h, i) => {
      const line = doc.positionAt(h.start).line;
      if (i === 0 && pending.length > 1) {
        out.push(new vscode.CodeLens(at(line), { title: `$(check-all) ${vscode.l10n.t('Accept All')}`, command: Commands.acceptEdit, arguments: [uri] }));
        out.push(new vscode.CodeLens(at(line), { title: `$(close-all) ${vscode.l10n.t('Reject All')}`, command: Commands.rejectEdit, arguments: [uri] }));
      }
      out.push(new vscode.CodeLens(at(line), { title: `$(check) ${vscode.l10n.t('Accept')}`, command: Commands.acceptEdit, arguments: [uri, [h.id]] }));
      out.push(new vscode.CodeLens(at(line), { title: `$(discard) ${vscode.l10n.t('Reject')}`, command: Commands.rejectEdit, arguments: [uri, [h.id]] }));
      if (i === 0 && s.mode === 'inline') out.push(new vscode.CodeLens(at(line), { title: `$(edit) ${vscode.l10n.t('Refine…')}`, command: Commands.inlineEdit, arguments: [{ refine: uri }] }));
      if (i === 0 && s.mode === 'diff' && s.proposalUri) out.push(new vscode.CodeLens(at(line), { title: `$(diff) ${vscode.l10n.t('Show Diff')}`, command: 'vscode.diff', arguments: [s.doc.uri, s.proposalUri, diffTitle(s)] }));
    });
    return out;
  }

  private updateContext(): void {
    const ed = vscode.window.activeTextEditor;
    const s = ed ? this.get(ed.document) : undefined;
    const state = `${!!s}|${s?.mode === 'inline'}`;
    if (state === this.contextState) return;
    this.contextState = state;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasPendingEdit, !!s);
    void vscode.commands.executeCommand('setContext', INLINE_PENDING_KEY, s?.mode === 'inline');
  }

  dispose(): void {
    for (const s of this.all()) {
      s.abort.abort();
      this.end(s);
    }
    if (this.renderTimer) clearTimeout(this.renderTimer);
    for (const d of this.disposables) d.dispose();
  }
}

export function diffTitle(s: EditSession): string {
  return vscode.l10n.t("{0} ↔ Qwen's proposal ({1})", fileName(s.doc.uri), s.label);
}

/** Lines of a hunk's text, without EOLs. */
function lines(text: string): string[] {
  if (!text) return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Keeps an inline region's start in place across changes above it (changes inside are the proposal's business). */
function shiftRegion(info: InlineInfo, changes: readonly ContentChange[]): void {
  for (const c of changes) {
    const end = c.rangeOffset + c.rangeLength;
    if (end < info.regionStart || (end === info.regionStart && c.rangeLength > 0)) info.regionStart += c.text.length - c.rangeLength;
  }
}

async function closeTabs(match: (input: unknown) => boolean): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => match(t.input));
  if (tabs.length) await vscode.window.tabGroups.close(tabs, true).then(undefined, () => undefined);
}
