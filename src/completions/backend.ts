// One completion request to the provider, in the mode that suits it (mode.ts): FIM through
// `/completions`, or a streamed chat request (DashScope partial mode where it exists) stopped as
// soon as enough has arrived. Free of VS Code; the engine calls it through its Fetch type.
import { completionMessages, fimPrompt } from '../prompts/completion';
import { completeFim } from '../qwen/fim';
import { isQwenError, type QwenError } from '../qwen/errors';
import type { QwenClient } from '../qwen/client';
import type { ProviderPreset } from '../qwen/providers';
import type { ChatMessage } from '../qwen/types';
import type { FetchInput, FetchResult } from './engine';
import { chooseMode, type CompletionMode } from './mode';

export interface CompletionTarget {
  client: QwenClient;
  preset: Pick<ProviderPreset, 'id' | 'dashscopeExtensions'>;
  /** the completion model; '' = the server's first model (custom servers) */
  model: string;
  /** where requests go: the key of what FimSupport remembers */
  baseUrl: string;
  /** extra exclude patterns on top of the built-in ones */
  exclude?: readonly string[];
}

export const COMPLETION_PARAMS = {
  /** a line, or a few */
  singleLineMaxTokens: 64,
  multiLineMaxTokens: 192,
  temperature: 0.1,
  /** prefix + suffix; small, so the answer is quick and cheap */
  budgetTokens: 2048,
} as const;

/**
 * Servers that turned out to have no FIM endpoint for a model (a 404, or a 400 naming the prompt),
 * so later completions go straight to the chat prompt.
 */
export class FimSupport {
  private readonly refused = new Set<string>();
  refuses(t: Pick<CompletionTarget, 'baseUrl' | 'model'>): boolean {
    return this.refused.has(`${t.baseUrl}\u0000${t.model}`);
  }
  markRefused(t: Pick<CompletionTarget, 'baseUrl' | 'model'>): void {
    this.refused.add(`${t.baseUrl}\u0000${t.model}`);
  }
}

/** Errors that mean "this server does not do FIM for this model", not "the request failed". */
function fimRefused(e: unknown): e is QwenError {
  return isQwenError(e) && (e.kind === 'endpoint-not-found' || e.kind === 'bad-parameter' || e.kind === 'model-not-found' || e.kind === 'invalid-response');
}

/** How long completions stay quiet after a failure: until the user can have fixed it, or the server recovered. */
export function pauseAfterError(e: unknown): number {
  if (!isQwenError(e)) return 5_000;
  switch (e.kind) {
    case 'auth':
    case 'billing':
    case 'access-denied':
    case 'quota':
    case 'missing-key':
    case 'model-not-found':
    case 'endpoint-not-found':
    case 'bad-parameter':
    case 'config':
      return 60_000;
    case 'rate-limit':
      return e.retryAfterMs ?? 10_000;
    case 'content-filter':
      // about this text only; the next edit may be fine
      return 0;
    default:
      return 5_000;
  }
}

/** The mode this target will be asked in. */
export function modeFor(t: CompletionTarget, fim: FimSupport): CompletionMode {
  const mode = chooseMode(t.preset, t.model);
  return mode === 'fim' && fim.refuses(t) ? 'chat' : mode;
}

export async function requestCompletion(t: CompletionTarget, input: FetchInput, signal: AbortSignal, fim: FimSupport): Promise<FetchResult> {
  const mode = modeFor(t, fim);
  const promptInput = { prefix: input.prefix, suffix: input.suffix, path: input.path, languageId: input.languageId };
  const promptOpts = { budgetTokens: COMPLETION_PARAMS.budgetTokens, ...(t.exclude ? { exclude: t.exclude } : {}) };
  const maxTokens = input.singleLine ? COMPLETION_PARAMS.singleLineMaxTokens : COMPLETION_PARAMS.multiLineMaxTokens;

  if (mode === 'fim') {
    const p = fimPrompt(promptInput, promptOpts);
    if (!p) return { text: '', mode };
    // One line wanted: a newline ends it on the server, before it is paid for.
    const stop = input.singleLine ? ['\n', ...p.stop.slice(0, 3)] : p.stop.slice(0, 4);
    try {
      const r = await completeFim(t.client, { model: t.model, prompt: p.prompt, maxTokens, temperature: COMPLETION_PARAMS.temperature, stop }, { signal });
      return { text: r.text, mode };
    } catch (e) {
      if (signal.aborted || !fimRefused(e)) throw e;
      fim.markRefused(t);
    }
  }

  const messages = completionMessages(promptInput, promptOpts);
  if (!messages) return { text: '', mode };
  const chatMode: CompletionMode = mode === 'partial' ? 'partial' : 'chat';
  if (chatMode === 'partial') {
    const lead = partialLead(input.prefix);
    if (lead) messages.push({ role: 'assistant', content: lead, partial: true });
  }
  return { text: await streamUntilEnough(t, messages, input, maxTokens, signal), mode: chatMode };
}

/**
 * What the assistant "has already written" in partial mode: the cursor's line up to the cursor
 * (with the line before it when the cursor's line is still blank), so the model continues the
 * code itself. '' when there is nothing to continue.
 */
export function partialLead(prefix: string): string {
  const nl = prefix.lastIndexOf('\n');
  const line = prefix.slice(nl + 1);
  if (line.trim() || nl < 0) return line;
  const prev = prefix.lastIndexOf('\n', nl - 1);
  const lead = prefix.slice(prev + 1);
  return lead.trim() ? lead : '';
}

/**
 * Streams the chat answer and stops reading (closing the connection, so nothing more is billed)
 * once it has what can be shown: a finished line for a mid-line cursor, or maxLines lines.
 */
async function streamUntilEnough(t: CompletionTarget, messages: ChatMessage[], input: FetchInput, maxTokens: number, signal: AbortSignal): Promise<string> {
  const enough = new AbortController();
  const both = AbortSignal.any([signal, enough.signal]);
  let text = '';
  let lineStart = 0;
  let lines = 0;
  const want = input.singleLine ? 1 : input.maxLines + 1;
  try {
    await t.client.streamChat(
      {
        model: t.model,
        messages,
        maxTokens,
        temperature: COMPLETION_PARAMS.temperature,
        thinking: { enabled: false },
      },
      {
        signal: both,
        onEvent: (e) => {
          if (e.type !== 'text') return;
          const from = text.length;
          text += e.text;
          for (let i = text.indexOf('\n', from); i >= 0; i = text.indexOf('\n', i + 1)) {
            // Blank lines and fence lines are not code that can be shown.
            const line = text.slice(lineStart, i).trim();
            lineStart = i + 1;
            if (line && !line.startsWith('```') && !line.startsWith('~~~')) lines++;
          }
          if (lines >= want) enough.abort();
        },
      },
    );
  } catch (e) {
    if (!enough.signal.aborted || signal.aborted) throw e;
  }
  return text;
}
