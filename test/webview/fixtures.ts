// Host messages the browser tests send, built like the extension host will build them.
import type { ContextChip, Turn, ViewState } from '../../src/protocol/messages';

export function viewState(overrides: Partial<ViewState> = {}): ViewState {
  return {
    conversationId: 'c1',
    conversations: [
      { id: 'c1', title: 'Streaming parser', updatedAt: Date.now() - 60_000, turnCount: 2 },
      { id: 'c2', title: '解释一下这个正则表达式', updatedAt: Date.now() - 86_400_000 * 3, turnCount: 4 },
      { id: 'c3', title: 'Fix flaky test in CI', updatedAt: Date.now() - 86_400_000 * 9, turnCount: 1 },
    ],
    turns: [],
    models: [
      { id: 'qwen3-coder-plus', label: 'Qwen3 Coder Plus' },
      { id: 'qwen3-coder-flash', label: 'Qwen3 Coder Flash' },
      { id: 'qwen3-max', label: 'Qwen3 Max' },
    ],
    model: 'qwen3-coder-plus',
    thinking: { capability: 'optional', enabled: false, budget: null, maxBudget: 38_912 },
    context: [],
    streaming: false,
    needsApiKey: false,
    mode: 'ask',
    ...overrides,
  };
}

export const selectionChip: ContextChip = { id: 'ctx-sel', kind: 'selection', label: 'parser.ts:12-40', detail: 'src/parser.ts, lines 12-40' };
export const fileChip: ContextChip = { id: 'ctx-file', kind: 'file', label: 'parser.ts', detail: 'src/parser.ts' };

/** A turn's parts as the host builds them from what streamed: reasoning first, then the answer. */
export function partsOf(answer: string, reasoning = ''): Turn['parts'] {
  return [...(reasoning ? [{ kind: 'reasoning' as const, text: reasoning }] : []), ...(answer ? [{ kind: 'text' as const, text: answer }] : [])];
}

export function doneTurn(id: string, question: string, answer: string, extra: Partial<Turn> & { reasoning?: string } = {}): Turn {
  const { reasoning, ...rest } = extra;
  return {
    id,
    question,
    context: [],
    parts: partsOf(answer, reasoning),
    status: 'done',
    finishReason: 'stop',
    usage: { promptTokens: 1234, completionTokens: 567, totalTokens: 1801, cachedTokens: 512 },
    costUsd: 0.0021,
    ...rest,
  };
}

export function streamingTurn(id: string, question: string, extra: Partial<Turn> = {}): Turn {
  return { id, question, context: [], parts: [], status: 'streaming', ...extra };
}

type ToolPart = Extract<Turn['parts'][number], { kind: 'toolCall' }>;

/** An agent tool call as the host stores it: arguments as the model wrote them, facts from the tool. */
export function toolPart(id: string, name: string, args: Record<string, unknown> | string, status: ToolPart['status'], extra: Partial<ToolPart> = {}): ToolPart {
  return { kind: 'toolCall', id, name, args: typeof args === 'string' ? args : JSON.stringify(args), status, ...extra };
}

/** A finished agent task: its steps, total usage and cost. */
export function agentTurn(id: string, question: string, parts: Turn['parts'], extra: Partial<Turn> = {}): Turn {
  return doneTurn(id, question, '', { mode: 'agent', steps: 4, parts, ...extra });
}
