// The agent's `edit` and `write_file` tools. Each change becomes a pending edit through the same
// machinery as Refactor (src/editor/pendingEdits.ts): a diff editor for a file that exists, an
// unsaved editor for a new file (Accept creates it). The task waits for the user's decision,
// which may come from the diff's own CodeLens, Accept/Reject Edit, Approve/Deny Agent Action or
// the tool's row in the chat: all of them decide the same EditSession. Accepting saves the file,
// so a command run next sees it. With qwen.agent.autoApproveEdits (and a trusted workspace) the
// change is written at once, as one undo step, and saved. Every change is recorded in the
// task's checkpoint for Undo Agent Task.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { applyEdit, fitContent, type EditResult } from '../editText';
import { alwaysAsk } from '../editPolicy';
import type { Checkpoints } from '../checkpoints';
import { displayPath, resolveToolPath } from '../paths';
import type { ToolCallRequest, ToolOutcome, ToolRunContext } from '../types';
import type { ToolFacts } from '../../protocol/messages';
import { diffLines, type LineHunk } from '../../edits/diff';
import { PendingProposal } from '../../edits/pending';
import type { ContentGate, Refusal } from '../../policy/vscode/contentGate';
import { realPathOf } from '../../policy/sendPolicy';
import type { EditOutcome, EditSession } from '../../editor/editSession';
import type { PendingEdits } from '../../editor/pendingEdits';
import { writeAsWorkspaceEdit } from '../../editor/writer';

export interface EditToolsDeps {
  pending: PendingEdits;
  gate: ContentGate;
  /** the workspace folders' absolute paths, the first one first */
  folders: () => string[];
  checkpoints: Checkpoints;
  /** the user's qwen.agent.autoApproveEdits AND a trusted workspace */
  autoApprove: () => boolean;
  /** the conversation a task runs in (checkpoints are kept per conversation) */
  conversationId: (taskId: string) => string;
  log?: (message: string) => void;
}

/** Where a tool's change goes and how results name it. */
interface Target {
  abs: string;
  uri: vscode.Uri;
  shown: string;
  /** auto-approval allowed (never for .git/ and .vscode/, see editPolicy.ts) */
  mayAutoApprove: boolean;
}

/** The new text of a document, computed from its current text (again if it changed meanwhile). */
type Make = (current: string) => EditResult;

const err = (content: string, facts?: ToolFacts): ToolOutcome => ({ status: 'error', content, ...(facts ? { facts } : {}) });

export class EditTools {
  private current: EditSession | undefined;

  constructor(private readonly deps: EditToolsDeps) {}

  /** The edit the task is waiting on, if any (Approve/Deny Agent Action, and Accept/Reject Edit with no proposal of the active editor's own, act on it). */
  waiting(): EditSession | undefined {
    return this.current && !this.current.isEnded() ? this.current : undefined;
  }

  async run(call: ToolCallRequest, ctx: ToolRunContext): Promise<ToolOutcome> {
    if (call.name !== 'edit' && call.name !== 'write_file') return err(`EditTools does not run ${call.name}.`);
    const target = await this.target(call.args.file_path);
    if ('status' in target) return target;
    if (call.name === 'write_file') {
      const content = call.args.content;
      if (typeof content !== 'string') return err('write_file needs `content`: the whole text of the file.');
      return this.writeFile(target, content, ctx);
    }
    const { old_string: oldString, new_string: newString, replace_all: replaceAll } = call.args;
    if (typeof oldString !== 'string' || typeof newString !== 'string') return err('edit needs `old_string` and `new_string` (strings).');
    if (replaceAll !== undefined && typeof replaceAll !== 'boolean') return err('replace_all must be true or false.');
    return this.edit(target, oldString, newString, replaceAll === true, ctx);
  }

  // ------------------------------------------------------------------ the two tools

  private async edit(t: Target, oldString: string, newString: string, replaceAll: boolean, ctx: ToolRunContext): Promise<ToolOutcome> {
    const doc = await this.existing(t);
    if (doc === undefined) {
      // Qwen Code's edit creates a file when old_string is empty and the file is not there.
      if (oldString === '') return this.createFile(t, newString, ctx);
      return err(`${t.shown} does not exist, so nothing was changed. To create a file, use write_file.`, { path: t.shown });
    }
    if ('status' in doc) return doc;
    const make: Make = (text) => {
      const r = applyEdit(text, oldString, newString, replaceAll);
      return 'error' in r ? { error: `${t.shown}: ${r.error}` } : r;
    };
    const first = make(doc.getText());
    if ('error' in first) return err(first.error, { path: t.shown });
    return this.change(t, doc, make, ctx);
  }

  private async writeFile(t: Target, content: string, ctx: ToolRunContext): Promise<ToolOutcome> {
    const doc = await this.existing(t);
    if (doc === undefined) return this.createFile(t, content, ctx);
    if ('status' in doc) return doc;
    return this.change(t, doc, (text) => ({ text: fitContent(content, text), replacements: 1 }), ctx);
  }

  // ------------------------------------------------------------------ a change to a file that exists

  private async change(t: Target, doc: vscode.TextDocument, make: Make, ctx: ToolRunContext): Promise<ToolOutcome> {
    if (ctx.signal.aborted) return stopped();
    if (t.mayAutoApprove && this.deps.autoApprove()) return this.writeNow(t, doc, make, ctx);
    const { pending } = this.deps;
    if (pending.get(doc) && !(await pending.makeRoom(doc))) {
      return err(`${t.shown} already has a pending edit that the user has not decided, and they chose to keep it, so this edit was not proposed. The file is unchanged.`, { path: t.shown });
    }
    if (ctx.signal.aborted) return stopped();
    // Computed again now, in the same tick as the proposal is registered: the user may have
    // typed while we asked, and the hunks' offsets must be those of the document as it is.
    const proposedOn = doc.getText();
    const made = make(proposedOn);
    if ('error' in made) return err(made.error, { path: t.shown });
    const hunks = diffLines(proposedOn, made.text);
    if (hunks.length === 0) return { status: 'done', content: `${t.shown} already has this text; nothing was changed.`, facts: { path: t.shown, added: 0, removed: 0 } };
    const facts: ToolFacts = { path: t.shown, ...counts(hunks) };

    // The text just before our accepted hunks are written (the user's typing until then
    // included): what Undo Agent Task restores.
    let session: EditSession | undefined;
    let prevText = proposedOn;
    let curText = proposedOn;
    let beforeAccept: string | undefined;
    const watch = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== doc || e.contentChanges.length === 0) return;
      prevText = curText;
      curText = doc.getText();
      // PendingEdits' own listener (registered first) has already marked our write.
      if (beforeAccept === undefined && session?.proposal?.hunks.some((h) => h.state === 'accepted' && h.showing === 'new')) beforeAccept = prevText;
    });
    try {
      const proposing = pending.proposeDiff(doc, hunks, vscode.l10n.t('Agent Edit'));
      session = pending.get(doc);
      session = await proposing;
      return await this.await(session, ctx, facts, async (outcome) => {
        const saved = await save(doc);
        await this.record(ctx, t, beforeAccept ?? proposedOn, doc.isClosed ? curText : doc.getText());
        return { status: 'done', content: acceptedText(t.shown, outcome, hunks, saved), facts: { ...facts, ...acceptedCounts(hunks, outcome) } };
      });
    } finally {
      watch.dispose();
    }
  }

  /** Auto-approved: written as one WorkspaceEdit (one undo step) and saved. */
  private async writeNow(t: Target, doc: vscode.TextDocument, make: Make, ctx: ToolRunContext): Promise<ToolOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = doc.getText();
      const made = make(before);
      if ('error' in made) return err(made.error, { path: t.shown });
      const hunks = diffLines(before, made.text);
      if (hunks.length === 0) return { status: 'done', content: `${t.shown} already has this text; nothing was changed.`, facts: { path: t.shown, added: 0, removed: 0 } };
      // VS Code refuses the edit when the user typed in between: compute it again from their text.
      if (!(await writeAsWorkspaceEdit(doc, hunks.map((h) => ({ start: h.start, end: h.end, text: h.newText }))))) continue;
      const saved = await save(doc);
      await this.record(ctx, t, before, doc.getText());
      const facts: ToolFacts = { path: t.shown, ...counts(hunks), autoApproved: true };
      return { status: 'done', content: `Edited ${t.shown} (${lines(facts)}), applied without review by the user's setting${saved ? ' and saved' : ', but it could not be saved: the change is in the unsaved document'}.`, facts };
    }
    return err(`${t.shown} kept changing while the edit was written, so nothing was changed. Read it again and retry.`, { path: t.shown });
  }

  // ------------------------------------------------------------------ a new file

  private async createFile(t: Target, content: string, ctx: ToolRunContext): Promise<ToolOutcome> {
    if (ctx.signal.aborted) return stopped();
    const text = fitContent(content, undefined);
    const added = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const facts: ToolFacts = { path: t.shown, added, removed: 0, created: true };
    if (t.mayAutoApprove && this.deps.autoApprove()) {
      const we = new vscode.WorkspaceEdit();
      we.createFile(t.uri, { overwrite: false, ignoreIfExists: false, contents: new TextEncoder().encode(text) });
      const ok = await vscode.workspace.applyEdit(we).then(
        (x) => x,
        () => false,
      );
      if (!ok) return err(`${t.shown} could not be created (it may exist now); nothing was overwritten.`, { path: t.shown });
      await this.record(ctx, t, null, text);
      return { status: 'done', content: `Created ${t.shown} (${added} lines), without review by the user's setting.`, facts: { ...facts, autoApproved: true } };
    }
    const { pending } = this.deps;
    // An unsaved editor holds the proposed file (as Generate Tests proposes one); Accept creates it.
    const proposal = await vscode.workspace.openTextDocument({ content: text });
    if (ctx.signal.aborted) return stopped();
    const s = pending.begin(proposal, 'newFile', vscode.l10n.t('Agent Edit'));
    s.newFileTarget = t.uri;
    pending.setPending(s, new PendingProposal([]));
    await vscode.window.showTextDocument(proposal, { preview: false });
    return this.await(s, ctx, facts, async () => {
      let created = text;
      try {
        created = (await vscode.workspace.openTextDocument(t.uri)).getText();
      } catch {
        // read as proposed
      }
      await this.record(ctx, t, null, created);
      return { status: 'done', content: `The user accepted: ${t.shown} was created (${added} lines) and saved.`, facts };
    });
  }

  // ------------------------------------------------------------------ waiting for the user

  /** Waits for the user's decision (or Stop) on a shown proposal and says what became of it. */
  private async await(s: EditSession, ctx: ToolRunContext, facts: ToolFacts, onAccepted: (o: EditOutcome) => Promise<ToolOutcome>): Promise<ToolOutcome> {
    this.current = s;
    const stop = () => void this.reject(s);
    ctx.signal.addEventListener('abort', stop, { once: true });
    if (ctx.signal.aborted) stop();
    else ctx.progress('pending', facts);
    let outcome: EditOutcome;
    try {
      outcome = await s.outcome;
    } finally {
      ctx.signal.removeEventListener('abort', stop);
      if (this.current === s) this.current = undefined;
    }
    if (outcome.result === 'accepted' || outcome.result === 'partial') return onAccepted(outcome);
    if (ctx.signal.aborted) return stopped();
    const shown = facts.path ?? '';
    const what = facts.created ? `${shown} was not created` : `${shown} is unchanged`;
    switch (outcome.result) {
      case 'rejected':
        return { status: 'denied', content: facts.created ? `The user rejected this new file; ${what}.` : 'The user rejected this edit; the file is unchanged.', facts };
      case 'conflicted':
        return err(`While this edit waited, the user edited the same lines of ${shown}, so it was not applied; the file keeps the user's text. Read the file again before editing it.`, facts);
      default:
        switch (outcome.reason) {
          case 'closed':
            return { status: 'denied', content: `${shown} was closed before the user decided, so the edit was dropped; ${what}.`, facts };
          case 'renamed':
            return err(`${shown} was renamed while the edit waited, so it was dropped; nothing was changed. List the directory to find its new name.`, facts);
          case 'deleted':
            return err(`${shown} was deleted while the edit waited, so it was dropped.`, facts);
          case 'no-changes':
            return err(`While this edit waited, the user's own edits of ${shown} overtook it, so it was not applied. Read the file again before editing it.`, facts);
          default:
            return { status: 'denied', content: `The edit was dropped before the user decided; ${what}.`, facts };
        }
    }
  }

  /** Stop while waiting: the proposal is rejected and its diff closed. */
  private async reject(s: EditSession): Promise<void> {
    if (s.isEnded()) return;
    const { pending } = this.deps;
    await pending.decide(s, false).catch(() => false);
    if (!s.isEnded()) pending.end(s, 'stopped');
  }

  // ------------------------------------------------------------------ paths, reading, checkpoints

  /** The file a call names, if the agent may change it: inside the workspace, not a secret, not through a link that leads outside. */
  private async target(raw: unknown): Promise<Target | ToolOutcome> {
    const folders = this.deps.folders();
    const r = resolveToolPath(raw, folders);
    if ('error' in r) return err(r.error);
    const uri = vscode.Uri.file(r.abs);
    const shown = displayPath(r.abs, folders);
    const refusal = await this.deps.gate.check(uri, 'model');
    if (refusal) return err(refusalText(refusal, shown), { path: shown });
    // by the path as named and by the real one (a link inside the workspace to .git/hooks)
    const real = path.relative(await realPathOf(r.folder), await realPathOf(r.abs));
    return { abs: r.abs, uri, shown, mayAutoApprove: !alwaysAsk(path.relative(r.folder, r.abs)) && !alwaysAsk(real) };
  }

  /** The open document of the file (unsaved text included), else the file from disk; undefined when there is none. */
  private async existing(t: Target): Promise<vscode.TextDocument | ToolOutcome | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === t.uri.toString());
    if (!open) {
      let stat: vscode.FileStat;
      try {
        stat = await vscode.workspace.fs.stat(t.uri);
      } catch {
        return undefined;
      }
      if (stat.type & vscode.FileType.Directory) return err(`${t.shown} is a directory, not a file.`, { path: t.shown });
    }
    // Binary and very large files are not for text edits (the same limits as reading them).
    const read = await this.deps.gate.readWhole(t.uri, 'model');
    if ('refusal' in read) return err(refusalText(read.refusal, t.shown), { path: t.shown });
    try {
      return open && !open.isClosed ? open : await vscode.workspace.openTextDocument(t.uri);
    } catch (e) {
      return err(`${t.shown} could not be opened as text: ${e instanceof Error ? e.message : String(e)}`, { path: t.shown });
    }
  }

  private async record(ctx: ToolRunContext, t: Target, before: string | null, after: string | null): Promise<void> {
    try {
      await this.deps.checkpoints.record(this.deps.conversationId(ctx.taskId), ctx.taskId, t.abs, before, after);
    } catch (e) {
      this.deps.log?.(`Agent checkpoint for ${t.shown} not saved: ${String(e)}`);
    }
  }
}

// -------------------------------------------------------------------- what the model is told

function stopped(): ToolOutcome {
  return { status: 'denied', content: 'The user stopped the task; the edit was not applied.' };
}

async function save(doc: vscode.TextDocument): Promise<boolean> {
  if (doc.isClosed) return false;
  if (!doc.isDirty) return true;
  return doc.save().then(
    (ok) => ok,
    () => false,
  );
}

function counts(hunks: readonly LineHunk[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const h of hunks) {
    added += h.newEnd - h.newStart;
    removed += h.origEnd - h.origStart;
  }
  return { added, removed };
}

function acceptedCounts(hunks: readonly LineHunk[], o: EditOutcome): { added: number; removed: number } {
  return counts(hunks.filter((_, i) => o.accepted.includes(i)));
}

function lines(f: { added?: number; removed?: number }): string {
  return `+${f.added ?? 0} −${f.removed ?? 0} lines`;
}

function acceptedText(shown: string, o: EditOutcome, hunks: readonly LineHunk[], saved: boolean): string {
  const savedText = saved ? 'the file is saved' : 'but the file could not be saved: the change is in the unsaved document';
  if (o.result === 'accepted') return `The user accepted the edit to ${shown} (${lines(counts(hunks))}); ${savedText}.`;
  const describe = (ids: readonly number[]) =>
    ids
      .map((i) => hunks[i])
      .filter((h): h is LineHunk => !!h)
      .map((h) => (h.origEnd > h.origStart ? `lines ${h.origStart + 1}–${h.origEnd}` : `the insertion after line ${h.origStart}`))
      .join(', ');
  const parts = [`The user accepted only part of the edit to ${shown}: ${o.accepted.length} of ${hunks.length} changed places were applied (${describe(o.accepted)}); ${savedText}.`];
  if (o.rejected.length) parts.push(`Rejected, not applied: ${describe(o.rejected)} (line numbers of the file before the edit).`);
  if (o.conflicted.length) parts.push(`Not applied because the user edited the same lines meanwhile: ${describe(o.conflicted)}.`);
  parts.push('Read the file again before editing it further.');
  return parts.join(' ');
}

/** Why a path may not be changed, for the model. */
function refusalText(r: Refusal, shown: string): string {
  const via = r.target ? ` (it leads to ${r.target})` : '';
  switch (r.reason) {
    case 'secret':
      return `${shown}${via} is a file the user keeps away from Qwen (secrets and qwen.context.exclude), so it cannot be read or changed. Nothing was changed.`;
    case 'outside':
      return `${shown}${via} is outside the workspace folders, so it cannot be changed. Nothing was changed.`;
    case 'ignored':
      return `${shown}${via} is ignored by .gitignore, so it cannot be changed. Nothing was changed.`;
    case 'binary':
      return `${shown} is a binary file; edit and write_file only change text files. Nothing was changed.`;
    case 'too-large': {
      const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
      return `${shown} is too large for the agent to edit (${mb(r.size ?? 0)} MB; the limit is ${mb(r.limit ?? 0)} MB). Nothing was changed.`;
    }
  }
}
