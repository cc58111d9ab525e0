// Turns -> the messages of one request, trimmed to the model's context window. Pure: no vscode.
import type { ChatMessage } from '../qwen/types';
import { chatSystemPrompt, type ChatSystemOptions } from '../prompts/chat';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from '../prompts/tokens';
import type { ToolCallPart, TurnPart } from '../protocol/messages';
import { joinedText } from '../protocol/parts';
import type { StoredTurn } from './turn';

/** Tool calls of an earlier agent task listed for the model; past this many, only counted. */
const MAX_LISTED_ACTIONS = 40;
/** A listed call's arguments are cut to this many characters. */
const MAX_ACTION_ARGS_CHARS = 200;

/**
 * What an earlier agent task did, one line per tool call (tool, arguments cut short, outcome), so
 * a later request knows which files were read, edited or run without their whole results, which
 * would crowd out the rest of the conversation. Empty for a turn with no calls.
 */
export function taskActions(parts: readonly TurnPart[]): string {
  const calls = parts.filter((p): p is ToolCallPart => p.kind === 'toolCall');
  if (!calls.length) return '';
  const lines = calls.slice(0, MAX_LISTED_ACTIONS).map((c) => {
    const args = c.args.length > MAX_ACTION_ARGS_CHARS ? `${c.args.slice(0, MAX_ACTION_ARGS_CHARS)}…` : c.args;
    return `- ${c.name} ${args}: ${c.status === 'denied' ? 'denied by the user' : c.status}`;
  });
  if (calls.length > MAX_LISTED_ACTIONS) lines.push(`- and ${calls.length - MAX_LISTED_ACTIONS} more calls`);
  return `[Tool calls made in this task, in order:\n${lines.join('\n')}]`;
}

/** An earlier turn's answer as the model is sent it: an agent task's calls, then its words (each step's apart). */
function answerOf(turn: StoredTurn): string {
  if (turn.mode !== 'agent') return joinedText(turn.parts, 'text');
  const text = turn.parts.flatMap((p) => (p.kind === 'text' && p.text.trim() ? [p.text.trim()] : [])).join('\n\n');
  const actions = taskActions(turn.parts);
  return actions && text ? `${actions}\n\n${text}` : actions || text;
}

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
  const usable = opts.history.filter((t) => !t.excluded && t.status !== 'error').map((t) => ({ turn: t, answer: answerOf(t) })).filter((u) => u.answer);
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
