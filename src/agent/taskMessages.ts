// The messages of an agent task, kept from step to step: each step adds the assistant's message
// (its text and tool calls) and one `tool` message per call, so building the next request costs
// only what the step added, never a rebuild of the whole history. When the history nears the
// model's context window, the oldest tool results are shortened first (their calls stay, so the
// model knows what it did and can ask again).
import type { ToolCallPart, TurnPart } from '../protocol/messages';
import { estimateTokens, MESSAGE_OVERHEAD_TOKENS } from '../prompts/tokens';
import type { ChatMessage, ToolCall } from '../qwen/types';

/** What an old result is shortened to: enough to remember what it was. */
const SHORTENED_HEAD = 300;

function tokensOf(m: ChatMessage): number {
  let n = MESSAGE_OVERHEAD_TOKENS;
  if (typeof m.content === 'string') n += estimateTokens(m.content);
  else if (Array.isArray(m.content)) for (const p of m.content) n += estimateTokens(p.text);
  for (const c of m.tool_calls ?? []) n += estimateTokens(c.function.name) + estimateTokens(c.function.arguments) + MESSAGE_OVERHEAD_TOKENS;
  return n;
}

export class TaskMessages {
  readonly list: ChatMessage[];
  private tokenCount = 0;
  /** index of the first message of this task (the user's task); older ones are earlier turns */
  private readonly taskStart: number;
  /** tool messages already shortened, by index */
  private readonly shortened = new Set<number>();
  private nextToCompact: number;

  constructor(start: readonly ChatMessage[]) {
    this.list = [...start];
    for (const m of this.list) this.tokenCount += tokensOf(m);
    this.taskStart = Math.max(0, this.list.length - 1);
    this.nextToCompact = this.taskStart;
  }

  get tokens(): number {
    return this.tokenCount;
  }

  private push(m: ChatMessage): void {
    this.list.push(m);
    this.tokenCount += tokensOf(m);
  }

  /** The assistant's message of a step: its text (null when none) and its calls. */
  addAssistant(text: string, calls: readonly ToolCall[]): void {
    this.push({ role: 'assistant', content: text || (calls.length ? null : ''), ...(calls.length ? { tool_calls: [...calls] } : {}) });
  }

  addToolResult(callId: string, content: string): void {
    this.push({ role: 'tool', tool_call_id: callId, content });
  }

  addUser(text: string): void {
    this.push({ role: 'user', content: text });
  }

  /** Whether the last message is the assistant's (a request must not end on one unless continuing it). */
  endsWithAssistant(): boolean {
    return this.list[this.list.length - 1]?.role === 'assistant';
  }

  /**
   * Replays a task's stored parts (a continued or reloaded task): the text and calls of each step,
   * each call's result (a call that never got one is told it was interrupted).
   */
  replay(parts: readonly TurnPart[]): void {
    let text = '';
    let calls: ToolCallPart[] = [];
    const flushCalls = () => {
      if (!calls.length) return;
      this.addAssistant(text, calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })));
      for (const c of calls) this.addToolResult(c.id, c.result ?? 'Not run: the task was interrupted before this call finished.');
      text = '';
      calls = [];
    };
    for (const p of parts) {
      if (p.kind === 'toolCall') {
        if (calls.length && calls[0]!.step !== p.step) flushCalls();
        calls.push(p);
      }
      else if (p.kind === 'text') {
        flushCalls();
        text += p.text;
      }
    }
    flushCalls();
    if (text) this.addAssistant(text, []);
  }

  /**
   * Shortens the oldest tool results of this task, never those of the last step, until the
   * estimate is at most `budget` tokens. Returns how many were shortened by this call.
   */
  compact(budget: number): number {
    let n = 0;
    let lastAssistant = this.list.length - 1;
    while (lastAssistant > 0 && this.list[lastAssistant]!.role !== 'assistant') lastAssistant--;
    for (let i = this.nextToCompact; i < lastAssistant && this.tokenCount > budget; i++) {
      const m = this.list[i]!;
      this.nextToCompact = i + 1;
      if (m.role !== 'tool' || this.shortened.has(i) || typeof m.content !== 'string' || m.content.length <= SHORTENED_HEAD * 2) continue;
      const before = tokensOf(m);
      m.content = `${m.content.slice(0, SHORTENED_HEAD)}\n[This older result was shortened to keep the task within the model's context window. Call the tool again if you need it.]`;
      this.tokenCount += tokensOf(m) - before;
      this.shortened.add(i);
      n++;
    }
    return n;
  }

  get compactedCount(): number {
    return this.shortened.size;
  }
}
