// What git would ignore, as git decides it: every .gitignore from the repository's root down to the
// file's folder (a deeper one overrides a higher one), then .git/info/exclude below them all, and
// nothing inside a folder that is itself ignored can be brought back. Plain Node (fs), no vscode,
// so the policy that uses it runs in unit tests against a real tree.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** How far up from a workspace folder to look for the repository's root (a monorepo's subfolder). */
const MAX_ROOT_HOPS = 32;
/** Folder verdicts kept between calls; a grep over a large tree asks about the same folders again and again. */
const MAX_CACHED_FOLDERS = 20_000;

export class IgnoreRules {
  private readonly files = new Map<string, Promise<Ignore | undefined>>();
  private readonly roots = new Map<string, Promise<string>>();
  private readonly folderVerdicts = new Map<string, boolean>();

  /** Forget every rule read: a .gitignore or .git/info/exclude changed. */
  invalidate(): void {
    this.files.clear();
    this.roots.clear();
    this.folderVerdicts.clear();
  }

  /**
   * Whether `file` (an absolute, real path inside `folder`) is ignored. `folder` is the workspace
   * folder's real path; the repository's root may be above it.
   */
  async isIgnored(folder: string, file: string): Promise<boolean> {
    const root = await this.rootOf(folder);
    const rel = path.relative(root, file);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return false;
    const segs = rel.split(path.sep);
    // git never tracks its own folder, and no .gitignore is needed to say so.
    if (segs.includes('.git')) return true;
    // Folders above the one the user opened are not judged: opening `repo/build` is a choice to work in it.
    const opened = path.relative(root, folder);
    const start = opened ? opened.split(path.sep).length + 1 : 1;
    for (let i = start; i < segs.length; i++) {
      if (await this.folderIgnored(root, segs.slice(0, i))) return true;
    }
    if (await this.verdict(root, segs, false)) return true;
    // A folder is judged as one, as git does: `dist/` ignores the folder `dist` itself, not only
    // what is in it, so a listing (the agent's list_directory) never names an ignored folder.
    return (await isDirectory(file)) && this.folderIgnored(root, segs);
  }

  private async folderIgnored(root: string, segs: string[]): Promise<boolean> {
    const key = path.join(root, ...segs);
    const known = this.folderVerdicts.get(key);
    if (known !== undefined) return known;
    const v = await this.verdict(root, segs, true);
    if (this.folderVerdicts.size >= MAX_CACHED_FOLDERS) this.folderVerdicts.clear();
    this.folderVerdicts.set(key, v);
    return v;
  }

  /** The rules that apply to `segs` under `root`, lowest precedence first, each with its own relative path. */
  private async verdict(root: string, segs: string[], isDir: boolean): Promise<boolean> {
    let ignored = false;
    const apply = (ig: Ignore | undefined, rel: string) => {
      if (!ig) return;
      const r = ig.test(isDir ? rel + '/' : rel);
      if (r.ignored) ignored = true;
      else if (r.unignored) ignored = false;
    };
    apply(await this.rulesIn(path.join(root, '.git', 'info', 'exclude')), segs.join('/'));
    for (let depth = 0; depth < segs.length; depth++) {
      const dir = path.join(root, ...segs.slice(0, depth));
      apply(await this.rulesIn(path.join(dir, '.gitignore')), segs.slice(depth).join('/'));
    }
    return ignored;
  }

  private rulesIn(file: string): Promise<Ignore | undefined> {
    let p = this.files.get(file);
    if (!p) {
      p = fs.readFile(file, 'utf8').then(
        (text) => ignore().add(text),
        () => undefined,
      );
      this.files.set(file, p);
    }
    return p;
  }

  /** The repository's root at or above `folder` (the first with a .git), else `folder` itself. */
  private rootOf(folder: string): Promise<string> {
    let p = this.roots.get(folder);
    if (!p) {
      p = (async () => {
        let dir = folder;
        for (let hop = 0; hop < MAX_ROOT_HOPS; hop++) {
          if (await exists(path.join(dir, '.git'))) return dir;
          const up = path.dirname(dir);
          if (up === dir) break;
          dir = up;
        }
        return folder;
      })();
      this.roots.set(folder, p);
    }
    return p;
  }
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
