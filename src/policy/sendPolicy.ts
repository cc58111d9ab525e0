// The one place that decides whether a file's content may leave the machine. Every way content
// leaves asks it: the chat's chips and @ mentions, Explain and the editor commands, Edit Inline,
// ghost text, the instructions file, and the agent's read tools. Plain Node (fs), no vscode.
//
// It judges two paths: the one the user sees and the real one behind any symlink, since
// `docs/notes.txt -> ../../outside/.env` reads the secret whatever the link is called.
//  - secrets (the built-in patterns plus qwen.context.exclude): never sent, by any path;
//  - outside the workspace folders: refused unless the user opened and selected it themselves;
//  - ignored by git: never gathered automatically, but sent when the user selected it or named it;
//  - binary or too large: refused when the whole file would be sent.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isExcludedPath } from '../prompts/exclude';
import { IgnoreRules } from './ignoreRules';

/**
 * How the content was chosen, which decides what is checked:
 *  - `selected`: the user opened the file and selected in it (Explain, Refactor, Edit Inline);
 *  - `active`: the editor the user has open, sent without a selection of theirs (the chat's
 *    active-file chip, ghost text);
 *  - `named`: a file the user picked by name (an @ mention, the instructions file);
 *  - `model`: a file the model named (the agent's read_file, edit, write_file): nobody reviewed the
 *    choice, so ignored files are refused as for a search (CONTRACT: excluded files get an error);
 *  - `listed`: found by a search nobody reviewed (the @ list, the agent's list, glob and grep).
 */
export type Origin = 'selected' | 'active' | 'named' | 'model' | 'listed';

const CHECKS: Record<Origin, { outside: boolean; ignored: boolean }> = {
  selected: { outside: false, ignored: false },
  active: { outside: false, ignored: true },
  named: { outside: true, ignored: false },
  model: { outside: true, ignored: true },
  listed: { outside: true, ignored: true },
};

export type RefusalReason = 'secret' | 'ignored' | 'outside' | 'binary' | 'too-large';

export interface Refusal {
  reason: RefusalReason;
  /** the path as the user knows it (workspace-relative when inside a folder) */
  shown: string;
  /** the real path, when a symlink leads elsewhere */
  target?: string;
  /** for too-large: the file's size and the limit, in bytes */
  size?: number;
  limit?: number;
}

export interface PolicySource {
  /** the workspace folders' paths, as opened */
  folders(): readonly string[];
  /** the secret patterns: the built-in list plus the user's additions */
  patterns(): readonly string[];
}

/** Files larger than this are never sent whole (the chat sends at most its first 60,000 characters anyway). */
export const MAX_WHOLE_FILE_BYTES = 1024 * 1024;
/** Where a NUL byte in the first bytes marks a file as binary, as git and VS Code decide it. */
const BINARY_PROBE_BYTES = 8000;

export class SendPolicy {
  readonly ignores = new IgnoreRules();
  private realFolders: Promise<string[]> | undefined;

  constructor(private readonly source: PolicySource) {}

  /** The folders, a .gitignore or the settings changed. */
  invalidate(): void {
    this.realFolders = undefined;
    this.ignores.invalidate();
  }

  /** Why `file` (an absolute path) must not be sent for this origin, or undefined when it may be. */
  async judge(file: string, origin: Origin): Promise<Refusal | undefined> {
    const shown = path.resolve(file);
    const real = await realPathOf(shown);
    const folders = this.source.folders().map((f) => path.resolve(f));
    const realFolders = await this.folderRealPaths(folders);
    const seenIn = folderOf(shown, folders);
    const realIn = folderOf(real, realFolders);
    const display = seenIn ? path.relative(seenIn, shown).split(path.sep).join('/') : shown;
    const target = real !== shown ? real : undefined;
    const refuse = (reason: RefusalReason): Refusal => ({ reason, shown: display, ...(target ? { target } : {}) });

    const patterns = this.source.patterns();
    if (isSecret(shown, seenIn, patterns) || (target && isSecret(real, realIn, patterns))) return refuse('secret');
    const checks = CHECKS[origin];
    if (checks.outside && (!seenIn || !realIn)) return refuse('outside');
    if (checks.ignored) {
      if (seenIn && (await this.ignores.isIgnored(seenIn, shown))) return refuse('ignored');
      if (target && realIn && (await this.ignores.isIgnored(realIn, real))) return refuse('ignored');
    }
    return undefined;
  }

  /**
   * The judgment plus what sending the whole file needs: not binary, not too large. `text` is the
   * open document's text when there is one (unsaved edits count); otherwise the file is read.
   */
  async readWhole(file: string, origin: Origin, text?: string): Promise<{ text: string } | { refusal: Refusal }> {
    const refusal = await this.judge(file, origin);
    if (refusal) return { refusal };
    const shown = path.resolve(file);
    const seenIn = folderOf(shown, this.source.folders().map((f) => path.resolve(f)));
    const display = seenIn ? path.relative(seenIn, shown).split(path.sep).join('/') : shown;
    if (text === undefined) {
      const size = (await fs.stat(shown)).size;
      if (size > MAX_WHOLE_FILE_BYTES) return { refusal: { reason: 'too-large', shown: display, size, limit: MAX_WHOLE_FILE_BYTES } };
      const bytes = await fs.readFile(shown);
      if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) return { refusal: { reason: 'binary', shown: display } };
      return { text: bytes.toString('utf8') };
    }
    const size = Buffer.byteLength(text, 'utf8');
    if (size > MAX_WHOLE_FILE_BYTES) return { refusal: { reason: 'too-large', shown: display, size, limit: MAX_WHOLE_FILE_BYTES } };
    if (text.slice(0, BINARY_PROBE_BYTES).includes('\0')) return { refusal: { reason: 'binary', shown: display } };
    return { text };
  }

  private folderRealPaths(folders: string[]): Promise<string[]> {
    if (!this.realFolders) this.realFolders = Promise.all(folders.map(realPathOf));
    return this.realFolders;
  }
}

/** The real path, following every symlink; for a file not yet there, its nearest existing parent's. */
export async function realPathOf(p: string): Promise<string> {
  try {
    return await fs.realpath(p);
  } catch {
    const parent = path.dirname(p);
    if (parent === p) return p;
    return path.join(await realPathOf(parent), path.basename(p));
  }
}

/** The folder (of `folders`) that holds `p`, the innermost when folders nest. */
function folderOf(p: string, folders: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const f of folders) {
    const rel = path.relative(f, p);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
      if (!best || f.length > best.length) best = f;
    }
  }
  return best;
}

/**
 * Inside a folder, the patterns see the path from the folder down, and also with the folder's own
 * name in front (a folder opened at `~/.aws` still holds `.aws/credentials`), unless that name
 * alone matches: a folder the user chose to open as `secrets` is not all secret. Outside every
 * folder they see the absolute path.
 */
function isSecret(p: string, folder: string | undefined, patterns: readonly string[]): boolean {
  if (!folder) return isExcludedPath(p, patterns);
  const rel = path.relative(folder, p).split(path.sep).join('/');
  if (isExcludedPath(rel, patterns)) return true;
  const name = path.basename(folder);
  return !isExcludedPath(name, patterns) && isExcludedPath(`${name}/${rel}`, patterns);
}
