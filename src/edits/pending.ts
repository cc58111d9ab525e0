// The live state of one proposal on one document, for both ways of showing it:
//  - diff-editor mode: the document keeps the original; Accept writes the proposal's text;
//  - inline mode: the document shows the proposal (`show()`); Reject writes the original back.
// Each hunk knows where it is now and which text the document holds there. Feed it every
// content change of the document, our own edits included: our edits are recognised because we
// announced them (exact offset, length and text); anything else that touches a hunk turns it
// into a conflict, and a conflict is never written over.

import type { ContentChange, Replacement, Span } from './rebase';
import { shiftFor, touches } from './rebase';

export type HunkState = 'pending' | 'accepted' | 'rejected' | 'conflict';

export interface TrackedHunk<H extends Replacement = Replacement> {
  readonly id: number;
  /** the hunk as computed against the snapshot */
  readonly hunk: H;
  /** where it is in the document now */
  start: number;
  end: number;
  /** which text the document holds at [start, end) */
  showing: 'old' | 'new';
  state: HunkState;
  /** one of our edits to it is announced and its change has not come back yet */
  inFlight: boolean;
}

/** An edit for the editor, offsets in the document as it is now; several go in one WorkspaceEdit. */
export interface DocEdit {
  start: number;
  end: number;
  text: string;
}

interface Expected extends Span {
  text: string;
  id: number;
}

export class PendingProposal<H extends Replacement = Replacement> {
  readonly hunks: TrackedHunk<H>[];
  private expected: Expected[] = [];
  private readonly span: Span = { start: 0, end: 0 };

  /**
   * `hunks`: sorted, offsets in the snapshot. `showing`: what the document holds now at their
   * place ('new' when the proposal was written into it, e.g. after a streamed inline edit).
   * `shift`: how far the region moved since the snapshot through edits above it.
   */
  constructor(hunks: readonly H[], opts: { showing?: 'old' | 'new'; shift?: number } = {}) {
    const showing = opts.showing ?? 'old';
    let delta = opts.shift ?? 0;
    this.hunks = hunks.map((hunk, id) => {
      const start = hunk.start + delta;
      const len = showing === 'new' ? hunk.newText.length : hunk.end - hunk.start;
      if (showing === 'new') delta += hunk.newText.length - (hunk.end - hunk.start);
      return { id, hunk, start, end: start + len, showing, state: 'pending' as HunkState, inFlight: false };
    });
  }

  get pending(): TrackedHunk<H>[] {
    return this.hunks.filter((h) => h.state === 'pending');
  }

  /** Nothing left to decide and none of our edits in flight. */
  get settled(): boolean {
    return this.hunks.every((h) => h.state !== 'pending' && !h.inFlight);
  }

  /**
   * Feed every change of the document, in order (one call per change event). Returns the ids of
   * hunks that became conflicts. `textNow`, the document's text after the event, confirms a write
   * of ours that VS Code reported in pieces.
   */
  onDidChange(changes: readonly ContentChange[], textNow?: () => string): number[] {
    const conflicts: number[] = [];
    const pieces = new Set<Expected>();
    for (const c of changes) {
      const own = this.expected.findIndex((x) => x.start === c.rangeOffset && x.end - x.start === c.rangeLength && x.text === c.text);
      const ownId = own >= 0 ? this.expected[own].id : -1;
      if (own >= 0) this.expected.splice(own, 1);
      // VS Code may report one of our writes as several smaller edits inside the region we wrote
      // (the same event, last first): each is a piece of ours, checked once the event is in.
      const piece = own < 0 ? this.expected.find((x) => x.start <= c.rangeOffset && c.rangeOffset + c.rangeLength <= x.end) : undefined;
      const delta = c.text.length - c.rangeLength;
      for (const h of this.hunks) {
        // A decided hunk whose text is written is the user's text now, like any other.
        if (h.state !== 'pending' && !h.inFlight) continue;
        if (h.id === ownId) {
          h.end = h.start + c.text.length;
          h.showing = h.showing === 'old' ? 'new' : 'old';
          h.inFlight = false;
          continue;
        }
        if (piece && h.id === piece.id) {
          h.end += delta;
          continue;
        }
        this.span.start = h.start;
        this.span.end = h.end;
        if (touches(this.span, c)) {
          if (h.state === 'pending') conflicts.push(h.id);
          h.state = 'conflict';
          h.inFlight = false;
          this.expected = this.expected.filter((x) => x.id !== h.id);
          continue;
        }
        const d = shiftFor(this.span, c);
        h.start += d;
        h.end += d;
      }
      for (const x of this.expected) {
        if (x === piece) {
          x.end += delta;
          continue;
        }
        const d = shiftFor(x, c);
        x.start += d;
        x.end += d;
      }
      if (piece) pieces.add(piece);
    }
    // Pieces are ours when the region now holds exactly what we wrote; otherwise someone else's
    // edit landed there too, and the hunk is the user's text: a conflict, never written over.
    for (const x of pieces) {
      if (!this.expected.includes(x)) continue;
      const h = this.hunks.find((k) => k.id === x.id)!;
      const written = textNow ? textNow().slice(h.start, h.end) === x.text : h.end - h.start === x.text.length;
      this.expected.splice(this.expected.indexOf(x), 1);
      h.inFlight = false;
      if (written) h.showing = h.showing === 'old' ? 'new' : 'old';
      else h.state = 'conflict';
    }
    return conflicts;
  }

  /** Inline mode: the edits that make the document show the proposal for every pending hunk. */
  show(): DocEdit[] {
    return this.edits(this.pending, 'new', 'pending');
  }

  /** Accepts pending hunks (all by default); returns what must be written (nothing when already shown). */
  accept(ids?: readonly number[]): DocEdit[] {
    return this.edits(this.select(ids), 'new', 'accepted');
  }

  /** Rejects pending hunks (all by default); returns what must be written to restore the original exactly. */
  reject(ids?: readonly number[]): DocEdit[] {
    return this.edits(this.select(ids), 'old', 'rejected');
  }

  /**
   * Our announced edits that were never written (VS Code refused them, e.g. a read-only document):
   * their hunks are undecided again, where they are, so nothing claims a change the text lacks.
   */
  withdraw(): void {
    for (const h of this.hunks) {
      if (!h.inFlight) continue;
      h.inFlight = false;
      h.state = 'pending';
    }
    this.expected = [];
  }

  /** The hunk containing a document offset, for CodeLens and cursor commands. */
  hunkAt(offset: number): TrackedHunk<H> | undefined {
    return this.hunks.find((h) => h.state === 'pending' && offset >= h.start && offset <= h.end);
  }

  private select(ids?: readonly number[]): TrackedHunk<H>[] {
    return ids ? this.pending.filter((h) => ids.includes(h.id)) : this.pending;
  }

  private edits(hs: TrackedHunk<H>[], want: 'old' | 'new', state: HunkState): DocEdit[] {
    const out: DocEdit[] = [];
    // Offsets of an edit in flight are unknown until its change comes back: apply, await, then decide again.
    if (hs.some((h) => h.inFlight)) throw new Error('A previous edit of this proposal has not been applied yet.');
    for (const h of hs) {
      h.state = state;
      if (h.showing === want) continue;
      const text = want === 'new' ? h.hunk.newText : h.hunk.oldText;
      out.push({ start: h.start, end: h.end, text });
      this.expected.push({ start: h.start, end: h.end, text, id: h.id });
      h.inFlight = true;
    }
    return out;
  }
}
