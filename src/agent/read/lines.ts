// read_file's answer: the plain text of a run of lines (no line-number prefixes, since the model
// copies exact text into edit's old_string), with a note first when the file has more lines than
// shown, so the model knows how to read on.

/** Lines read when the model gives no limit (Qwen Code's default). */
export const DEFAULT_LINE_LIMIT = 2000;
/** A line longer than this is cut (minified code would otherwise fill the context with one line). */
export const MAX_LINE_CHARS = 2000;

export interface LineSlice {
  /** what the model is told: the note (if any), then the lines */
  content: string;
  /** 1-based, inclusive; 0 and 0 for an empty file */
  startLine: number;
  endLine: number;
  totalLines: number;
  /** lines longer than MAX_LINE_CHARS that were cut */
  cutLines: number;
}

/** The file's lines; a final newline ends the last line rather than starting an empty one. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Lines `offset` (0-based) to `offset + limit`, or the sentence the model is told. */
export function sliceLines(text: string, offset = 0, limit = DEFAULT_LINE_LIMIT): LineSlice | { error: string } {
  const lines = splitLines(text);
  const total = lines.length;
  if (total === 0) {
    return { content: '[The file is empty.]', startLine: 0, endLine: 0, totalLines: 0, cutLines: 0 };
  }
  if (offset >= total) {
    return { error: `offset ${offset} is past the end of the file, which has ${total} line${total === 1 ? '' : 's'} (offsets 0 to ${total - 1}).` };
  }
  const end = Math.min(total, offset + limit);
  let cutLines = 0;
  const shown = lines.slice(offset, end).map((l) => {
    if (l.length <= MAX_LINE_CHARS) return l;
    cutLines++;
    return `${l.slice(0, MAX_LINE_CHARS)}… [line cut at ${MAX_LINE_CHARS} characters]`;
  });
  const notes: string[] = [];
  if (offset > 0 || end < total) {
    const how = end < total ? `Use offset and limit to read more (the next line is offset ${end}).` : 'Use offset and limit to read other lines.';
    notes.push(`[Showing lines ${offset + 1}-${end} of ${total}. ${how}]`);
  }
  if (cutLines > 0) notes.push(`[${cutLines} line${cutLines === 1 ? ' was' : 's were'} longer than ${MAX_LINE_CHARS} characters and ${cutLines === 1 ? 'was' : 'were'} cut.]`);
  const body = shown.join('\n');
  return { content: notes.length ? `${notes.join('\n')}\n${body}` : body, startLine: offset + 1, endLine: end, totalLines: total, cutLines };
}
