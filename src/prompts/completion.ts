// Ghost-text completion prompts: Qwen-Coder's fill-in-the-middle format for `/completions`
// (qwen-coder-turbo, Qwen2.5-Coder on vLLM or Ollama), and a chat form for chat-only models.
// The prefix keeps the lines nearest the cursor; the suffix too.

import type { ChatMessage } from '../qwen/types';
import { packContext } from './context';
import { DEFAULT_EXCLUDE_PATTERNS, isExcludedPath } from './exclude';
import { estimateTokens } from './tokens';

export interface CompletionInput {
  /** document text before the cursor */
  prefix: string;
  /** document text after the cursor */
  suffix: string;
  path?: string;
  languageId?: string;
}

export interface CompletionPromptOptions {
  /** tokens for prefix and suffix together (default 2,048: completions must be fast) */
  budgetTokens?: number;
  exclude?: readonly string[];
}

export const FIM_TOKENS = { prefix: '<|fim_prefix|>', suffix: '<|fim_suffix|>', middle: '<|fim_middle|>' } as const;

/** Where a FIM model must stop: any special token means it wandered past the middle. */
export const FIM_STOP: readonly string[] = ['<|endoftext|>', '<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|fim_pad|>', '<|file_sep|>', '<|repo_name|>', '<|im_end|>'];

const CURSOR = '<|cursor|>';

/** null when the file is excluded: no completion request may be made for it. */
function fit(input: CompletionInput, opts: CompletionPromptOptions): { prefix: string; suffix: string } | null {
  if (input.path !== undefined && isExcludedPath(input.path, opts.exclude ?? DEFAULT_EXCLUDE_PATTERNS)) return null;
  const budget = opts.budgetTokens ?? 2048;
  // The prefix matters more: it gets what the suffix leaves, and the suffix at most a quarter.
  const suffix = packContext([{ id: 's', text: input.suffix, priority: 0, cut: 'end' }], Math.floor(budget / 4)).items[0]?.text ?? '';
  const prefix = packContext([{ id: 'p', text: input.prefix, priority: 0, cut: 'start' }], budget - estimateTokens(suffix)).items[0]?.text ?? '';
  return { prefix, suffix };
}

/** The raw FIM prompt for `POST /completions`, with its stop sequences; null for excluded files. */
export function fimPrompt(input: CompletionInput, opts: CompletionPromptOptions = {}): { prompt: string; stop: string[] } | null {
  const f = fit(input, opts);
  if (!f) return null;
  return { prompt: `${FIM_TOKENS.prefix}${f.prefix}${FIM_TOKENS.suffix}${f.suffix}${FIM_TOKENS.middle}`, stop: [...FIM_STOP] };
}

/** The same as a chat request, for models without FIM; the answer is the text to insert. Null for excluded files. */
export function completionMessages(input: CompletionInput, opts: CompletionPromptOptions = {}): ChatMessage[] | null {
  const f = fit(input, opts);
  if (!f) return null;
  const where = input.path ? `File: ${input.path}${input.languageId ? ` (${input.languageId})` : ''}\n` : '';
  return [
    {
      role: 'system',
      content: `You are a code completion engine. The user sends a file with the cursor marked ${CURSOR}. Reply with only the text to insert at the cursor: no explanation, no code fences, nothing repeated from before or after the cursor. Prefer completing the current line or statement. Reply with nothing when nothing fits.`,
    },
    { role: 'user', content: `${where}${f.prefix}${CURSOR}${f.suffix}` },
  ];
}
