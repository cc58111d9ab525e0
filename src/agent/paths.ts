// How the agent's paths are read and written. The model may name a file by an absolute path inside
// a workspace folder or by a path relative to the first folder; results name files relative to the
// first folder, and by absolute path in the others (so the model can use them as given). Lexical
// only: symlinks are the send policy's business (it resolves real paths before anything is read).
import * as path from 'node:path';

export type Resolved = { abs: string; folder: string } | { error: string };

function inside(folder: string, p: string, p_: typeof path): boolean {
  const rel = p_.relative(folder, p);
  return rel === '' || (!rel.startsWith('..') && !p_.isAbsolute(rel));
}

/**
 * The absolute path a tool argument names, and which folder holds it; an error sentence for the
 * model when it is empty, not a string, or outside every folder (also through `..`).
 */
export function resolveToolPath(raw: unknown, folders: readonly string[], p_: typeof path = path): Resolved {
  if (typeof raw !== 'string' || raw.trim() === '') return { error: 'The path is empty.' };
  if (folders.length === 0) return { error: 'No folder is open in VS Code, so no file can be used.' };
  let given = raw.trim();
  // Models sometimes write file:// URLs or ~/; neither can be inside the workspace lexically
  // unless it resolves there, which the checks below decide.
  if (given.startsWith('file://')) {
    try {
      given = decodeURIComponent(new URL(given).pathname);
      if (p_ === path.win32 && /^\/[A-Za-z]:/.test(given)) given = given.slice(1);
    } catch {
      return { error: `"${raw}" is not a valid path.` };
    }
  }
  const abs = p_.isAbsolute(given) ? p_.normalize(given) : p_.resolve(folders[0]!, given);
  for (const folder of folders) if (inside(folder, abs, p_)) return { abs, folder };
  return { error: `"${raw}" is outside the workspace folders (${folders.join(', ')}); only files inside them can be used.` };
}

/** How a result names a file: relative to the first folder, absolute in any other. */
export function displayPath(abs: string, folders: readonly string[], p_: typeof path = path): string {
  const first = folders[0];
  if (first && inside(first, abs, p_)) {
    const rel = p_.relative(first, abs);
    return rel === '' ? '.' : rel.split(p_.sep).join('/');
  }
  return abs;
}
