// Generate Tests never overwrites an existing test file: the model's version of it is reduced to
// the lines it adds. Pure, like the rest of edits/.
import { diffLines } from './diff';
import type { Replacement } from './rebase';

/**
 * The model's version of a whole existing file, reduced to additions: every existing line stays
 * where it is, and new lines go in where the model put them (lines it changed are kept, its
 * version added after them for the user to review). Generate Tests never overwrites.
 */
export function additionsOnly(text: string, proposal: string, eol: string): Replacement[] {
  const out: Replacement[] = [];
  for (const h of diffLines(text, proposal)) {
    if (!h.newText) continue;
    if (!h.oldText) {
      out.push({ start: h.start, end: h.end, oldText: '', newText: h.newText });
      continue;
    }
    const kept = new Set(h.oldText.split('\n').map((l) => l.trim()));
    const added = h.newText.replace(/\r?\n$/, '').split(/\r?\n/).filter((l) => !l.trim() || !kept.has(l.trim()));
    if (!added.some((l) => l.trim())) continue;
    const atEnd = h.end === text.length && !text.endsWith('\n');
    const body = added.join(eol);
    out.push({ start: h.end, end: h.end, oldText: '', newText: atEnd ? eol + body : body + eol });
  }
  return out;
}
