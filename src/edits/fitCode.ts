// Making extracted code fit where it goes: the document's EOL, tabs or spaces, the selection's
// base indentation, its blank lines at either end and its final newline. Used by the whole-answer
// extraction, the streaming one, and the chat's Apply.
import {
  detectEol,
  detectIndentStyle,
  endsWithEol,
  type Eol,
  indentWidth,
  type IndentStyle,
  isBlank,
  leadingWhitespace,
  splitLines,
} from './text';

export interface ExtractOptions {
  /** the selection's text exactly as in the document: the reference for EOL, indentation and blank lines */
  original: string;
  languageId?: string;
  /** the document's EOL; detected from `original` when absent */
  eol?: Eol;
  /** the editor's indentation; detected from `original` when absent */
  indent?: IndentStyle;
  /** the document text on the selection's first line before the selection ('' for whole lines) */
  linePrefix?: string;
  /** accept an answer without any fence as code (default false: prose must never land in a file) */
  allowBare?: boolean;
}

/** The selection's indentation facts that every output line is measured against. */
export interface IndentPlan {
  eol: Eol;
  style: IndentStyle;
  /** the indentation string of the selection's least indented line, and its width */
  baseStr: string;
  baseWidth: number;
  /** the selection's first non-blank line's indentation (with the line prefix when that is blank) */
  firstStr: string;
  firstWidth: number;
  /** least width of the other non-blank lines (Infinity when there are none) */
  otherMin: number;
  /** chars already in the document before the selection on its first line; non-blank means mid-line */
  linePrefix: string;
  /** the selection's own blank lines at its start and end, reproduced around the code */
  leadingBlank: string[];
  trailingBlank: string[];
  finalEol: boolean;
}

export function planIndent(opts: ExtractOptions): IndentPlan {
  const original = opts.original;
  const eol = opts.eol ?? detectEol(original);
  const style = opts.indent ?? detectIndentStyle(original);
  const tab = style.size || 4;
  const linePrefix = opts.linePrefix ?? '';
  const prefixBlank = isBlank(linePrefix);
  const lines = splitLines(original);
  const finalEol = endsWithEol(original);
  if (finalEol) lines.pop();
  let first = -1;
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    if (!isBlank(lines[i])) {
      if (first < 0) first = i;
      last = i;
    }
  }
  const plan: IndentPlan = { eol, style, baseStr: '', baseWidth: 0, firstStr: '', firstWidth: 0, otherMin: Infinity, linePrefix, leadingBlank: [], trailingBlank: [], finalEol };
  if (first < 0) return plan;
  plan.leadingBlank = lines.slice(0, first);
  plan.trailingBlank = lines.slice(last + 1);
  let baseWidth = Infinity;
  for (let i = first; i <= last; i++) {
    if (isBlank(lines[i])) continue;
    let ws = leadingWhitespace(lines[i]);
    if (i === 0) ws = prefixBlank ? linePrefix + ws : leadingWhitespace(linePrefix);
    const w = indentWidth(ws, tab);
    if (i === first) [plan.firstStr, plan.firstWidth] = [ws, w];
    else plan.otherMin = Math.min(plan.otherMin, w);
    if (w < baseWidth) [baseWidth, plan.baseStr] = [w, ws];
  }
  plan.baseWidth = baseWidth;
  return plan;
}

export function isCommentContinuation(line: string): boolean {
  const t = line.trimStart();
  return t.charCodeAt(0) === 42 && (t.length === 1 || t.charCodeAt(1) === 32 || t.charCodeAt(1) === 47);
}

/** The step, in columns, of the model's space indentation: the editor's when every width fits it, else 4, 2, 8 or 3. */
export function inferUnit(widths: number[], preferred: number): number {
  for (const u of [preferred, 4, 2, 8, 3]) {
    if (u > 0 && widths.length > 0 && widths.every((w) => w % u === 0)) return u;
  }
  return preferred || 4;
}

/** Renders `d` columns of indentation in the document's style; `unit` is the model's step when it used spaces. */
export function renderIndent(d: number, style: IndentStyle, unit: number): string {
  if (d <= 0) return '';
  if (!style.useTabs) return ' '.repeat(d);
  return '\t'.repeat(Math.floor(d / unit)) + ' '.repeat(d % unit);
}

/**
 * Makes extracted code (LF, no final newline) fit where the selection was. Exported for tests and
 * for the streaming extractor's final pass.
 */
export function normalizeCode(code: string, opts: ExtractOptions): string {
  const plan = planIndent(opts);
  const tab = plan.style.size || 4;
  const lines = splitLines(code);
  let first = 0;
  while (first < lines.length && isBlank(lines[first])) first++;
  let last = lines.length - 1;
  while (last >= first && isBlank(lines[last])) last--;
  if (first > last) return '';
  const body = lines.slice(first, last + 1);

  // Widths of the model's lines and which indentation character it used.
  let tabLines = 0;
  let spaceLines = 0;
  let codeMin = Infinity;
  let otherMin = Infinity;
  const widths = new Array<number>(body.length);
  for (let i = 0; i < body.length; i++) {
    if (isBlank(body[i])) {
      widths[i] = -1;
      continue;
    }
    const ws = leadingWhitespace(body[i]);
    if (ws.charCodeAt(0) === 9) tabLines++;
    else if (ws.length > 0) spaceLines++;
    const w = indentWidth(ws, tab);
    widths[i] = w;
    codeMin = Math.min(codeMin, w);
    if (i > 0) otherMin = Math.min(otherMin, w);
  }
  const modelTabs = tabLines > spaceLines;
  const styleDiffers = (modelTabs && !plan.style.useTabs) || (spaceLines > 0 && plan.style.useTabs);
  const midLine = !isBlank(plan.linePrefix);

  // The model often drops only the first line's indentation (it saw the selection start mid-line).
  const firstOnly = !midLine && body.length > 1 && widths[0] < plan.firstWidth && otherMin !== Infinity && plan.otherMin !== Infinity && otherMin >= plan.otherMin;
  const shift = !firstOnly && codeMin < plan.baseWidth;
  // Doc-comment continuation lines (` * text`) sit one column off the grid: leave them out.
  const relWidths: number[] = [];
  for (let i = 0; i < body.length; i++) if (widths[i] > 0 && !isCommentContinuation(body[i])) relWidths.push(shift ? widths[i] - codeMin : widths[i]);
  const unit = modelTabs ? tab : inferUnit(relWidths.filter((w) => w > 0), tab);

  const out: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const line = body[i];
    if (widths[i] < 0) {
      out.push('');
      continue;
    }
    const content = line.slice(leadingWhitespace(line).length);
    let indent: string;
    if (i === 0 && firstOnly) indent = plan.firstStr;
    else if (shift) indent = plan.baseStr + renderIndent(widths[i] - codeMin, plan.style, unit);
    else if (styleDiffers) indent = renderIndent(widths[i], plan.style, unit);
    else indent = leadingWhitespace(line);
    out.push(indent + content);
  }
  // The selection's first line continues text already in the document: do not repeat its indentation.
  if (plan.linePrefix) {
    const ws = leadingWhitespace(out[0]);
    out[0] = midLine ? out[0].slice(ws.length) : out[0].slice(Math.min(ws.length, plan.linePrefix.length));
  }
  const all = plan.leadingBlank.concat(out, plan.trailingBlank);
  return all.join(plan.eol) + (plan.finalEol ? plan.eol : '');
}
