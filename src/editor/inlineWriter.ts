// Writes a streamed rewrite into the buffer as it arrives (Qwen: Edit Inline), then hands over a
// pending proposal whose hunks show the new text. One file of ~440 lines on purpose: every method
// reads and moves the same frontier (where written proposal lines end and original lines resume),
// and split apart each part would need all of it.
//
// The buffer's region is always [proposal lines written so far][original lines not reached yet];
// each write replaces only changed lines at the frontier (lines the stream found unchanged are
// never touched, so the cursor and the user's markers in them stay put). Removed lines leave the
// buffer and are drawn as markers (decorations.ts).
//
// Undo: every write goes through the editor with no undo stop between them, so the whole stream
// is one undo step from the original to the proposal, and after Accept (which writes nothing)
// one Undo restores the original. The last changed run is always held back for the final write,
// which closes that step. When the step cannot be clean (the user typed while it streamed, or the
// editor went away and a WorkspaceEdit had to be used), the end rewrites the region back to the
// original and then writes the proposal as one fresh step, which keeps the same guarantee.
//
// The user's text: writes are version-checked (VS Code refuses one computed against an older
// version) and recomputed; changes above the region move it; a change inside it stops the stream,
// and what was written is taken back except where the user typed.
import * as vscode from 'vscode';
import { diffLines } from '../edits/diff';
import { type DiffRun, type Frontier, InlineEditStream, type InlineEditOptions } from '../edits/streamingLineDiff';
import { PendingProposal } from '../edits/pending';
import { type ContentChange, type Replacement, touches } from '../edits/rebase';
import { splitLinesKeepEol } from '../edits/text';
import type { DecorationModel } from './decorations';
import { editorFor, minimalEdit, type OffsetEdit, writeAsWorkspaceEdit, writeThroughEditor } from './writer';

/** Lines of the region: proposal lines [newStart, newEnd) replaced original lines [origStart, origEnd). */
interface WrittenHunk {
  origStart: number;
  origEnd: number;
  newStart: number;
  newEnd: number;
}

export type InlineFinish =
  /** the buffer shows the proposal; `note` says when it is partial */
  | { kind: 'pending'; proposal: PendingProposal<Replacement>; note?: 'stopped' | 'truncated' }
  /** the buffer holds the original again (or never changed) */
  | { kind: 'unchanged'; why: 'no-code' | 'no-change' | 'error' }
  /** the user edited inside the region while it streamed: what we wrote, minus what they touched */
  | { kind: 'conflict'; proposal: PendingProposal<Replacement> }
  /** the buffer is not what we expected (should not happen): nothing more was written */
  | { kind: 'failed' };

export class InlineWriter {
  readonly stream: InlineEditStream;
  private readonly doc: vscode.TextDocument;
  private readonly eol: string;
  private readonly original: string;
  /** original lines with their EOLs, and where each starts in the region */
  private readonly originalLines: string[];
  private readonly originalLineStarts: number[];
  private regionStart: number;
  private regionLen: number;
  /** the buffer holds proposal lines [0, proposalWrittenTo) then original lines [originalWrittenTo, n) */
  private originalWrittenTo = 0;
  private proposalWrittenTo = 0;
  /** the proposal lines written, as written (with EOLs) */
  private readonly proposalLines: string[] = [];
  private readonly written: WrittenHunk[] = [];
  private queue: DiffRun[] = [];
  private frontier: Frontier = { orig: 0, new: 0, pending: 0, display: 0, partial: '' };
  private wroteAny = false;
  /** the stream's undo step may hold text that is not ours, or is not one step */
  private split = false;
  private inFlight = false;
  private expectVersion = -1;
  private ownVersion = -1;
  private queuedEvents: Array<{ changes: readonly ContentChange[]; version: number }> = [];
  private readonly badEditors = new Set<vscode.TextEditor>();
  private conflictProposal: PendingProposal<Replacement> | undefined;
  private finishing = false;
  private flushAgain = false;
  private saving = false;

  constructor(
    doc: vscode.TextDocument,
    opts: InlineEditOptions & { base: NonNullable<InlineEditOptions['base']>; eol: '\n' | '\r\n' },
    /** a stop request: the region was touched by the user */
    private readonly onConflict: () => void,
    /** a write landed: what to draw has changed */
    private readonly onWritten: () => void = () => undefined,
  ) {
    this.doc = doc;
    this.eol = opts.eol;
    this.original = opts.original;
    this.stream = new InlineEditStream(opts);
    this.originalLines = splitLinesKeepEol(opts.original);
    this.originalLineStarts = [0];
    for (const l of this.originalLines) this.originalLineStarts.push(this.originalLineStarts[this.originalLineStarts.length - 1] + l.length);
    this.regionStart = opts.base.offset;
    this.regionLen = opts.original.length;
  }

  /** Where the region starts in the document now. */
  get regionOffset(): number {
    return this.regionStart;
  }

  get conflicted(): boolean {
    return this.conflictProposal !== undefined;
  }

  /** An answer chunk. */
  push(chunk: string): void {
    if (this.conflicted || this.finishing) return;
    const u = this.stream.push(chunk);
    for (const r of u.runs) this.queue.push(r);
    this.frontier = u.frontier;
    this.flush();
  }

  // ------------------------------------------------------------------ writing

  private get n(): number {
    return this.originalLines.length;
  }

  /** Where original line j (not reached yet) is in the document now: the region's tail is untouched original text. */
  private pre(j: number): number {
    return this.regionStart + this.regionLen - (this.originalLineStarts[this.n] - this.originalLineStarts[j]);
  }

  private proposalLine(k: number): string {
    return (this.stream.extractor.lines[k] ?? '') + this.eol;
  }

  /** Writes every committed run but the last changed one (held back so the final write closes the undo step). */
  private flush(): void {
    if (this.inFlight) {
      this.flushAgain = true;
      return;
    }
    if (this.conflicted || this.finishing) return;
    let last = -1;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].kind !== 'same') {
        last = i;
        break;
      }
    }
    if (last <= 0) return;
    const runs = this.queue.slice(0, last);
    this.queue = this.queue.slice(last);
    void this.writeRuns(runs);
  }

  private async writeRuns(runs: readonly DiffRun[]): Promise<void> {
    let o = this.originalWrittenTo;
    let nw = this.proposalWrittenTo;
    const ops: OffsetEdit[] = [];
    const texts: string[] = [];
    // Hunks this write makes; the first may continue the last one already written.
    const hunks: WrittenHunk[] = [];
    let extendsLast = false;
    const hunkAt = (): WrittenHunk => {
      const cur = hunks[hunks.length - 1];
      if (cur && cur.origEnd === o && cur.newEnd === nw) return cur;
      const last = this.written[this.written.length - 1];
      if (!cur && last && last.origEnd === o && last.newEnd === nw) {
        extendsLast = true;
        hunks.push({ ...last });
      } else hunks.push({ origStart: o, origEnd: o, newStart: nw, newEnd: nw });
      return hunks[hunks.length - 1];
    };
    const op = (start: number, end: number, text: string) => {
      const prev = ops[ops.length - 1];
      if (prev && prev.end === start) {
        prev.end = end;
        prev.text += text;
      } else ops.push({ start, end, text });
    };
    for (const r of runs) {
      if (r.kind === 'same') {
        for (let k = 0; k < r.count; k++) texts.push(this.originalLines[o + k]);
        o += r.count;
        nw += r.count;
      } else if (r.kind === 'added') {
        const h = hunkAt();
        let text = '';
        for (let k = 0; k < r.count; k++) {
          const line = this.proposalLine(nw + k);
          texts.push(line);
          text += line;
        }
        op(this.pre(o), this.pre(o), text);
        nw += r.count;
        h.newEnd = nw;
      } else {
        const h = hunkAt();
        op(this.pre(o), this.pre(o + r.count), '');
        o += r.count;
        h.origEnd = o;
      }
    }
    const commit = () => {
      this.originalWrittenTo = o;
      this.proposalWrittenTo = nw;
      for (const t of texts) this.proposalLines.push(t);
      if (extendsLast) this.written[this.written.length - 1] = hunks.shift()!;
      for (const h of hunks) this.written.push(h);
      for (const e of ops) this.regionLen += e.text.length - (e.end - e.start);
    };
    if (ops.length === 0) {
      commit();
      return;
    }
    const ok = await this.write(ops, { undoStopBefore: !this.wroteAny, undoStopAfter: false }, commit);
    // Refused (the user changed the document first): the runs go back in front of the queue.
    if (!ok && !this.conflicted) this.queue = [...runs, ...this.queue];
    if (this.flushAgain || !ok) {
      this.flushAgain = false;
      if (!this.finishing && !this.doc.isClosed) this.flush();
    }
  }

  /**
   * One write of ours. `commit` updates the bookkeeping the moment it is known to have landed;
   * changes reported meanwhile wait, then are told apart by the version our write produced.
   * Must be called in the tick the offsets were computed in.
   */
  private async write(ops: readonly OffsetEdit[], stops: { undoStopBefore: boolean; undoStopAfter: boolean }, commit?: () => void): Promise<boolean> {
    this.inFlight = true;
    const before = this.doc.version;
    this.expectVersion = before + 1;
    let ok = false;
    try {
      const ed = editorFor(this.doc, this.badEditors);
      if (ed) {
        ok = await writeThroughEditor(ed, ops, stops);
        // Nothing happened at all: that editor cannot be written through (read-only, closed).
        if (!ok && this.doc.version === before) this.badEditors.add(ed);
      }
      // No editor to write through: a WorkspaceEdit, its own undo step, so the stream's step is not clean.
      // Only while the document is still the version the offsets are for.
      if (!ok && this.doc.version === before && !this.doc.isClosed) {
        this.split = true;
        ok = await writeAsWorkspaceEdit(this.doc, ops);
      }
      if (ok) {
        // The change event of a WorkspaceEdit may trail its promise; wait until the document has it.
        for (let i = 0; i < 100 && this.doc.version < this.expectVersion; i++) await new Promise((r) => setTimeout(r, 5));
        this.ownVersion = this.expectVersion;
        this.wroteAny = true;
        commit?.();
      }
    } finally {
      this.inFlight = false;
      const q = this.queuedEvents;
      this.queuedEvents = [];
      for (const e of q) this.handle(e.changes, e.version);
      if (ok) this.onWritten();
    }
    return ok;
  }

  // ------------------------------------------------------------------ the user's changes

  /** The document is being saved: saving pushes an undo stop, so the stream's writes are no longer one step. */
  onSave(phase: 'will' | 'did' = 'did'): void {
    this.split = true;
    this.saving = phase === 'will';
  }

  /**
   * A save that started just before our last write pushed its undo stop in the editor before we
   * heard of it: wait for saves in progress (and a moment for their news) before trusting `split`.
   */
  private async savesSettled(): Promise<void> {
    await new Promise((r) => setTimeout(r, 150));
    for (let i = 0; i < 100 && this.saving; i++) await new Promise((r) => setTimeout(r, 20));
  }

  /** Every change of the document during the stream, ours included. */
  onChange(changes: readonly ContentChange[], version: number): void {
    if (this.inFlight) this.queuedEvents.push({ changes, version });
    else this.handle(changes, version);
  }

  private handle(changes: readonly ContentChange[], version: number): void {
    if (version === this.ownVersion) return;
    if (this.conflictProposal) {
      this.conflictProposal.onDidChange(changes);
      return;
    }
    // Someone else's change: the stream's undo step may now hold it too.
    this.split = true;
    for (let i = 0; i < changes.length; i++) {
      const c = changes[i];
      const span = { start: this.regionStart, end: this.regionStart + this.regionLen };
      if (touches(span, c)) {
        this.conflictProposal = this.writtenProposal();
        this.conflictProposal.onDidChange(changes.slice(i));
        this.onConflict();
        return;
      }
      if (c.rangeOffset + c.rangeLength <= span.start) this.regionStart += c.text.length - c.rangeLength;
    }
  }

  /** What we have written, as hunks showing their new text, in the document as it is now. */
  private writtenProposal(): PendingProposal<Replacement> {
    const hunks: Replacement[] = [];
    for (const h of this.written) {
      const start = this.regionStart + this.originalLineStarts[h.origStart];
      hunks.push({
        start,
        end: this.regionStart + this.originalLineStarts[h.origEnd],
        oldText: this.originalLines.slice(h.origStart, h.origEnd).join(''),
        newText: this.proposalLines.slice(h.newStart, h.newEnd).join(''),
      });
    }
    return new PendingProposal(hunks, { showing: 'new' });
  }

  // ------------------------------------------------------------------ the end

  /** Proposal lines committed so far, then the original lines not reached: a stopped or cut-off rewrite. */
  private partialText(): string {
    const f = this.stream.diff.frontier();
    let s = '';
    for (let k = 0; k < f.new; k++) s += this.proposalLine(k);
    const tail = this.originalLines.slice(f.orig).join('');
    if (!tail && s && !this.original.endsWith('\n')) s = s.slice(0, -this.eol.length);
    return s + tail;
  }

  private regionText(): string {
    return this.doc.getText(new vscode.Range(this.doc.positionAt(this.regionStart), this.doc.positionAt(this.regionStart + this.regionLen)));
  }

  private expectedRegion(): string {
    return this.proposalLines.join('') + this.originalLines.slice(this.originalWrittenTo).join('');
  }

  /**
   * After the request: `done` with the answer complete, `stopped` (keep what arrived, the rest of
   * the original stays), `error` (put the original back).
   */
  async finish(how: 'done' | 'stopped' | 'error'): Promise<InlineFinish> {
    this.finishing = true;
    for (let i = 0; i < 400 && this.inFlight; i++) await new Promise((r) => setTimeout(r, 5));
    if (this.conflictProposal) return { kind: 'conflict', proposal: this.conflictProposal };
    let target: string;
    let note: 'stopped' | 'truncated' | undefined;
    let unchangedWhy: 'no-code' | 'no-change' | 'error' | undefined;
    if (how === 'done') {
      const r = this.stream.finish();
      if (!r.ok) {
        target = this.original;
        unchangedWhy = 'no-code';
      } else if (r.extract.truncated) {
        target = this.partialText();
        note = 'truncated';
      } else target = r.code;
    } else if (how === 'stopped') {
      target = this.partialText();
      note = 'stopped';
    } else {
      target = this.original;
      unchangedWhy = 'error';
    }
    if (target === this.original && !unchangedWhy) unchangedWhy = 'no-change';

    const current = this.regionText();
    if (current !== this.expectedRegion()) return { kind: 'failed' };
    const ok = await this.writeFinal(current, target);
    if (this.conflictProposal) return { kind: 'conflict', proposal: this.conflictProposal };
    if (!ok || this.regionText() !== target) return { kind: 'failed' };
    if (unchangedWhy) return { kind: 'unchanged', why: unchangedWhy };
    const base = { offset: this.regionStart, line: this.doc.positionAt(this.regionStart).line, character: 0 };
    return { kind: 'pending', proposal: new PendingProposal(diffLines(this.original, target, base), { showing: 'new' }), note };
  }

  /** Makes the region `target` so that one Undo afterwards gives back the original. */
  private async writeFinal(current: string, target: string): Promise<boolean> {
    const step = async (from: string, to: string, undoStopBefore: boolean) => {
      const e = minimalEdit(from, to, this.regionStart);
      if (!e) return true;
      return this.write([e], { undoStopBefore, undoStopAfter: true }, () => (this.regionLen += e.text.length - (e.end - e.start)));
    };
    if (!this.wroteAny) return step(current, target, true);
    if (!this.split) {
      // The stream's writes are one open undo step from the original: this write closes it.
      if (current !== target) {
        if (!(await step(current, target, false))) return false;
        await this.savesSettled();
        if (!this.split) return true;
        // A save split that step after all: back to the original, as a step of its own.
        if (!(await step(this.regionText(), this.original, true))) return false;
      } else {
        if (target === this.original) return true;
        // Nothing left to write, yet the step must be closed: close it through the original.
        if (!(await step(current, this.original, false))) return false;
      }
    } else {
      if (target === this.original) return step(current, target, true);
      if (!(await step(current, this.original, true))) return false;
    }
    // The proposal as a step of its own, from the original.
    for (let attempt = 0; attempt < 3 && !this.conflicted; attempt++) {
      const now = this.regionText();
      if (now !== this.original) return false;
      if (await step(now, target, true)) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ what to draw

  view(): DecorationModel {
    const doc = this.doc;
    const startLine = doc.positionAt(this.regionStart).line;
    const m: DecorationModel = { added: [], removed: [], old: [], inserted: [] };
    const lastLine = doc.lineCount - 1;
    for (const h of this.written) {
      if (h.newEnd > h.newStart) m.added.push(new vscode.Range(Math.min(startLine + h.newStart, lastLine), 0, Math.min(startLine + h.newEnd - 1, lastLine), 0));
      if (h.origEnd > h.origStart) {
        m.removed.push({ line: Math.min(startLine + h.newStart, lastLine), lines: this.originalLines.slice(h.origStart, h.origEnd).map((l) => l.replace(/\r?\n$/, '')) });
      }
    }
    const remaining = this.n - this.originalWrittenTo;
    const firstUnreached = startLine + this.proposalWrittenTo;
    if (remaining > 0 && firstUnreached <= lastLine) m.unreached = new vscode.Range(firstUnreached, 0, Math.min(firstUnreached + remaining - 1, lastLine), 0);
    const f = this.frontier;
    const writingLine = remaining > 0 ? firstUnreached : Math.max(startLine, firstUnreached - 1);
    const held = this.stream.extractor.lines.slice(this.proposalWrittenTo, f.new + f.pending).filter((l) => l.trim());
    const text = f.partial || held[held.length - 1] || '';
    if (!this.finishing) m.writing = { line: Math.min(writingLine, lastLine), text };
    return m;
  }

  lensLine(): number {
    return this.doc.positionAt(this.regionStart).line;
  }
}
