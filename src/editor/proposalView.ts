// What the editor draws for the sessions: decorations in the document, the read-only
// `qwen-proposal:` document a diff editor shows on its right, and the context keys that show
// Accept/Reject. Redraws are batched: a session marked changed is drawn at most ~30 times a second.
import * as vscode from 'vscode';
import { ContextKeys, PROPOSAL_SCHEME } from '../constants';
import { Decorations, type DecorationModel, EMPTY_MODEL } from './decorations';
import type { EditSession } from './editSession';

/** true while the active editor's document has an inline proposal (Escape rejects it) */
export const INLINE_PENDING_KEY = 'qwen.hasPendingInlineEdit';

/** What the view reads of the registry. */
export interface SessionLookup {
  get(doc: vscode.TextDocument | vscode.Uri): EditSession | undefined;
  byProposal(uri: vscode.Uri): EditSession | undefined;
}

/** A session's drawing as plain data (tests look at it). */
export interface SessionModel {
  added: Array<[number, number]>;
  removed: Array<{ line: number; lines: string[] }>;
  old: Array<[number, number]>;
  inserted: Array<{ line: number; count: number }>;
  writing?: { line: number; text: string };
  unreached?: [number, number];
}

export class ProposalView implements vscode.Disposable {
  private readonly decorations = new Decorations();
  private readonly proposalChanged = new vscode.EventEmitter<vscode.Uri>();
  private readonly drawn = new vscode.EventEmitter<void>();
  /** fires after a batch of sessions was redrawn (CodeLens follow it) */
  readonly onDidDraw = this.drawn.event;
  private readonly disposables: vscode.Disposable[] = [];
  private renderTimer: NodeJS.Timeout | undefined;
  private readonly dirty = new Set<EditSession>();
  private contextState = '';

  constructor(private readonly sessions: SessionLookup) {
    this.disposables.push(
      this.decorations,
      this.proposalChanged,
      this.drawn,
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContext()),
      vscode.window.onDidChangeVisibleTextEditors((eds) => {
        for (const ed of eds) {
          const s = this.sessions.get(ed.document);
          if (s && s.doc === ed.document) this.dirty.add(s);
        }
        this.scheduleRender();
        this.updateContext();
      }),
      vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
        onDidChange: this.proposalChanged.event,
        provideTextDocumentContent: (uri) => {
          const s = this.sessions.byProposal(uri);
          return s ? proposalText(s) : '';
        },
      }),
    );
  }

  /** Redraw soon: the session's state or the document changed. */
  changed(s: EditSession): void {
    this.dirty.add(s);
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (this.renderTimer) return;
    this.renderTimer = setTimeout(() => {
      this.renderTimer = undefined;
      const sessions = [...this.dirty];
      this.dirty.clear();
      for (const s of sessions) this.render(s);
      if (sessions.length) this.drawn.fire();
    }, 30);
  }

  /** Renders now (tests and the end of a stream call it so the screen is current). */
  render(s: EditSession): void {
    if (s.phase === 'ended') return;
    const model = s.phase === 'streaming' ? s.streaming?.view() ?? EMPTY_MODEL : pendingModel(s);
    for (const ed of vscode.window.visibleTextEditors) if (ed.document === s.doc) this.decorations.render(ed, model);
    if (s.proposalUri) this.proposalChanged.fire(s.proposalUri);
  }

  /** The session ended: nothing of it stays on screen. */
  clear(s: EditSession): void {
    this.dirty.delete(s);
    for (const ed of vscode.window.visibleTextEditors) if (ed.document === s.doc) this.decorations.clear(ed);
  }

  model(s: EditSession): SessionModel {
    const m = s.phase === 'streaming' ? s.streaming?.view() ?? EMPTY_MODEL : s.phase === 'pending' ? pendingModel(s) : EMPTY_MODEL;
    const lines = (r: vscode.Range): [number, number] => [r.start.line, r.end.line];
    return { added: m.added.map(lines), removed: m.removed, old: m.old.map(lines), inserted: m.inserted, writing: m.writing, unreached: m.unreached && lines(m.unreached) };
  }

  updateContext(): void {
    const ed = vscode.window.activeTextEditor;
    const s = ed ? this.sessions.get(ed.document) : undefined;
    const state = `${!!s}|${s?.mode === 'inline'}`;
    if (state === this.contextState) return;
    this.contextState = state;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasPendingEdit, !!s);
    void vscode.commands.executeCommand('setContext', INLINE_PENDING_KEY, s?.mode === 'inline');
  }

  dispose(): void {
    if (this.renderTimer) clearTimeout(this.renderTimer);
    for (const d of this.disposables) d.dispose();
  }
}

function pendingModel(s: EditSession): DecorationModel {
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
export function proposalText(s: EditSession): string {
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

/** Lines of a hunk's text, without EOLs. */
function lines(text: string): string[] {
  if (!text) return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
