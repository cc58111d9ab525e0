// Turns -> the messages of one request, trimmed to the model's context window. Pure: no vscode.
import type { ChatMessage } from '../qwen/types';
import type { StoredTurn } from './store';

export const CHAT_SYSTEM_PROMPT = [
  'You are Qwen Coder, an expert programming assistant inside the VS Code editor.',
  'Answer precisely and concisely in Markdown. Put code in fenced blocks tagged with their language.',
  'When the user shares code, refer to it by file and line where useful. When you change code, show only the changed part unless asked for the whole file.',
  'Answer in the language the user writes in.',
].join(' ');

/**
 * A cheap, length-linear token estimate: CJK characters count about one token each, other text
 * about one token per four characters (Qwen's tokenizer is close to that on code and English).
 */
export function estimateTokens(text: string): number {
  let cjk = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x3000 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xff00 && c <= 0xffef)) cjk++;
  }
  return Math.ceil(cjk + (text.length - cjk) / 4) + 4;
}

function userContent(turn: Pick<StoredTurn, 'question' | 'contextText'>): string {
  return turn.contextText ? `${turn.contextText}\n\n${turn.question}` : turn.question;
}

export interface BuiltRequest {
  messages: ChatMessage[];
  /** earlier turns left out to fit */
  droppedTurns: number;
  promptTokens: number;
}

/**
 * The system prompt, as many of the most recent earlier turns as fit, and the current question.
 * Turns flagged by content moderation are always left out (they would fail every later request).
 * With `continueFrom`, the partial answer is sent back as an assistant message to be continued.
 */
export function buildMessages(opts: {
  history: readonly StoredTurn[];
  current: Pick<StoredTurn, 'question' | 'contextText'>;
  contextWindow: number;
  reserveForAnswer: number;
  instructions?: string;
  continueFrom?: string;
}): BuiltRequest {
  const system = opts.instructions ? `${CHAT_SYSTEM_PROMPT}\n\nProject instructions from .qwen/instructions.md:\n${opts.instructions}` : CHAT_SYSTEM_PROMPT;
  const current = userContent(opts.current);
  let budget = Math.max(0, opts.contextWindow - opts.reserveForAnswer);
  budget -= estimateTokens(system) + estimateTokens(current) + (opts.continueFrom ? estimateTokens(opts.continueFrom) : 0);
  const usable = opts.history.filter((t) => !t.excluded && t.status !== 'error' && t.answer);
  const kept: ChatMessage[] = [];
  let i = usable.length - 1;
  for (; i >= 0; i--) {
    const t = usable[i]!;
    const u = userContent(t);
    const cost = estimateTokens(u) + estimateTokens(t.answer);
    if (cost > budget) break;
    budget -= cost;
    kept.push({ role: 'assistant', content: t.answer }, { role: 'user', content: u });
  }
  kept.reverse();
  const messages: ChatMessage[] = [{ role: 'system', content: system }, ...kept, { role: 'user', content: current }];
  if (opts.continueFrom) messages.push({ role: 'assistant', content: opts.continueFrom, partial: true });
  const promptTokens = messages.reduce((n, m) => n + estimateTokens(typeof m.content === 'string' ? m.content : ''), 0);
  return { messages, droppedTurns: i + 1, promptTokens };
}
