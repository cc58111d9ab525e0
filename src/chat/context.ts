import * as vscode from 'vscode';
import ignore, { type Ignore } from 'ignore';
import type { ContextChip, MentionCandidate } from '../protocol/messages';
import { Settings } from '../constants';
import { DEFAULT_EXCLUDE_PATTERNS, isExcludedPath } from '../prompts/exclude';
import { estimateTokens } from './history';
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
 * Excluded files (.gitignore, qwen.context.exclude) are never offered and never read.
 */
export class ContextCollector implements vscode.Disposable {
  private removed = new Set<string>();
  private mentions = new Map<string, Piece>();
  private matchers = new Map<string, Ignore>();
  private readonly subs: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.removed.clear();
        this.changed.fire();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === vscode.window.activeTextEditor) this.changed.fire();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('qwen.context') && this.matchers.clear()),
      vscode.workspace.onDidSaveTextDocument((d) => d.fileName.endsWith('.gitignore') && this.matchers.clear()),
    );
  }

  /** True when the file must never be sent: secrets (qwen.context.exclude) or ignored by .gitignore. */
  async isExcluded(uri: vscode.Uri): Promise<boolean> {
    // The defaults always apply; the setting can only add (a workspace must not un-exclude .env).
    const extra = vscode.workspace.getConfiguration(Settings.section).get<string[]>('context.exclude', []);
    const patterns = Array.isArray(extra) && extra.length ? [...DEFAULT_EXCLUDE_PATTERNS, ...extra.filter((x) => typeof x === 'string')] : DEFAULT_EXCLUDE_PATTERNS;
    const rel = vscode.workspace.asRelativePath(uri, false);
    if (isExcludedPath(rel, patterns) || isExcludedPath(uri.path, patterns)) return true;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return false;
    let m = this.matchers.get(folder.uri.toString());
    if (!m) {
      m = ignore();
      try {
        const gi = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.gitignore'));
        m.add(new TextDecoder().decode(gi));
      } catch {
        // no .gitignore
      }
      this.matchers.set(folder.uri.toString(), m);
    }
    return rel.length > 0 && !rel.startsWith('..') && m.ignores(rel);
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
    this.excludedActive = !!ed && (await this.isExcluded(ed.document.uri));
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
      if (await this.isExcluded(uri)) continue;
      seen.add(uri.toString());
      out.push({ id: uri.toString(), kind: 'editor', label: rel.split('/').pop() ?? rel, detail: rel });
    }
    if (vscode.workspace.workspaceFolders?.length) {
      const glob = q ? `**/*${q.replace(/[[\]{}*?!]/g, '')}*` : '**/*';
      const files = await vscode.workspace.findFiles(glob, '{**/node_modules/**,**/.git/**}', 200);
      for (const uri of files) {
        if (out.length >= 50) break;
        if (seen.has(uri.toString()) || (await this.isExcluded(uri))) continue;
        seen.add(uri.toString());
        const rel = vscode.workspace.asRelativePath(uri, false);
        out.push({ id: uri.toString(), kind: 'file', label: rel.split('/').pop() ?? rel, detail: rel });
      }
    }
    return out;
  }

  async addMention(id: string, _kind: 'file' | 'editor'): Promise<void> {
    const uri = vscode.Uri.parse(id, true);
    if (await this.isExcluded(uri)) return;
    const rel = vscode.workspace.asRelativePath(uri, false);
    const doc = await vscode.workspace.openTextDocument(uri);
    const text = doc.getText();
    this.mentions.set(`mention:${id}`, {
      chip: { id: `mention:${id}`, kind: 'file', label: rel.split('/').pop() ?? rel, detail: rel, tokens: estimateTokens(text.slice(0, MAX_FILE_CHARS)) },
      text: async () => block(`File ${rel} (${doc.languageId}):`, doc.languageId, doc.getText().slice(0, MAX_FILE_CHARS)),
    });
  }

  /** `.qwen/instructions.md` of the first folder, in trusted workspaces only. */
  async instructions(): Promise<string | undefined> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder || !vscode.workspace.isTrusted) return undefined;
    try {
      const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.qwen', 'instructions.md'));
      const text = new TextDecoder().decode(bytes).trim();
      return text ? text.slice(0, MAX_INSTRUCTIONS_CHARS) : undefined;
    } catch {
      return undefined;
    }
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subs) s.dispose();
  }
}
