// One chat turn from the question to its end: the client, the prompt, the large-context question,
// the stream into the turn's parts, and how it ends (done, stopped, failed). No vscode: everything
// the host owns (the client, settings, dialogs, the view, words in the user's language) comes in
// through TurnEnv, so it runs in plain Node against the fake server.
import type { Answer, HostToWebview, Question, TurnError, TurnPart } from '../protocol/messages';
import { joinedText } from '../protocol/parts';
import type { ChatSystemOptions } from '../prompts/chat';
import { estimateCost, getModelInfo } from '../qwen/catalog';
import { isQwenError } from '../qwen/errors';
import { errorActions } from '../qwen/errorActions';
import type { ChatRequest, ChatResult, StreamOptions, Usage } from '../qwen/types';
import { TurnAnnouncer } from './announcer';
import { DeltaBatcher, realClock, type Clock } from './batcher';
import { LiveParts } from './liveParts';
import { buildMessages } from './promptMessages';
import { cutText, MAX_TURN_TEXT, viewOf, viewUsage, type StoredTurn } from './turn';

export interface ChatStreamer {
  streamChat(req: ChatRequest, opts?: StreamOptions): Promise<ChatResult>;
}

export interface TurnEnv {
  /** the client and model for this turn, or why there is none, worded for the user */
  client(): Promise<{ client: ChatStreamer; model: string } | { error: TurnError }>;
  /** what the system prompt says about the user's setup */
  system(): Promise<ChatSystemOptions>;
  /** a prompt estimated above this many tokens is sent only if the user says so; 0 never asks */
  confirmAboveTokens(): number;
  /** the request's thinking switch for this model, when the user may choose it */
  thinking(model: string): ChatRequest['thinking'];
  /** asks the user; undefined when the question was withdrawn (the signal aborted) */
  ask(question: Question, signal: AbortSignal): Promise<Answer | undefined>;
  /** the turn's messages to the view */
  post(m: HostToWebview): void;
  /** the user's sentence for a failure */
  errorMessage(e: unknown): string;
  log: { warn(m: string): void; error(m: string | Error): void };
  clock?: Clock;
}

export interface TurnOutcome {
  /** the answer passed MAX_TURN_TEXT: the rest was dropped and the request stopped */
  truncated: boolean;
}

/**
 * Runs `turn` (already in its conversation, status 'streaming') and leaves in it how it ended.
 * Aborting `controller` ends it in any state: getting its client, waiting for an answer, streaming.
 * While it runs, `parts()` is what the view has been sent.
 */
export class TurnRun {
  private readonly live: LiveParts;
  private truncated = false;
  /** when the view hears of the turn (turnStart) */
  private readonly announcer: TurnAnnouncer;

  constructor(
    private readonly env: TurnEnv,
    readonly turn: StoredTurn,
    private readonly history: readonly StoredTurn[],
    readonly controller: AbortController,
    private readonly continuing = false,
  ) {
    this.live = new LiveParts(turn.parts);
    this.announcer = new TurnAnnouncer(this.clock, () => this.env.post({ type: 'turnStart', turn: { ...viewOf(this.turn), parts: this.parts() } }));
  }

  parts(): TurnPart[] {
    return this.live.snapshot();
  }

  private get clock(): Clock {
    return this.env.clock ?? realClock;
  }

  async run(): Promise<TurnOutcome> {
    this.announcer.start();
    try {
      return await this.runTurn();
    } finally {
      this.announcer.stop();
    }
  }

  private async runTurn(): Promise<TurnOutcome> {
    const { env, turn } = this;
    const signal = this.controller.signal;
    // What the system prompt says (the instructions file is read for it) is read beside getting
    // the client, not after: both shape the request, neither needs the other.
    const system = env.system();
    system.catch(() => undefined); // a turn that ends before using it leaves no unhandled rejection
    const cc = await env.client();
    if (signal.aborted) return this.stopped();
    if ('error' in cc) return this.fail(cc.error);

    const info = getModelInfo(cc.model);
    const built = buildMessages({
      history: this.history,
      current: turn,
      contextWindow: info.contextWindow,
      reserveForAnswer: Math.min(info.maxOutputTokens, 8192),
      system: await system,
      continueFrom: this.continuing ? joinedText(turn.parts, 'text') : undefined,
    });
    if (signal.aborted) return this.stopped();
    if (built.droppedTurns > 0) {
      turn.trimmedTurns = built.droppedTurns;
      this.post({ type: 'historyTrimmed', turnId: turn.id, droppedTurns: built.droppedTurns });
    }
    const confirmAbove = env.confirmAboveTokens();
    if (confirmAbove > 0 && built.promptTokens > confirmAbove) {
      const costUsd = estimateCost(cc.model, { promptTokens: built.promptTokens, completionTokens: 0, totalTokens: built.promptTokens }) ?? null;
      this.announcer.show();
      const answer = await env.ask({ kind: 'largeContext', tokens: built.promptTokens, costUsd, contextWindow: info.contextWindow }, signal);
      if (answer?.kind !== 'largeContext' || !answer.send || signal.aborted) return this.stopped();
    }
    return this.stream(cc.client, { model: cc.model, messages: built.messages, thinking: env.thinking(cc.model) });
  }

  private async stream(client: ChatStreamer, req: ChatRequest): Promise<TurnOutcome> {
    const { env, turn, live } = this;
    const signal = this.controller.signal;
    const batcher = new DeltaBatcher((b) => {
      // the view applies a batch's reasoning before its text: so do the parts
      if (b.reasoning) live.append('reasoning', b.reasoning);
      if (b.text) live.append('text', b.text);
      // The first words come with the turn itself (its parts hold them): one message for the view
      // to apply and one frame to draw, as for a single chunk posted to a bare webview.
      if (!this.announcer.shown) return this.announcer.show();
      this.env.post({ type: 'delta', turnId: turn.id, ...b });
    }, undefined, this.clock);
    // Past the cap the rest is dropped and the request stopped: the view and the conversation
    // file take at most MAX_TURN_TEXT, and a server sending more is not worth paying for.
    const room = { text: MAX_TURN_TEXT - live.length('text'), reasoning: MAX_TURN_TEXT - live.length('reasoning') };
    const add = { text: (t: string) => batcher.addText(t), reasoning: (t: string) => batcher.addReasoning(t) };
    let usage: Usage | undefined;
    try {
      const result = await client.streamChat(req, {
        signal,
        onEvent: (e) => {
          if (e.type === 'usage') usage = e.usage;
          if ((e.type !== 'text' && e.type !== 'reasoning') || this.truncated) return;
          if (e.text.length > room[e.type]) {
            add[e.type](cutText(e.text, room[e.type]));
            this.truncated = true;
            this.controller.abort();
            return;
          }
          room[e.type] -= e.text.length;
          add[e.type](e.text);
        },
      });
      batcher.flush();
      this.announcer.show(); // an answer with no words: shown now, as it started
      turn.parts = live.snapshot();
      turn.status = 'done';
      turn.finishReason = result.finishReason ?? 'stop';
      const u = usage ?? result.usage;
      turn.usage = viewUsage(u);
      turn.costUsd = u ? (u.usdSpent ?? estimateCost(req.model, u) ?? null) : undefined;
      // A custom server with no qwen.model: name the model the client chose (its first), or the
      // one the answer names when the request named none.
      const answeredBy = turn.model ? undefined : (result.requestedModel || result.model || undefined)?.slice(0, 200);
      if (answeredBy) turn.model = answeredBy;
      this.post({ type: 'turnEnd', turnId: turn.id, finishReason: turn.finishReason, usage: turn.usage, costUsd: turn.costUsd, ...(answeredBy ? { model: answeredBy } : {}) });
      return this.outcome();
    } catch (e) {
      batcher.flush();
      turn.parts = live.snapshot();
      if (signal.aborted || (isQwenError(e) && e.kind === 'aborted')) return this.stopped();
      env.log.error(e instanceof Error ? e : String(e));
      return this.fail(turnError(e, env.errorMessage(e)));
    } finally {
      batcher.dispose();
    }
  }

  /** A message about the turn: the view hears of the turn itself first. */
  private post(m: HostToWebview): void {
    this.announcer.show();
    this.env.post(m);
  }

  private stopped(): TurnOutcome {
    this.announcer.show();
    this.turn.status = 'stopped';
    this.turn.finishReason = 'cancelled';
    this.post({ type: 'turnEnd', turnId: this.turn.id, finishReason: 'cancelled' });
    return this.outcome();
  }

  private fail(error: TurnError): TurnOutcome {
    this.announcer.show();
    this.turn.status = 'error';
    this.turn.error = error;
    this.post({ type: 'turnError', turnId: this.turn.id, error });
    return this.outcome();
  }

  private outcome(): TurnOutcome {
    if (this.truncated) {
      this.turn.truncatedAt = this.live.length('text');
      this.env.log.warn(`The answer passed ${MAX_TURN_TEXT} characters: the rest was dropped and the request stopped.`);
    }
    return { truncated: this.truncated };
  }
}

/** A failed request as the turn shows it: the sentence and what the user can do about it. */
export function turnError(e: unknown, message: string): TurnError {
  return { message, actions: isQwenError(e) ? errorActions(e).slice(0, 4) : ['retry', 'showLog'] };
}
