// The text side of the agent's `edit` tool, as Qwen Code's `edit` behaves (qwen3-coder is trained
// on it): `old_string` must occur exactly once unless `replace_all`, and the error tells the
// model which way it failed so it can fix its next call. Plain strings, no regex: a `$&` in
// `new_string` is written as `$&`.
//
// Models write `\n` line breaks; a CRLF file still matches and keeps CRLF. A byte order mark
// stays where it is and is never part of a match.

export type EditResult = { text: string; replacements: number } | { error: string };

const BOM = '\uFEFF';

/** Every lone LF as CRLF (CRLF pairs stay as they are). */
export function toCrlf(s: string): string {
  return s.replace(/\r?\n/g, '\r\n');
}

/** Whether most of the text's line breaks are CRLF (a file with none is LF). */
export function usesCrlf(text: string): boolean {
  let crlf = 0;
  let lf = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    if (i > 0 && text.charCodeAt(i - 1) === 13) crlf++;
    else lf++;
  }
  return crlf > lf;
}

/** Non-overlapping occurrences, left to right. */
function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

/**
 * `text` with `oldString` replaced by `newString` (every occurrence with `replaceAll`), or an
 * error sentence for the model naming what went wrong: not found, not unique, or nothing to change.
 */
export function applyEdit(text: string, oldString: string, newString: string, replaceAll: boolean): EditResult {
  const bom = text.startsWith(BOM) ? BOM : '';
  const body = bom ? text.slice(1) : text;
  if (oldString.startsWith(BOM)) oldString = oldString.slice(1);
  if (newString.startsWith(BOM)) newString = newString.slice(1);

  if (oldString === '') {
    if (body !== '') {
      return { error: 'old_string is empty, but the file is not: an empty old_string only fills an empty or new file. To replace the whole file use write_file; otherwise give the exact text to replace.' };
    }
    return { text: bom + newString, replacements: 1 };
  }
  if (oldString === newString) return { error: 'old_string and new_string are identical, so there is nothing to change.' };

  // Match as written first; in a CRLF file, also with the model's LF line breaks as CRLF.
  const crlf = usesCrlf(body);
  let needle = oldString;
  let at = occurrences(body, needle);
  if (at.length === 0 && crlf && oldString.includes('\n')) {
    needle = toCrlf(oldString);
    at = occurrences(body, needle);
  }
  if (at.length === 0) {
    return {
      error:
        'old_string was not found in the file, so nothing was changed. It must match the file exactly, including whitespace, indentation and line breaks: read the file again (read_file) and copy the text from it.',
    };
  }
  if (at.length > 1 && !replaceAll) {
    return {
      error: `old_string is not unique: it occurs ${at.length} times in the file, so nothing was changed. Include more of the surrounding lines so that it matches exactly one place, or set replace_all to true to replace every occurrence.`,
    };
  }
  const replacement = crlf ? toCrlf(newString) : newString;
  const parts: string[] = [];
  let pos = 0;
  for (const i of at) {
    parts.push(body.slice(pos, i), replacement);
    pos = i + needle.length;
  }
  parts.push(body.slice(pos));
  return { text: bom + parts.join(''), replacements: at.length };
}

/** write_file's content fitted to the file it replaces: its line breaks, and its BOM (never two). */
export function fitContent(content: string, existing: string | undefined): string {
  let c = content.startsWith(BOM) ? content.slice(1) : content;
  if (existing !== undefined && usesCrlf(existing)) c = toCrlf(c);
  return (existing?.startsWith(BOM) ? BOM : '') + c;
}
