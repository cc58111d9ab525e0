// Qwen: Undo Agent Task. Puts every file the conversation's last task changed back as it was
// before the task (files it created are deleted), one WorkspaceEdit per file, and saves them.
// What the user typed since is kept (src/agent/undoPlan.ts); where it overlaps the task's
// changes, or the user edited a file the task created, the user is asked first, before anything
// is written. What shell commands changed is not undone. Works from the checkpoints on disk, so
// after a window reload too. The integrator registers `qwen.agent.undoTask` to call undoLastTask.
import * as vscode from 'vscode';
import type { Checkpoints } from '../checkpoints';
import { planUndo, type UndoAction, type UndoInput } from '../undoPlan';
import { minimalEdit, writeAsWorkspaceEdit } from '../../editor/writer';

/** The questions undo may ask; undefined is Cancel: nothing at all is undone. */
export interface UndoAsk {
  /** the user edited `file` since the task, in `places` places that overlap the task's changes */
  overlap(file: string, places: number): Promise<'undo' | 'keep' | undefined>;
  /** the task created `file` and the user edited it since: delete it anyway? */
  deleteEdited(file: string): Promise<boolean | undefined>;
}

export interface UndoReport {
  /** nothing to undo: the conversation has no task that changed files */
  nothing?: boolean;
  /** the user cancelled a question: nothing was changed */
  cancelled?: boolean;
  /** absolute paths */
  restored: string[];
  deleted: string[];
  /** files left as they are, with why */
  kept: Array<{ path: string; why: 'unchanged' | 'gone' | 'deleted-since' | 'too-large' | 'kept-by-user' | 'failed' }>;
  /** the sentence shown to the user */
  message: string;
}

export const modalAsk: UndoAsk = {
  async overlap(file, places) {
    const undo = vscode.l10n.t('Undo There Too');
    const keep = vscode.l10n.t('Keep My Edits');
    const msg = vscode.l10n.t('Undo would overwrite your edits in {0} places in {1}.', places, file);
    const detail = vscode.l10n.t("Undo There Too puts those places back as they were before the task. Keep My Edits leaves them as you wrote them and undoes the task's other changes.");
    const c = await vscode.window.showWarningMessage(msg, { modal: true, detail }, undo, keep);
    return c === undo ? 'undo' : c === keep ? 'keep' : undefined;
  },
  async deleteEdited(file) {
    const del = vscode.l10n.t('Delete It');
    const keep = vscode.l10n.t('Keep It');
    const c = await vscode.window.showWarningMessage(vscode.l10n.t('The agent task created {0}, and you have edited it since. Delete it anyway?', file), { modal: true }, del, keep);
    return c === del ? true : c === keep ? false : undefined;
  },
};

/**
 * Undoes the conversation's last agent task. Asks (through `ask`) before overwriting the user's
 * edits or deleting a file they edited; shows what it did in a notification and returns it.
 */
export async function undoLastTask(store: Checkpoints, conversationId: string, ask: UndoAsk = modalAsk): Promise<UndoReport> {
  const report: UndoReport = { restored: [], deleted: [], kept: [], message: '' };
  const task = await store.lastTask(conversationId);
  if (!task || task.files.length === 0) {
    report.nothing = true;
    report.message = vscode.l10n.t('This conversation has no agent task to undo.');
    void vscode.window.showInformationMessage(report.message);
    return report;
  }
  const inputs: UndoInput[] = [];
  for (const f of task.files) inputs.push({ ...f, current: f.tooLarge ? null : await currentText(vscode.Uri.file(f.path)) });
  const actions = planUndo(inputs);

  // Every question first: a Cancel leaves everything as it is.
  const choices = new Map<UndoAction, 'undo' | 'keep' | boolean>();
  for (const a of actions) {
    const name = vscode.workspace.asRelativePath(vscode.Uri.file(a.path), false);
    if (a.kind === 'write' && a.overlaps > 0) {
      const c = await ask.overlap(name, a.overlaps);
      if (c === undefined) return cancelled(report);
      choices.set(a, c);
    } else if (a.kind === 'delete' && a.userEdited) {
      const c = await ask.deleteEdited(name);
      if (c === undefined) return cancelled(report);
      choices.set(a, c);
    }
  }

  for (const a of actions) {
    const uri = vscode.Uri.file(a.path);
    if (a.kind === 'skip') {
      report.kept.push({ path: a.path, why: a.why });
    } else if (a.kind === 'delete') {
      if (choices.get(a) === false) report.kept.push({ path: a.path, why: 'kept-by-user' });
      else if (await deleteFile(uri)) report.deleted.push(a.path);
      else report.kept.push({ path: a.path, why: 'failed' });
    } else {
      const text = choices.get(a) === 'undo' ? a.undoAll : a.text;
      if (await restore(uri, text, inputs.find((i) => i.path === a.path)!)) report.restored.push(a.path);
      else report.kept.push({ path: a.path, why: 'failed' });
    }
  }
  await store.drop(conversationId, task.taskId);
  report.message = summary(report);
  const failed = report.kept.some((k) => k.why === 'failed' || k.why === 'too-large' || k.why === 'deleted-since');
  void (failed ? vscode.window.showWarningMessage(report.message) : vscode.window.showInformationMessage(report.message));
  return report;
}

function cancelled(report: UndoReport): UndoReport {
  report.cancelled = true;
  report.message = vscode.l10n.t('Undo Agent Task was cancelled; nothing was changed.');
  void vscode.window.showInformationMessage(report.message);
  return report;
}

/** The file's text now: the open document's (unsaved typing included), else the file's; null when it does not exist. */
async function currentText(uri: vscode.Uri): Promise<string | null> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    await vscode.workspace.fs.stat(uri);
    return (await vscode.workspace.openTextDocument(uri)).getText();
  } catch {
    return null;
  }
}

/**
 * Writes `text` as one WorkspaceEdit (the smallest replacement, so one Undo in the editor takes
 * the undo back) and saves. When the user types in between, the plan is made again from their text.
 */
async function restore(uri: vscode.Uri, text: string, input: UndoInput): Promise<boolean> {
  let doc: vscode.TextDocument;
  try {
    doc = await vscode.workspace.openTextDocument(uri);
  } catch {
    return false;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = doc.getText();
    if (attempt > 0 && now !== input.current) {
      const [again] = planUndo([{ ...input, current: now }]);
      if (!again || again.kind !== 'write') return again?.kind === 'skip';
      text = again.text;
    }
    const edit = minimalEdit(now, text, 0);
    if (!edit || (await writeAsWorkspaceEdit(doc, [edit]))) {
      if (doc.isDirty) await doc.save();
      return !doc.isDirty;
    }
  }
  return false;
}

async function deleteFile(uri: vscode.Uri): Promise<boolean> {
  const we = new vscode.WorkspaceEdit();
  we.deleteFile(uri, { ignoreIfNotExists: true });
  let ok = false;
  try {
    ok = await vscode.workspace.applyEdit(we);
  } catch {
    ok = false;
  }
  if (!ok) return false;
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs, true).then(undefined, () => undefined);
  return true;
}

function summary(r: UndoReport): string {
  const name = (p: string) => vscode.workspace.asRelativePath(vscode.Uri.file(p), false);
  const parts: string[] = [];
  if (r.restored.length || r.deleted.length) parts.push(vscode.l10n.t('Undid the last agent task: {0} files restored, {1} deleted.', r.restored.length, r.deleted.length));
  else parts.push(vscode.l10n.t('The last agent task left nothing to undo.'));
  const list = (why: UndoReport['kept'][number]['why']) => r.kept.filter((k) => k.why === why).map((k) => name(k.path)).join(', ');
  if (list('deleted-since')) parts.push(vscode.l10n.t('Deleted since the task, so left as is: {0}.', list('deleted-since')));
  if (list('too-large')) parts.push(vscode.l10n.t('Too large to have been kept, so not restored: {0}.', list('too-large')));
  if (list('kept-by-user')) parts.push(vscode.l10n.t('Kept as you asked: {0}.', list('kept-by-user')));
  if (list('failed')) parts.push(vscode.l10n.t('Could not be written: {0}.', list('failed')));
  parts.push(vscode.l10n.t('What shell commands changed is not undone.'));
  return parts.join(' ');
}
