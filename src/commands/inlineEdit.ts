// Qwen: Edit Inline: an instruction, then the rewrite of the selection (or enclosing function)
// streams into the editor as an inline diff (src/editor/inlineWriter.ts) and stays as a pending
// proposal with Accept/Reject per hunk. Run again on a pending inline edit to refine it: the
// original comes back and the model is asked again with the earlier attempts as context.
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { ExcludedFileError, inlineEditPrompt, type InlineAttempt } from '../prompts/actions';
import type { Services } from '../services';
import type { ContentGate } from '../policy/vscode/contentGate';
import { InlineWriter } from '../editor/inlineWriter';
import { runRequest } from '../editor/request';
import type { EditSession } from '../editor/editSession';
import type { PendingEdits } from '../editor/pendingEdits';
import { codeContext, type Snapshot, snapshotForEditor, snapshotOf, withTrailingEol } from '../editor/snapshot';
import { editorForArgs, promptOptions, warnExcluded, where } from '../editor/common';

class InlineEdits {
  constructor(
    private readonly services: Services,
    private readonly pending: PendingEdits,
    private readonly gate: ContentGate,
  ) {}

  async command(raw: unknown): Promise<void> {
    const refine = raw && typeof raw === 'object' && 'refine' in raw ? String((raw as { refine: unknown }).refine) : undefined;
    const editor = await editorForArgs(refine);
    if (!editor) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Open a file and select the code for Qwen to work on.'));
      return;
    }
    const doc = editor.document;
    if (await this.gate.refuse(doc.uri, 'selected')) return;
    const existing = this.pending.get(doc);
    if (existing && existing.mode === 'inline' && existing.phase === 'pending' && existing.inline) return this.refine(editor, existing);
    if (existing && !(await this.pending.makeRoom(doc))) return;
    const first = await snapshotForEditor(editor);
    if (!first) return;
    const instruction = await vscode.window.showInputBox({
      title: vscode.l10n.t('Qwen: Edit Inline'),
      prompt: vscode.l10n.t('What should Qwen change in {0}?', where(first)),
      placeHolder: vscode.l10n.t('e.g. handle an empty list, add types, use a map instead of the loop'),
      ignoreFocusOut: true,
    });
    if (!instruction?.trim()) return;
    // Taken again: the document may have changed while the input box was open.
    const snap = await snapshotForEditor(editor);
    if (!snap || this.pending.get(doc)) return;
    await this.start(editor, withTrailingEol(snap), instruction.trim(), []);
  }

  /** "Try again with…": the original is put back exactly, then asked for again with the attempts so far. */
  private async refine(editor: vscode.TextEditor, s: EditSession): Promise<void> {
    const info = s.inline!;
    const instruction = await vscode.window.showInputBox({
      title: vscode.l10n.t('Qwen: Refine Edit'),
      prompt: vscode.l10n.t('Try again with… (Qwen starts again from the original lines; your earlier instructions still apply)'),
      placeHolder: vscode.l10n.t('e.g. keep the old name, shorter, no comments'),
      ignoreFocusOut: true,
    });
    if (!instruction?.trim() || s.phase !== 'pending') return;
    await this.pending.decide(s, false);
    await Promise.race([s.ended, new Promise((r) => setTimeout(r, 5000))]);
    if (this.pending.get(s.doc)) return;
    await this.restart(editor, info.regionStart, info.original, instruction.trim(), info.attempts);
  }

  /** Starts again on `original`, expected at `start` (or near it when lines above moved). */
  private async restart(editor: vscode.TextEditor, start: number, original: string, instruction: string, attempts: InlineAttempt[]): Promise<void> {
    const doc = editor.document;
    const text = doc.getText();
    let at = start;
    if (text.substr(at, original.length) !== original) {
      const before = text.lastIndexOf(original, at);
      const after = text.indexOf(original, at);
      at = before < 0 ? after : after < 0 ? before : at - before <= after - at ? before : after;
    }
    if (at < 0) {
      void vscode.window.showWarningMessage(vscode.l10n.t('The original lines have changed, so this edit cannot be run again. Select them and use Edit Inline.'));
      return;
    }
    const snap = snapshotOf(doc, new vscode.Range(doc.positionAt(at), doc.positionAt(at + original.length)), 'range', editor);
    await this.start(editor, snap, instruction, attempts);
  }

  private async start(editor: vscode.TextEditor, snap: Snapshot, instruction: string, attempts: InlineAttempt[]): Promise<void> {
    const doc = snap.doc;
    let messages;
    try {
      messages = inlineEditPrompt(codeContext(snap), instruction, attempts, promptOptions());
    } catch (e) {
      if (e instanceof ExcludedFileError) return warnExcluded(doc.uri);
      throw e;
    }
    const label = vscode.l10n.t('Edit Inline');
    const s = this.pending.begin(doc, 'inline', label);
    s.inline = { regionStart: snap.offset, original: snap.text, attempts };
    const writer = new InlineWriter(
      doc,
      { original: snap.text, languageId: doc.languageId, eol: snap.eol, indent: snap.indent, base: { offset: snap.offset, line: snap.range.start.line, character: 0 } },
      () => s.abort.abort(),
      () => this.pending.changed(s),
    );
    // The selection only said what to rewrite; left in place it would hide the inline diff.
    if (editor.document === doc && !editor.selection.isEmpty) editor.selection = new vscode.Selection(snap.range.start, snap.range.start);
    s.streaming = { onChange: (c, v) => writer.onChange(c, v), view: () => writer.view(), lensLine: () => writer.lensLine(), onSave: (phase) => writer.onSave(phase) };
    const outcome = await runRequest(this.services, {
      title: vscode.l10n.t('Qwen is editing {0}…', where(snap)),
      label,
      messages,
      signal: s.abort.signal,
      onText: (t) => {
        writer.push(t);
        this.pending.changed(s);
      },
      retry: () => this.restart(editor, writer.regionOffset, snap.text, instruction, attempts),
    });
    if (s.isEnded()) return;
    const how = outcome.ok ? 'done' : outcome.reason === 'stopped' ? 'stopped' : 'error';
    const r = await writer.finish(how);
    if (s.isEnded()) return;
    s.inline.regionStart = writer.regionOffset;
    switch (r.kind) {
      case 'conflict':
        this.pending.setPending(s, r.proposal);
        if (s.proposal && s.proposal.pending.length > 0) await this.pending.decide(s, false);
        else this.pending.end(s, 'no-changes');
        void vscode.window.showInformationMessage(vscode.l10n.t('You edited the lines Qwen was rewriting, so it stopped. What it had written was taken back, except in the lines you changed.'));
        return;
      case 'failed':
        this.pending.end(s, 'failed');
        void vscode.window.showErrorMessage(vscode.l10n.t('Qwen could not finish this edit safely because the text changed unexpectedly; Undo removes what it wrote.'));
        return;
      case 'unchanged':
        this.pending.end(s, how === 'stopped' ? 'stopped' : r.why === 'no-code' ? 'failed' : 'no-changes');
        if (r.why === 'no-code') void vscode.window.showWarningMessage(vscode.l10n.t("Qwen's answer had no code block, so nothing was changed."));
        else if (how === 'stopped' && !s.rejectWhenDone) void vscode.window.showInformationMessage(vscode.l10n.t('Stopped: nothing was changed.'));
        else if (r.why === 'no-change' && how === 'done') void vscode.window.showInformationMessage(vscode.l10n.t('Qwen proposes no changes here.'));
        return;
      case 'pending':
        s.inline.attempts = [...attempts, { instruction, answer: outcome.text }];
        this.pending.setPending(s, r.proposal);
        if (s.rejectWhenDone) {
          await this.pending.decide(s, false);
          return;
        }
        this.pending.render(s);
        if (r.note === 'truncated') void vscode.window.showWarningMessage(vscode.l10n.t('The answer was cut off: the lines Qwen did not reach are unchanged. Accept or reject what it wrote.'));
        else if (r.note === 'stopped') void vscode.window.showInformationMessage(vscode.l10n.t('Stopped: what Qwen wrote so far is pending; the lines it had not reached are unchanged.'));
        return;
    }
  }
}

export function registerInlineEdit(services: Services, pending: PendingEdits, gate: ContentGate): vscode.Disposable[] {
  const edits = new InlineEdits(services, pending, gate);
  return [vscode.commands.registerCommand(Commands.inlineEdit, (a?: unknown) => edits.command(a))];
}
