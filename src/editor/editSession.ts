// One proposal on one document, from its request to its end. A session is `streaming` while its
// request runs, then `pending` with a PendingProposal (src/edits/pending.ts) that follows the
// document through every change, then ended. Whoever asked for it can await its outcome: which
// hunks the user accepted, rejected or overtook with their own typing, or why it was dropped.
// Three ways to show one:
//  - diff:    the document keeps the original; a diff editor shows it against a read-only
//             `qwen-proposal:` document; Accept writes the hunks as one undo step;
//  - inline:  the buffer holds the proposal (written while it streamed, ./inlineWriter.ts);
//             Accept writes nothing, so the one undo step that wrote it is what Undo reverts;
//             Reject writes the original back;
//  - newFile: an untitled editor holds a proposed file; Accept creates it (never overwriting).
import type * as vscode from 'vscode';
import type { PendingProposal } from '../edits/pending';
import type { ContentChange, Replacement } from '../edits/rebase';
import type { InlineAttempt } from '../prompts/actions';
import type { DecorationModel } from './decorations';

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

/** Why a session ended with nothing decided. */
export type DropReason = 'closed' | 'renamed' | 'deleted' | 'stopped' | 'failed' | 'no-changes' | 'disposed';

/**
 * How a proposal ended, hunk by hunk (ids as in `proposal.hunks`):
 *  - accepted:   every hunk the user decided was accepted;
 *  - rejected:   none was accepted;
 *  - partial:    some accepted, some rejected;
 *  - conflicted: the user's own typing overtook every hunk before a decision;
 *  - dropped:    the session ended before any decision (`reason` says why).
 * A new file has no hunks: accepted when it was created.
 */
export interface EditOutcome {
  result: 'accepted' | 'rejected' | 'partial' | 'conflicted' | 'dropped';
  accepted: number[];
  rejected: number[];
  conflicted: number[];
  reason?: DropReason;
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
  /** newFile: whether Accept created it */
  created = false;
  deciding = false;
  private resolveOutcome!: (o: EditOutcome) => void;
  /** settles once, when the session ends */
  readonly outcome = new Promise<EditOutcome>((r) => (this.resolveOutcome = r));
  readonly ended = this.outcome.then(() => undefined);

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

  /** @internal PendingEdits.end calls it. */
  markEnded(reason?: DropReason): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    this.resolveOutcome(outcomeOf(this, reason));
  }
}

function outcomeOf(s: EditSession, reason: DropReason | undefined): EditOutcome {
  if (s.mode === 'newFile') {
    return s.created ? { result: 'accepted', accepted: [], rejected: [], conflicted: [] } : { result: reason ? 'dropped' : 'rejected', accepted: [], rejected: [], conflicted: [], ...(reason ? { reason } : {}) };
  }
  const hunks = s.proposal?.hunks ?? [];
  const ids = (state: string) => hunks.filter((h) => h.state === state).map((h) => h.id);
  const accepted = ids('accepted');
  const rejected = ids('rejected');
  const conflicted = ids('conflict');
  const lists = { accepted, rejected, conflicted };
  if (accepted.length === 0 && rejected.length === 0) {
    if (conflicted.length > 0 && !reason) return { result: 'conflicted', ...lists };
    return { result: 'dropped', ...lists, reason: reason ?? 'no-changes' };
  }
  if (accepted.length === 0) return { result: 'rejected', ...lists };
  return { result: rejected.length === 0 ? 'accepted' : 'partial', ...lists };
}
