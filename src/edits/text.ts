// Line and indentation primitives shared by extraction, diffing and the inline model.
// Offsets are UTF-16 code units, like VS Code's `rangeOffset` and `document.offsetAt`.

export type Eol = '\n' | '\r\n';

/** How the document indents: tabs, or `size` spaces per level. `size` is also the width of a tab. */
export interface IndentStyle {
  useTabs: boolean;
  size: number;
}

/** The document's EOL is its first line break's (VS Code keeps one EOL per document). */
export function detectEol(text: string, fallback: Eol = '\n'): Eol {
  const i = text.indexOf('\n');
  if (i < 0) return fallback;
  return i > 0 && text.charCodeAt(i - 1) === 13 ? '\r\n' : '\n';
}

/** Lines without their terminators; accepts \n and \r\n. "a\n" gives ["a", ""]. */
export function splitLines(text: string): string[] {
  const out = text.split('\n');
  for (let i = 0; i < out.length - 1; i++) {
    const l = out[i];
    if (l.charCodeAt(l.length - 1) === 13) out[i] = l.slice(0, -1);
  }
  return out;
}

/** Lines with their terminators, so joining them gives back the text byte for byte. "" gives []. */
export function splitLinesKeepEol(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) break;
    out.push(text.slice(start, nl + 1));
    start = nl + 1;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

export function endsWithEol(text: string): boolean {
  return text.length > 0 && text.charCodeAt(text.length - 1) === 10;
}

/** Removes one trailing \n or \r\n. */
export function stripEol(line: string): string {
  if (line.charCodeAt(line.length - 1) !== 10) return line;
  return line.charCodeAt(line.length - 2) === 13 ? line.slice(0, -2) : line.slice(0, -1);
}

export function leadingWhitespace(line: string): string {
  let i = 0;
  while (i < line.length) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9) break;
    i++;
  }
  return line.slice(0, i);
}

/** Visual width of a run of spaces and tabs, with tab stops every `tabSize` columns. */
export function indentWidth(ws: string, tabSize: number): number {
  let w = 0;
  for (let i = 0; i < ws.length; i++) {
    if (ws.charCodeAt(i) === 9) w += tabSize - (w % tabSize);
    else w++;
  }
  return w;
}

export function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/**
 * Guesses tabs versus spaces from the text's indented lines (majority), and the space unit from
 * the most common indentation step. Returns `fallback` when nothing is indented.
 */
export function detectIndentStyle(text: string, fallback: IndentStyle = { useTabs: false, size: 4 }): IndentStyle {
  let tabs = 0;
  let spaces = 0;
  const steps = new Map<number, number>();
  let prev = 0;
  for (const line of splitLines(text)) {
    if (isBlank(line)) continue;
    const ws = leadingWhitespace(line);
    if (ws.length > 0) {
      if (ws.charCodeAt(0) === 9) tabs++;
      else spaces++;
    }
    if (ws.indexOf('\t') < 0) {
      const d = ws.length - prev;
      if (d >= 2 && d <= 8) steps.set(d, (steps.get(d) ?? 0) + 1);
      prev = ws.length;
    }
  }
  if (tabs === 0 && spaces === 0) return fallback;
  if (tabs > spaces) return { useTabs: true, size: fallback.size };
  let best = fallback.useTabs ? 0 : fallback.size;
  let bestCount = 0;
  for (const [d, n] of steps) if (n > bestCount || (n === bestCount && d < best)) [best, bestCount] = [d, n];
  return { useTabs: false, size: best || fallback.size || 4 };
}
