// What a tool result becomes before the model sees it: stored keys scrubbed out, and cut to a size
// that leaves room for the task, with a note saying how to read the rest.
import type { ToolName } from './types';

/** About 8,000 tokens of code: a 2,000-line read of ordinary code fits; a log dump does not. */
export const MAX_RESULT_CHARS = 32_000;

const HOW_TO_SEE_MORE: Partial<Record<ToolName, string>> = {
  read_file: 'Use offset and limit to read the rest.',
  grep_search: 'Narrow the pattern, or use glob or path, to see the rest.',
  glob: 'Use a narrower pattern or path to see the rest.',
  list_directory: 'List a subdirectory, or use glob, to see the rest.',
  run_shell_command: 'Run a narrower command (for example pipe through head or grep) to see the rest.',
};

/** Cuts `text` to `max` characters at a line end where one is near, with a note for the model. */
export function cutResult(text: string, name: string, max = MAX_RESULT_CHARS): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  let end = text.lastIndexOf('\n', max);
  if (end < max * 0.8) end = max;
  // never split a surrogate pair
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  const hint = HOW_TO_SEE_MORE[name as ToolName] ?? '';
  return { text: `${text.slice(0, end)}\n[The result was cut here: ${text.length - end} more characters were not shown. ${hint}]`.replace(/ \]$/, ']'), cut: true };
}
