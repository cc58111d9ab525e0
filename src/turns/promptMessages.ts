// Turns -> the messages of one request, trimmed to the model's context window. Pure: no vscode.
import type { ChatMessage } from '../qwen/types';
import { chatSystemPrompt, type ChatSystemOptions } from '../prompts/chat';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from '../prompts/tokens';
import { joinedText } from '../protocol/parts';
import type { StoredTurn } from './turn';

function tokens(text: string): number {
  return estimateTokens(text) + MESSAGE_OVERHEAD_TOKENS;
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
  system?: ChatSystemOptions;
  continueFrom?: string;
}): BuiltRequest {
  const system = chatSystemPrompt(opts.system).content as string;
  const current = userContent(opts.current);
  let budget = Math.max(0, opts.contextWindow - opts.reserveForAnswer);
  budget -= tokens(system) + tokens(current) + (opts.continueFrom ? tokens(opts.continueFrom) : 0);
  const usable = opts.history.filter((t) => !t.excluded && t.status !== 'error').map((t) => ({ turn: t, answer: joinedText(t.parts, 'text') })).filter((u) => u.answer);
  const kept: ChatMessage[] = [];
  let i = usable.length - 1;
  for (; i >= 0; i--) {
    const { turn, answer } = usable[i]!;
    const u = userContent(turn);
    const cost = tokens(u) + tokens(answer);
    if (cost > budget) break;
    budget -= cost;
    kept.push({ role: 'assistant', content: answer }, { role: 'user', content: u });
  }
  kept.reverse();
  const messages: ChatMessage[] = [{ role: 'system', content: system }, ...kept, { role: 'user', content: current }];
  if (opts.continueFrom) messages.push({ role: 'assistant', content: opts.continueFrom, partial: true });
  const promptTokens = messages.reduce((n, m) => n + tokens(typeof m.content === 'string' ? m.content : ''), 0);
  return { messages, droppedTurns: i + 1, promptTokens };
}
