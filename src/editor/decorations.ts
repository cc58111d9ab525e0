// How a proposal looks in the editor. Inline: the buffer holds the proposal, added lines are
// green, and where lines were removed a red rule marks the place with the removed text beside it
// (all of it in the hover). Diff mode: the lines a hunk would replace are tinted, the proposal
// itself is in the diff editor. While an edit streams, the line being written carries a marker
// with the text so far, and the original lines not reached yet are dimmed.
import * as vscode from 'vscode';

export interface RemovedMarker {
  line: number;
  /** the removed lines, without EOLs */
  lines: string[];
}

export interface DecorationModel {
  added: vscode.Range[];
  removed: RemovedMarker[];
  /** diff mode: lines a pending hunk replaces */
  old: vscode.Range[];
  /** diff mode: pure insertions, shown after this line */
  inserted: Array<{ line: number; count: number }>;
  writing?: { line: number; text: string };
  unreached?: vscode.Range;
}

export const EMPTY_MODEL: DecorationModel = { added: [], removed: [], old: [], inserted: [] };

const MAX_AFTER = 80;

function clip(s: string): string {
  const t = s.trim();
  return t.length > MAX_AFTER ? t.slice(0, MAX_AFTER - 1) + '…' : t;
}

export class Decorations implements vscode.Disposable {
  private readonly added = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.insertedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly removedRule = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    borderColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    borderStyle: 'solid none none none',
    borderWidth: '2px 0 0 0',
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly removedText = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editorError.foreground'),
      margin: '0 0 0 2em',
      textDecoration: 'line-through',
      fontStyle: 'italic',
    },
  });
  private readonly old = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.modifiedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  private readonly inserted = vscode.window.createTextEditorDecorationType({
    after: { color: new vscode.ThemeColor('editorOverviewRuler.addedForeground'), margin: '0 0 0 2em', fontStyle: 'italic' },
  });
  private readonly writing = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    borderColor: new vscode.ThemeColor('editorCursor.foreground'),
    borderStyle: 'none none none solid',
    borderWidth: '0 0 0 2px',
    after: { color: new vscode.ThemeColor('editorGhostText.foreground'), margin: '0 0 0 1em', fontStyle: 'italic' },
  });
  private readonly unreached = vscode.window.createTextEditorDecorationType({ isWholeLine: true, opacity: '0.55' });

  render(editor: vscode.TextEditor, m: DecorationModel): void {
    const lang = editor.document.languageId;
    editor.setDecorations(this.added, m.added);
    editor.setDecorations(
      this.removedRule,
      m.removed.map((r) => new vscode.Range(r.line, 0, r.line, 0)),
    );
    editor.setDecorations(
      this.removedText,
      m.removed.map((r) => {
        const more = r.lines.length > 1 ? ` ${vscode.l10n.t('(+{0} more)', r.lines.length - 1)}` : '';
        const hover = new vscode.MarkdownString();
        hover.appendText(vscode.l10n.t('Removed by Qwen:'));
        hover.appendCodeblock(r.lines.join('\n'), lang);
        const line = editor.document.lineAt(Math.min(r.line, editor.document.lineCount - 1));
        return {
          range: new vscode.Range(line.range.end, line.range.end),
          hoverMessage: hover,
          renderOptions: { after: { contentText: `− ${clip(r.lines.find((l) => l.trim()) ?? '')}${more}` } },
        };
      }),
    );
    editor.setDecorations(this.old, m.old);
    editor.setDecorations(
      this.inserted,
      m.inserted.map((i) => {
        const line = editor.document.lineAt(Math.min(i.line, editor.document.lineCount - 1));
        return { range: new vscode.Range(line.range.end, line.range.end), renderOptions: { after: { contentText: vscode.l10n.t('+{0} lines from Qwen', i.count) } } };
      }),
    );
    if (m.writing && m.writing.line < editor.document.lineCount) {
      const line = editor.document.lineAt(m.writing.line);
      editor.setDecorations(this.writing, [
        { range: line.range, renderOptions: { after: { contentText: m.writing.text ? `✎ ${clip(m.writing.text)}` : '✎' } } },
      ]);
    } else editor.setDecorations(this.writing, []);
    editor.setDecorations(this.unreached, m.unreached ? [m.unreached] : []);
  }

  clear(editor: vscode.TextEditor): void {
    this.render(editor, EMPTY_MODEL);
  }

  dispose(): void {
    for (const t of [this.added, this.removedRule, this.removedText, this.old, this.inserted, this.writing, this.unreached]) t.dispose();
  }
}
