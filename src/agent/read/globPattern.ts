// The glob patterns the model writes, made into ones VS Code's findFiles can use safely: relative
// to a folder inside the workspace, never climbing out of it with `..`. Models often write an
// absolute pattern (`/home/me/app/src/**/*.ts`) or `./src/*.ts`; both are read as meant.
import * as path from 'node:path';
import { resolveToolPath } from '../paths';

export type SanitizedGlob = { pattern: string; base?: string } | { error: string };

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * `pattern` relative to `base` (an absolute folder inside the workspace, when the pattern was
 * absolute), or the sentence the model is told.
 */
export function sanitizeGlob(raw: unknown, folders: readonly string[], p_: typeof path = path): SanitizedGlob {
  if (typeof raw !== 'string' || raw.trim() === '') return { error: 'pattern must be a non-empty glob pattern, like "**/*.ts".' };
  let pattern = raw.trim();
  if (p_ === path.win32) pattern = pattern.replace(/\\/g, '/');
  let base: string | undefined;
  if (p_.isAbsolute(pattern) || pattern.startsWith('/')) {
    // The part before the first segment with a glob character is a folder path.
    const segs = pattern.split('/');
    const firstGlob = segs.findIndex((s) => GLOB_CHARS.test(s));
    const fixed = firstGlob === -1 ? segs.length : firstGlob;
    const dir = segs.slice(0, fixed).join('/') || '/';
    const r = resolveToolPath(dir, folders, p_);
    if ('error' in r) return { error: `The pattern ${JSON.stringify(raw)} is outside the workspace folders; give a pattern relative to a folder inside them.` };
    base = r.folder;
    const rel = p_.relative(r.folder, r.abs).split(p_.sep).join('/');
    pattern = [rel, ...segs.slice(fixed)].filter((s) => s !== '').join('/');
    if (pattern === '') return { error: `The pattern ${JSON.stringify(raw)} names a folder, not files; add a pattern such as "/**/*".` };
  }
  while (pattern.startsWith('./')) pattern = pattern.slice(2);
  if (pattern.split('/').some((s) => s === '..')) return { error: `The pattern ${JSON.stringify(raw)} climbs out of the folder with "..", which glob does not allow; use the path parameter instead.` };
  if (pattern === '' || pattern === '.') return { error: 'pattern must name files, like "**/*.ts".' };
  return base ? { pattern, base } : { pattern };
}

/**
 * grep_search's file filter as a glob from the searched folder. A filter without a slash matches
 * a file name at any depth, as ripgrep's --glob (which Qwen Code's grep uses) does: `*.ts` finds
 * `src/a/b.ts`.
 */
export function fileFilterGlob(raw: unknown, p_: typeof path = path): { pattern: string } | { error: string } {
  if (raw === undefined || raw === null || raw === '') return { pattern: '**/*' };
  if (typeof raw !== 'string') return { error: 'glob must be a glob pattern string, like "*.ts".' };
  let g = raw.trim();
  if (p_ === path.win32) g = g.replace(/\\/g, '/');
  while (g.startsWith('./')) g = g.slice(2);
  if (g.startsWith('/') || p_.isAbsolute(g)) return { error: `glob ${JSON.stringify(raw)} must be relative (like "*.ts" or "src/**/*.ts"); use the path parameter for the folder.` };
  if (g.split('/').some((s) => s === '..')) return { error: `glob ${JSON.stringify(raw)} climbs out of the folder with "..", which is not allowed; use the path parameter instead.` };
  if (g === '') return { pattern: '**/*' };
  return { pattern: g.includes('/') ? g : `**/${g}` };
}
