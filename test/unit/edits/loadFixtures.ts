// Reads the original / answer / expected fixture triples at run time from the repository
// (esbuild does not bundle `fixtures` folders; tests run from out/test/unit/edits).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ContentChange } from '../../../src/edits/rebase';
import type { IndentStyle } from '../../../src/edits/text';

export interface FixtureCase {
  name: string;
  /** the document (or just the selection when `selection` is absent), CRLF applied when asked */
  original: string;
  answer: string;
  expected: string;
  languageId: string;
  indent: IndentStyle;
  crlf: boolean;
  /** lines [startLine, endLine) of `original` are the selection */
  selection?: { startLine: number; endLine: number };
  userEdits: Array<{ find: string; replace: string }>;
  conflicts?: number;
  truncated?: boolean;
  why?: string;
  /** why the streamed view cannot already be the final one for this answer */
  streamDiffers?: string;
}

export function fixturesDir(): string {
  const candidates = [resolve(__dirname, '../../../../test/unit/edits/fixtures'), resolve(process.cwd(), 'test/unit/edits/fixtures')];
  const dir = candidates.find((d) => existsSync(d));
  if (!dir) throw new Error('fixtures not found; run the tests from the repository root');
  return dir;
}

export function loadFixtures(): FixtureCase[] {
  const dir = fixturesDir();
  return readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'case.json')))
    .sort()
    .map((name) => {
      const read = (f: string) => readFileSync(join(dir, name, f), 'utf8');
      const c = JSON.parse(read('case.json'));
      const eol = (s: string) => (c.crlf ? s.replace(/\r?\n/g, '\r\n') : s);
      return {
        name,
        original: eol(read('original.txt')),
        answer: read('answer.md'),
        expected: eol(read('expected.txt')),
        languageId: c.languageId,
        indent: c.indent,
        crlf: !!c.crlf,
        selection: c.selection,
        userEdits: c.userEdits ?? [],
        conflicts: c.conflicts,
        truncated: c.truncated,
        why: c.why,
        streamDiffers: c.streamDiffers,
      };
    });
}

/** A find/replace as the editor would report it: only the differing middle, like typing. */
export function changeFor(doc: string, find: string, replace: string): ContentChange {
  const at = doc.indexOf(find);
  if (at < 0) throw new Error(`fixture edit target not found: ${JSON.stringify(find)}`);
  let p = 0;
  while (p < find.length && p < replace.length && find[p] === replace[p]) p++;
  let s = 0;
  while (s < find.length - p && s < replace.length - p && find[find.length - 1 - s] === replace[replace.length - 1 - s]) s++;
  return { rangeOffset: at + p, rangeLength: find.length - p - s, text: replace.slice(p, replace.length - s) };
}
