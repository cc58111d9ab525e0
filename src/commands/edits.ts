// Qwen: Refactor / Fix / Document Selection, Generate Tests, Accept / Reject Edit, and the
// registration of every editor-edit feature. What each asks is decided here; the answer becomes a
// pending edit through src/editor/propose.ts, shown in a diff editor: the document is not touched
// until Accept.
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { additionsOnly } from '../edits/additionsOnly';
import { extractReplacement } from '../edits/extract';
import { PendingProposal } from '../edits/pending';
import type { Replacement } from '../edits/rebase';
import { documentPrompt, ExcludedFileError, fixPrompt, generateTestsPrompt, refactorPrompt } from '../prompts/actions';
import { testFilePathFor } from '../prompts/testFiles';
import { planAppend } from '../edits/appendImports';
import type { Services } from '../services';
import type { ContentGate } from '../policy/vscode/contentGate';
import { runRequest } from '../editor/request';
import type { PendingEdits } from '../editor/pendingEdits';
import type { EditSession } from '../editor/editSession';
import { proposeReplacement, recordChanges, showPending } from '../editor/propose';
import { proposalText } from '../editor/proposalView';
import type { CodeBlockActions } from '../editor/codeBlockActions';
import { codeContext, diagnosticInfo, diagnosticsIn, relativePath, snapshotForEditor, snapshotForRange } from '../editor/snapshot';
import { editorForArgs, promptOptions, warnExcluded, where } from '../editor/common';
import { registerInlineEdit } from './inlineEdit';
import { registerCodeActions } from './codeActions';

type ReplaceKind = 'refactor' | 'fix' | 'document';

/** Arguments the commands accept: from the quick fix (uri + range), from Retry (the instruction again). */
interface ActionArgs {
  uri?: string;
  /** [startLine, startCharacter, endLine, endCharacter] */
  range?: [number, number, number, number];
  instruction?: string;
}

function asArgs(a: unknown): ActionArgs {
  return a && typeof a === 'object' && !(a instanceof vscode.Uri) ? (a as ActionArgs) : {};
}

class EditActions {
  constructor(
    private readonly services: Services,
    private readonly pending: PendingEdits,
    private readonly gate: ContentGate,
  ) {}

  async replace(kind: ReplaceKind, raw: unknown): Promise<void> {
    const args = asArgs(raw);
    const editor = await editorForArgs(args.uri);
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a file and select the code for Qwen to work on.'));
      return;
    }
    const doc = editor.document;
    if (await this.gate.refuse(doc.uri, 'selected')) return;
    let instruction = args.instruction ?? '';
    if (kind === 'refactor' && args.instruction === undefined) {
      const answer = await vscode.window.showInputBox({
        title: vscode.l10n.t('Qwen: Refactor Selection'),
        prompt: vscode.l10n.t('How should Qwen refactor it? Leave empty for a general clean-up.'),
        placeHolder: vscode.l10n.t('e.g. extract the loop into a function, use async/await'),
        ignoreFocusOut: true,
      });
      if (answer === undefined) return;
      instruction = answer.trim();
    }
    if (!(await this.pending.makeRoom(doc))) return;
    const range = args.range ? new vscode.Range(...args.range) : undefined;
    const label = kind === 'refactor' ? vscode.l10n.t('Refactor') : kind === 'fix' ? vscode.l10n.t('Fix') : vscode.l10n.t('Document');
    await proposeReplacement(this.services, this.pending, {
      label,
      take: () => (range ? snapshotForRange(editor, range) : snapshotForEditor(editor)),
      build: (snap) => {
        const ctx = codeContext(snap);
        if (kind === 'refactor') return refactorPrompt(ctx, instruction, promptOptions());
        if (kind === 'fix') return fixPrompt(ctx, diagnosticsIn(snap.doc, snap.range).map(diagnosticInfo), promptOptions());
        return documentPrompt(ctx, promptOptions());
      },
      title: (snap) =>
        kind === 'refactor'
          ? vscode.l10n.t('Qwen is refactoring {0}…', where(snap))
          : kind === 'fix'
            ? vscode.l10n.t('Qwen is fixing {0}…', where(snap))
            : vscode.l10n.t('Qwen is documenting {0}…', where(snap)),
      retry: () => this.replace(kind, { ...args, uri: doc.uri.toString(), instruction }),
    });
  }

  /**
   * Tests for the selection: a new file beside the source named by the language's convention
   * (proposed in an unsaved editor; Accept creates it), or, when that file exists, a pending
   * edit that adds to it. Never overwrites: the existing file's lines are never removed.
   */
  async generateTests(): Promise<void> {
    const editor = await editorForArgs();
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a file and select the code for Qwen to work on.'));
      return;
    }
    const doc = editor.document;
    if (await this.gate.refuse(doc.uri, 'selected')) return;
    const src = doc.uri;
    const slash = src.path.lastIndexOf('/');
    let siblings: string[] = [];
    try {
      siblings = (await vscode.workspace.fs.readDirectory(src.with({ path: src.path.slice(0, slash) || '/' }))).map(([name]) => name);
    } catch {
      siblings = [];
    }
    const tf = testFilePathFor(src.path, doc.languageId, siblings);
    const targetUri = src.with({ path: tf.path });
    // The test file beside it is read and sent too, though nobody named it.
    if (targetUri.toString() !== src.toString() && (await this.gate.refuse(targetUri, 'named'))) return;
    let existing: vscode.TextDocument | undefined;
    if (tf.placement === 'inline' || tf.isTestFile) existing = doc;
    else if (src.scheme !== 'untitled') {
      try {
        await vscode.workspace.fs.stat(targetUri);
        existing = await vscode.workspace.openTextDocument(targetUri);
      } catch {
        existing = undefined;
      }
    }
    if (existing && !(await this.pending.makeRoom(existing))) return;
    const snap = await snapshotForEditor(editor);
    if (!snap) return;
    let built: ReturnType<typeof generateTestsPrompt>;
    try {
      built = generateTestsPrompt(codeContext(snap), { ...tf, path: relativePath(targetUri), existing: existing?.getText() }, promptOptions());
    } catch (e) {
      if (e instanceof ExcludedFileError) return warnExcluded(targetUri);
      throw e;
    }
    const label = vscode.l10n.t('Generate Tests');
    const title = vscode.l10n.t('Qwen is writing tests for {0}…', where(snap));
    const retry = () => this.generateTests();

    if (!existing) {
      const outcome = await runRequest(this.services, { title, label, messages: built.messages, retry });
      if (!outcome.ok) {
        if (outcome.reason === 'stopped') void vscode.window.showInformationMessage(vscode.l10n.t('Stopped: nothing was changed.'));
        return;
      }
      const ex = extractReplacement(outcome.text, { original: '', languageId: doc.languageId, eol: snap.eol, indent: snap.indent });
      if (!ex.ok || !ex.code.trim()) {
        void vscode.window.showWarningMessage(vscode.l10n.t("Qwen's answer had no code block, so nothing was changed."));
        return;
      }
      if (ex.truncated || outcome.finishReason === 'length') {
        void vscode.window.showWarningMessage(vscode.l10n.t('The answer was cut off before the end of the code, so nothing was changed. Try a smaller selection.'));
        return;
      }
      const proposal = await vscode.workspace.openTextDocument({ language: doc.languageId, content: ex.code + snap.eol });
      const s = this.pending.begin(proposal, 'newFile', label);
      s.newFileTarget = targetUri;
      this.pending.setPending(s, new PendingProposal([]));
      await vscode.window.showTextDocument(proposal, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      void vscode.window.showInformationMessage(vscode.l10n.t('Qwen proposes a new test file, {0}. Accept Edit creates it; Reject Edit discards it.', relativePath(targetUri)));
      return;
    }

    const target = existing;
    const text = target.getText();
    const eol = target.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
    const s = this.pending.begin(target, 'diff', label);
    const changes = recordChanges(s, Math.max(0, target.lineCount - 1));
    const outcome = await runRequest(this.services, { title, label, messages: built.messages, signal: s.abort.signal, retry });
    if (s.isEnded()) return;
    if (!outcome.ok) {
      this.pending.end(s, outcome.reason === 'stopped' ? 'stopped' : 'failed');
      if (outcome.reason === 'stopped' && !s.rejectWhenDone) void vscode.window.showInformationMessage(vscode.l10n.t('Stopped: nothing was changed.'));
      return;
    }
    const whole = built.mode === 'whole-file';
    const ex = extractReplacement(outcome.text, whole ? { original: text, languageId: target.languageId, eol } : { original: '', languageId: target.languageId, eol });
    if (!ex.ok || !ex.code.trim() || ex.truncated || outcome.finishReason === 'length') {
      this.pending.end(s, 'failed');
      void vscode.window.showWarningMessage(
        ex.ok && ex.code.trim() ? vscode.l10n.t('The answer was cut off before the end of the code, so nothing was changed. Try a smaller selection.') : vscode.l10n.t("Qwen's answer had no code block, so nothing was changed."),
      );
      return;
    }
    let hunks: Replacement[];
    if (whole) hunks = additionsOnly(text, ex.code, eol);
    else {
      // The block's own imports join the file's (repeats dropped) instead of landing mid-file.
      const plan = planAppend(text, ex.code, target.languageId);
      const hoist = plan.imports.length > 0 && plan.importsAt < text.length;
      const body = hoist ? plan.body : ex.code;
      hunks = [];
      if (hoist) hunks.push({ start: plan.importsAt, end: plan.importsAt, oldText: '', newText: plan.imports.map((l) => l.replace(/\r?\n/g, eol) + eol).join('') });
      if (body.trim()) {
        const sep = text.length === 0 ? '' : text.endsWith('\n') ? eol : eol + eol;
        hunks.push({ start: text.length, end: text.length, oldText: '', newText: sep + body + (text.endsWith('\n') || text.length === 0 ? eol : '') });
      }
    }
    await showPending(this.pending, s, hunks, changes);
  }
}

/** The editor commands over the one PendingEdits core.ts built (the chat and the agent share it). */
export function registerEditFeatures(
  services: Services,
  gate: ContentGate,
  pending: PendingEdits,
  codeBlocks: CodeBlockActions,
  /** the agent task's edit waiting for review: Accept / Reject Edit act on it when the active editor has no proposal of its own */
  agentWaiting: () => EditSession | undefined = () => undefined,
): vscode.Disposable[] {
  const actions = new EditActions(services, pending, gate);
  const decide = async (accept: boolean, target?: unknown, ids?: unknown) => {
    const s = pending.resolve(target) ?? (target === undefined ? agentWaiting() : undefined);
    if (!s) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There is no pending Qwen edit in this editor.'));
      return false;
    }
    const hunkIds = Array.isArray(ids) && ids.every((x) => typeof x === 'number') ? (ids as number[]) : undefined;
    const ok = await pending.decide(s, accept, hunkIds);
    // After deciding from the diff editor, come back to the document.
    if (ok && s.phase === 'ended' && s.mode === 'diff' && vscode.window.activeTextEditor?.document.uri.scheme !== s.doc.uri.scheme) {
      await vscode.window.showTextDocument(s.doc, { preview: false }).then(undefined, () => undefined);
    }
    return ok;
  };
  return [
    vscode.commands.registerCommand(Commands.refactorSelection, (a?: unknown) => actions.replace('refactor', a)),
    vscode.commands.registerCommand(Commands.fixSelection, (a?: unknown) => actions.replace('fix', a)),
    vscode.commands.registerCommand(Commands.documentSelection, (a?: unknown) => actions.replace('document', a)),
    vscode.commands.registerCommand(Commands.generateTests, () => actions.generateTests()),
    vscode.commands.registerCommand(Commands.acceptEdit, (target?: unknown, ids?: unknown) => decide(true, target, ids)),
    vscode.commands.registerCommand(Commands.rejectEdit, (target?: unknown, ids?: unknown) => decide(false, target, ids)),
    ...registerInlineEdit(services, pending, gate),
    ...registerCodeActions(codeBlocks),
    // For tests and diagnostics: what is pending where, and what the editor draws for it.
    vscode.commands.registerCommand('qwen.internal.pendingEdits', () =>
      pending.all().map((s) => ({
        uri: s.doc.uri.toString(),
        mode: s.mode,
        phase: s.phase,
        label: s.label,
        pending: s.proposal?.pending.map((h) => ({ id: h.id, start: h.start, end: h.end, oldText: h.hunk.oldText, newText: h.hunk.newText, showing: h.showing })) ?? [],
        proposalUri: s.proposalUri?.toString(),
        proposalText: s.proposalUri ? proposalText(s) : undefined,
        newFileTarget: s.newFileTarget?.toString(),
        view: pending.model(s),
      })),
    ),
  ];
}

