import { lstat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ContextChip, MentionCandidate } from '../protocol/messages';
import { refusalSentence, type ContentGate } from '../policy/vscode/contentGate';
import { estimateTokens } from '../prompts/tokens';
const MAX_FILE_CHARS = 60_000;
const MAX_INSTRUCTIONS_CHARS = 20_000;

interface Piece {
  chip: ContextChip;
  text: () => Promise<string | undefined>;
}

function fence(code: string): string {
  let f = '```';
  while (code.includes(f)) f += '`';
  return f;
}

function block(header: string, languageId: string, code: string): string {
  const f = fence(code);
  return `${header}\n${f}${languageId}\n${code}${code.endsWith('\n') ? '' : '\n'}${f}`;
}

/**
 * What the chat can send besides the question: the selection, the active file, files added with @.
 * The send policy (src/policy) decides which files may be offered and read: no secrets ever, no
 * ignored file gathered on its own, nothing named outside the workspace folders.
 */
export class ContextCollector implements vscode.Disposable {
  private removed = new Set<string>();
  private mentions = new Map<string, Piece>();
  private readonly subs: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** The last instructions-file refusal shown, so a refused file is explained once, not every turn. */
  private instructionsRefusal = '';

  constructor(private readonly gate: ContentGate) {
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.removed.clear();
        this.changed.fire();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.changed.fire();
      }),
    );
  }

  private auto(): Piece[] {
    const ed = vscode.window.activeTextEditor;
    if (!ed || ed.document.uri.scheme === 'output') return [];
    const doc = ed.document;
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    const name = rel.split('/').pop() ?? rel;
    const pieces: Piece[] = [];
    const sel = ed.selection;
    if (!sel.isEmpty) {
      const text = doc.getText(sel);
      pieces.push({
        chip: { id: `sel:${doc.uri.toString()}#${sel.start.line}-${sel.end.line}`, kind: 'selection', label: `${name}:${sel.start.line + 1}-${sel.end.line + 1}`, detail: rel, tokens: estimateTokens(text) },
        text: async () => block(`Selected code from ${rel} (lines ${sel.start.line + 1}-${sel.end.line + 1}, ${doc.languageId}):`, doc.languageId, text),
      });
    }
    pieces.push({
      chip: { id: `file:${doc.uri.toString()}`, kind: 'file', label: name, detail: rel, tokens: estimateTokens(doc.getText().slice(0, MAX_FILE_CHARS)) },
      text: async () => {
        const all = doc.getText();
        const cut = all.length > MAX_FILE_CHARS;
        return block(`The file open in the editor, ${rel} (${doc.languageId})${cut ? `, first ${MAX_FILE_CHARS} characters` : ''}:`, doc.languageId, cut ? all.slice(0, MAX_FILE_CHARS) : all);
      },
    });
    return pieces;
  }

  private excludedActive = false;

  /** Refreshes the cached exclusion verdict of the active editor (chips() must stay synchronous). */
  async refresh(): Promise<void> {
    const ed = vscode.window.activeTextEditor;
    this.excludedActive = !!ed && !!(await this.gate.check(ed.document.uri, 'active'));
  }

  private pieces(): Piece[] {
    const auto = this.excludedActive ? [] : this.auto();
    return [...auto.filter((p) => !this.removed.has(p.chip.id)), ...this.mentions.values()];
  }

  chips(): ContextChip[] {
    return this.pieces().map((p) => p.chip);
  }

  remove(id: string): void {
    if (this.mentions.delete(id)) return;
    this.removed.add(id);
  }

  /** The chips the user sent with a question, and the text to send for them; mentions are used up. */
  async take(ids: readonly string[]): Promise<{ chips: ContextChip[]; text: string }> {
    await this.refresh();
    const wanted = new Set(ids);
    const chosen = this.pieces().filter((p) => wanted.has(p.chip.id));
    const texts: string[] = [];
    for (const p of chosen) {
      const t = await p.text();
      if (t) texts.push(t);
    }
    this.mentions.clear();
    return { chips: chosen.map((p) => p.chip), text: texts.length ? `Context from the editor:\n\n${texts.join('\n\n')}` : '' };
  }

  async mentionCandidates(query: string): Promise<MentionCandidate[]> {
    const q = query.toLowerCase();
    const out: MentionCandidate[] = [];
    const seen = new Set<string>();
    for (const tab of vscode.window.tabGroups.all.flatMap((g) => g.tabs)) {
      const uri = (tab.input as { uri?: vscode.Uri } | undefined)?.uri;
      if (!uri || seen.has(uri.toString())) continue;
      const rel = vscode.workspace.asRelativePath(uri, false);
      if (q && !rel.toLowerCase().includes(q)) continue;
      if (await this.gate.check(uri, 'listed')) continue;
      seen.add(uri.toString());
      out.push({ id: uri.toString(), kind: 'editor', label: rel.split('/').pop() ?? rel, detail: rel });
    }
    if (vscode.workspace.workspaceFolders?.length) {
      const glob = q ? `**/*${q.replace(/[[\]{}*?!]/g, '')}*` : '**/*';
      const files = await vscode.workspace.findFiles(glob, '{**/node_modules/**,**/.git/**}', 200);
      for (const uri of files) {
        if (out.length >= 50) break;
        if (seen.has(uri.toString()) || (await this.gate.check(uri, 'listed'))) continue;
        seen.add(uri.toString());
        const rel = vscode.workspace.asRelativePath(uri, false);
        out.push({ id: uri.toString(), kind: 'file', label: rel.split('/').pop() ?? rel, detail: rel });
      }
    }
    return out;
  }

  /** Adds a file the user picked after @; a refused one is explained in one sentence and not added. */
  async addMention(id: string, _kind: 'file' | 'editor'): Promise<void> {
    const uri = vscode.Uri.parse(id, true);
    const first = await this.readMention(uri);
    if (first === undefined) return;
    const rel = vscode.workspace.asRelativePath(uri, false);
    // An open document knows its language; for a file on disk its extension is a fence tag the model reads as well.
    const languageId = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())?.languageId ?? (/\.([A-Za-z0-9]+)$/.exec(uri.path)?.[1] ?? '');
    this.mentions.set(`mention:${id}`, {
      chip: { id: `mention:${id}`, kind: 'file', label: rel.split('/').pop() ?? rel, detail: rel, tokens: estimateTokens(first.slice(0, MAX_FILE_CHARS)) },
      // Read again when sent: the file may have changed, or become refused, since it was picked.
      text: async () => {
        const now = await this.readMention(uri);
        return now === undefined ? undefined : block(`File ${rel}${languageId ? ` (${languageId})` : ''}:`, languageId, now.slice(0, MAX_FILE_CHARS));
      },
    });
  }

  private async readMention(uri: vscode.Uri): Promise<string | undefined> {
    let r: Awaited<ReturnType<ContentGate['readWhole']>>;
    try {
      r = await this.gate.readWhole(uri, 'named');
    } catch {
      void vscode.window.showWarningMessage(vscode.l10n.t('{0} could not be read, so nothing was sent.', vscode.workspace.asRelativePath(uri, false)));
      return undefined;
    }
    if ('refusal' in r) {
      void vscode.window.showWarningMessage(refusalSentence(r.refusal));
      return undefined;
    }
    return r.text;
  }

  /**
   * `.qwen/instructions.md` of the first folder, in trusted workspaces only, through the same
   * policy as a file named with @: a link to a secret or out of the workspace is not read.
   */
  async instructions(): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.isTrusted) return undefined;
    const uri = vscode.Uri.joinPath(folder.uri, '.qwen', 'instructions.md');
    // The usual case is no file: one lstat says so, where the send policy's checks take four
    // file-system round trips (the real path of the path and of each parent, then a stat) in front
    // of every request. An editor open on it is read even when the disk has none.
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
    if (!open && uri.scheme === 'file' && !(await lstat(uri.fsPath).then(() => true, () => false))) return undefined;
    let r: Awaited<ReturnType<ContentGate['readWhole']>>;
    try {
      r = await this.gate.readWhole(uri, 'named');
    } catch {
      return undefined; // gone meanwhile, or unreadable
    }
    if ('refusal' in r) {
      const sentence = refusalSentence(r.refusal);
      if (sentence !== this.instructionsRefusal) {
        this.instructionsRefusal = sentence;
        void vscode.window.showWarningMessage(sentence);
      }
      return undefined;
    }
    this.instructionsRefusal = '';
    const text = r.text.trim();
    return text ? text.slice(0, MAX_INSTRUCTIONS_CHARS) : undefined;
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}
