// The propose pipeline behind Refactor, Fix, Document and Generate Tests: snapshot → request →
// extract the code → diff against the snapshot → carry the hunks over what the user typed while
// it ran → show as a pending diff. The commands decide what to ask; this decides what becomes of
// the answer, the same way for each of them.
import * as vscode from 'vscode';
import { diffLines } from '../edits/diff';
import { extractReplacement } from '../edits/extract';
import { PendingProposal } from '../edits/pending';
import { type ContentChange, rebaseHunks, type Replacement } from '../edits/rebase';
import { ExcludedFileError } from '../prompts/actions';
import type { ChatMessage } from '../qwen/types';
import type { Services } from '../services';
import { warnExcluded } from './common';
import type { EditSession } from './editSession';
import type { PendingEdits } from './pendingEdits';
import { diffTitle } from './proposalLenses';
import { runRequest } from './request';
import type { Snapshot } from './snapshot';

export interface ReplaceRequest {
  /** the action's name ("Refactor"…) */
  label: string;
  /** the region to replace, read again if the document changes before the request starts */
  take: () => Promise<Snapshot | undefined>;
  build: (s: Snapshot) => ChatMessage[];
  /** the progress notification's title */
  title: (s: Snapshot) => string;
  retry: () => unknown;
}

/**
 * Snapshot, request, extract, diff, carry the hunks over what the user typed meanwhile, show
 * the diff. `take` is retried when the document changed while it ran. Resolves with the session
 * once it is shown (its `outcome` settles on the user's decision), or undefined when nothing was
 * proposed (the user was told why).
 */
export async function proposeReplacement(services: Services, pending: PendingEdits, r: ReplaceRequest): Promise<EditSession | undefined> {
  const { label, take, build, title, retry } = r;
  let snap: Snapshot | undefined;
  for (let i = 0; i < 3; i++) {
    snap = await take();
    if (!snap || snap.doc.version === snap.version) break;
  }
  if (!snap || snap.doc.version !== snap.version) return undefined;
  let messages: ChatMessage[];
  try {
    messages = build(snap);
  } catch (e) {
    if (e instanceof ExcludedFileError) {
      warnExcluded(snap.doc.uri);
      return undefined;
    }
    throw e;
  }
  const s = pending.begin(snap.doc, 'diff', label);
  const changes = recordChanges(s, snap.range.start.line);
  const outcome = await runRequest(services, { title: title(snap), label, messages, signal: s.abort.signal, retry });
  if (s.isEnded()) return undefined;
  if (!outcome.ok) {
    pending.end(s, outcome.reason === 'stopped' ? 'stopped' : 'failed');
    if (outcome.reason === 'stopped' && !s.rejectWhenDone) void vscode.window.showInformationMessage(vscode.l10n.t('Stopped: nothing was changed.'));
    return undefined;
  }
  const ex = extractReplacement(outcome.text, { original: snap.text, languageId: snap.doc.languageId, eol: snap.eol, indent: snap.indent });
  if (!ex.ok) {
    pending.end(s, 'failed');
    void vscode.window.showWarningMessage(vscode.l10n.t("Qwen's answer had no code block, so nothing was changed."));
    return undefined;
  }
  if (ex.truncated || outcome.finishReason === 'length') {
    pending.end(s, 'failed');
    void vscode.window.showWarningMessage(vscode.l10n.t('The answer was cut off before the end of the code, so nothing was changed. Try a smaller selection.'));
    return undefined;
  }
  const hunks = diffLines(snap.text, ex.code, { offset: snap.offset, line: snap.range.start.line, character: snap.range.start.character });
  return (await showPending(pending, s, hunks, changes)) ? s : undefined;
}

/**
 * The hunks (computed against the snapshot) as a pending diff, minus those the user's edits since
 * overlap. False when nothing was left to propose (the session ended and the user was told why).
 */
export async function showPending(pending: PendingEdits, s: EditSession, hunks: readonly Replacement[], changes: readonly ContentChange[]): Promise<boolean> {
  if (hunks.length === 0) {
    pending.end(s, 'no-changes');
    void vscode.window.showInformationMessage(vscode.l10n.t('Qwen proposes no changes here.'));
    return false;
  }
  const { rebased, conflicts } = rebaseHunks(hunks, changes);
  if (rebased.length === 0) {
    pending.end(s, 'no-changes');
    void vscode.window.showWarningMessage(vscode.l10n.t('Every change Qwen proposed overlaps your edits since the request, so nothing was proposed.'));
    return false;
  }
  if (conflicts.length) void vscode.window.showInformationMessage(vscode.l10n.t('{0} of the changes Qwen proposed overlap your edits since the request and were left out.', conflicts.length));
  pending.setPending(s, new PendingProposal(rebased.map((r) => ({ start: r.start, end: r.end, oldText: r.oldText, newText: r.newText }))));
  if (s.rejectWhenDone) {
    await pending.decide(s, false);
    return false;
  }
  await pending.showDiff(s, diffTitle(s));
  return true;
}

/** Records the document's changes while the request runs (the hunks are carried over them later). */
export function recordChanges(s: EditSession, line: number): ContentChange[] {
  const changes: ContentChange[] = [];
  s.streaming = {
    onChange: (cs) => {
      for (const c of cs) changes.push({ rangeOffset: c.rangeOffset, rangeLength: c.rangeLength, text: c.text });
    },
    view: () => ({ added: [], removed: [], old: [], inserted: [] }),
    lensLine: () => Math.min(line, s.doc.lineCount - 1),
  };
  return changes;
}
