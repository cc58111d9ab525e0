// Every proposal the editor is showing or streaming, at most one per document. Built once in
// core.ts and handed to whoever proposes edits (the editor commands, the chat's Apply, the agent):
// each gets an EditSession whose `outcome` it can await. This file owns the registry, each
// session's lifecycle, the decisions (Accept / Reject, per hunk or all), and what happens to a
// session when its document changes, closes, moves or is deleted. Drawing is ./proposalView.ts,
// CodeLens ./proposalLenses.ts.
import * as vscode from 'vscode';
import { PendingProposal } from '../edits/pending';
import type { ContentChange, Replacement } from '../edits/rebase';
import { fileName } from './common';
import { EditSession, type DropReason, type InlineInfo, type SessionMode } from './editSession';
import { diffTitle, ProposalLenses } from './proposalLenses';
import { ProposalView, type SessionModel } from './proposalView';
import { PROPOSAL_SCHEME } from '../constants';
import { writeAsWorkspaceEdit, type OffsetEdit } from './writer';

export class PendingEdits implements vscode.Disposable {
  private readonly sessions = new Map<string, EditSession>();
  private readonly proposals = new Map<string, EditSession>();
  private readonly view: ProposalView;
  private readonly lensChanged = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.view = new ProposalView({ get: (d) => this.get(d), byProposal: (u) => this.proposals.get(u.toString()) });
    const lenses = new ProposalLenses((doc) => this.sessions.get(doc.uri.toString()), this.lensChanged.event);
    this.disposables.push(
      this.view,
      this.lensChanged,
      this.view.onDidDraw(() => this.lensChanged.fire()),
      vscode.languages.registerCodeLensProvider({ scheme: '*' }, lenses),
      vscode.workspace.onDidChangeTextDocument((e) => this.onDocChange(e)),
      vscode.workspace.onDidCloseTextDocument((d) => this.onClosed(d)),
      vscode.workspace.onWillSaveTextDocument((e) => this.sessions.get(e.document.uri.toString())?.streaming?.onSave?.('will')),
      vscode.workspace.onDidSaveTextDocument((d) => this.sessions.get(d.uri.toString())?.streaming?.onSave?.('did')),
      vscode.workspace.onWillRenameFiles((e) => this.onWillMove(e, e.files.map((f) => f.oldUri), 'renamed')),
      vscode.workspace.onWillDeleteFiles((e) => this.onWillMove(e, e.files, 'deleted')),
      vscode.workspace.onDidRenameFiles((e) => this.onMoved(e.files.map((f) => f.oldUri), 'renamed')),
      vscode.workspace.onDidDeleteFiles((e) => this.onMoved(e.files, 'deleted')),
    );
  }

  // ------------------------------------------------------------------ lookup

  get(doc: vscode.TextDocument | vscode.Uri): EditSession | undefined {
    const uri = doc instanceof vscode.Uri ? doc : doc.uri;
    return this.sessions.get(uri.toString()) ?? this.proposals.get(uri.toString());
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
    this.view.updateContext();
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
    this.view.updateContext();
  }

  /**
   * A finished set of hunks (offsets in the document as it is now) as a pending edit in a diff
   * editor: the whole of what the chat's Apply and the agent's edits need. The caller makes room first.
   */
  async proposeDiff(doc: vscode.TextDocument, hunks: readonly Replacement[], label: string): Promise<EditSession> {
    const s = this.begin(doc, 'diff', label);
    this.setPending(s, new PendingProposal(hunks));
    await this.showDiff(s, diffTitle(s));
    return s;
  }

  /** Ends the session; `reason` when it ends with nothing decided (closed, stopped, failed…). */
  end(s: EditSession, reason?: DropReason): void {
    if (s.phase === 'ended') return;
    s.markEnded(reason);
    if (this.sessions.get(s.key) === s) this.sessions.delete(s.key);
    this.view.clear(s);
    if (s.proposalUri) {
      this.proposals.delete(s.proposalUri.toString());
      void closeTabs((input) => input instanceof vscode.TabInputTextDiff && input.modified.toString() === s.proposalUri!.toString());
    }
    this.lensChanged.fire();
    this.view.updateContext();
  }

  /** Diff mode: opens the diff of the document against the proposal. */
  async showDiff(s: EditSession, title: string): Promise<void> {
    if (!s.proposalUri) {
      s.proposalUri = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: s.doc.uri.path, query: `session=${s.id}` });
      this.proposals.set(s.proposalUri.toString(), s);
    }
    this.view.updateContext();
    await vscode.commands.executeCommand('vscode.diff', s.doc.uri, s.proposalUri, title, { preview: false });
    this.view.updateContext();
  }

  // ------------------------------------------------------------------ decisions

  /**
   * Accept or reject pending hunks (all by default). Accept: one WorkspaceEdit, one undo step
   * (nothing to write in inline mode, where the buffer already shows the proposal). Reject: the
   * original text back, byte for byte, where the user has not typed since. False when nothing
   * was decided (still streaming, or VS Code refused the write: the proposal stays pending).
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
      s.created = true;
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
    const conflicts = s.proposal.onDidChange(e.contentChanges, () => e.document.getText());
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
    this.end(s, 'closed');
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
    this.end(s, what);
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
    this.view.changed(s);
  }

  /** Renders now (tests and the end of a stream call it so the screen is current). */
  render(s: EditSession): void {
    this.view.render(s);
  }

  /** What the editor draws for a session, as plain data (tests look at it). */
  model(s: EditSession): SessionModel {
    return this.view.model(s);
  }

  dispose(): void {
    for (const s of this.all()) {
      s.abort.abort();
      this.end(s, 'disposed');
    }
    for (const d of this.disposables) d.dispose();
  }
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
