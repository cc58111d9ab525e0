// One agent task from the user's request to its end. Each step sends the conversation with the
// tools, streams the answer into the turn (text and reasoning as in a chat turn), assembles the
// tool calls (native, or Qwen's XML in the text), runs them one at a time through the tool host,
// and sends the results back as `tool` messages. It ends when the model answers without a call,
// the user stops it, a limit stops it (steps, a repeated call, cost) or a request fails.
// No vscode: the client, the tools and the view come in through AgentEnv.
import type { AgentStop, HostToWebview, ToolCallPart, ToolFacts, TurnError } from '../protocol/messages';
import { agentSystemPrompt } from '../prompts/agent';
import { estimateCost, getModelInfo } from '../qwen/catalog';
import { isQwenError } from '../qwen/errors';
import type { ChatMessage, ToolCall, Usage } from '../qwen/types';
import { DeltaBatcher, realClock, type Clock } from '../turns/batcher';
import { LiveParts } from '../turns/liveParts';
import { buildMessages } from '../turns/promptMessages';
import { TurnAnnouncer } from '../turns/announcer';
import { turnError, type ChatStreamer } from '../turns/runner';
import { viewOf, viewUsage, type StoredTurn } from '../turns/turn';
import { parseCallArgs } from './callArgs';
import { CallIds } from './callIds';
import { LoopGuard } from './loopGuard';
import { cutResult } from './results';
import { TaskMessages } from './taskMessages';
import { toolDefinitions } from './toolSpecs';
import { isToolName, type AgentSystemInfo, type ToolHost, type ToolName, type ToolOutcome } from './types';
import { findCallMarkup, parseXmlCalls } from './xmlCalls';

export interface AgentEnv {
  client(): Promise<{ client: ChatStreamer; model: string } | { error: TurnError }>;
  system(): Promise<AgentSystemInfo>;
  host: ToolHost;
  /** model requests before the task stops and offers Continue */
  maxSteps(): number;
  /** 0 = no limit */
  maxCostUsd(): number;
  /** removes stored keys from a tool result before the model sees it */
  scrub(text: string): string;
  post(m: HostToWebview): void;
  errorMessage(e: unknown): string;
  log: { warn(m: string): void; error(m: string | Error): void };
  clock?: Clock;
  /** bench and tests: called after each step with the time the runner itself spent on it */
  onStep?(info: { step: number; ownMs: number }): void;
}

/** A sentence for a model that cannot call tools, instead of an agent that silently does nothing. */
export const NO_TOOLS_MESSAGE = (model: string) =>
  `${model} cannot call tools on this server, so it cannot work as an agent. Choose a model that can (for example qwen3-coder-plus), or use Ask mode.`;

const now = () => performance.now();

export class AgentTask {
  private readonly live: LiveParts;
  private readonly loop = new LoopGuard();
  private readonly ids: CallIds;
  private usage: Usage | undefined;
  private costUsd: number | null = 0;
  private steps: number;
  private messages: TaskMessages | undefined;
  private emptyToolStep = 0;
  private answeredBy: string | undefined;
  /** when the view hears of the task (turnStart), as of a chat turn */
  private readonly announcer: TurnAnnouncer;

  /**
   * `turn`: in its conversation, status 'streaming', mode 'agent'; `continuing`: its parts are a
   * stopped or interrupted task to go on with. `usedIds`: tool-call ids of earlier turns.
   */
  constructor(
    private readonly env: AgentEnv,
    readonly turn: StoredTurn,
    private readonly history: readonly StoredTurn[],
    readonly controller: AbortController,
    private readonly continuing = false,
    usedIds: Iterable<string> = [],
  ) {
    this.live = new LiveParts(turn.parts);
    this.announcer = new TurnAnnouncer(this.clock, () => this.env.post({ type: 'turnStart', turn: { ...viewOf(this.turn), parts: this.parts() } }));
    this.ids = new CallIds(usedIds);
    for (const p of turn.parts) if (p.kind === 'toolCall') this.ids.claim(p.id, turn.id, 0, 0);
    this.steps = continuing ? (turn.steps ?? 0) : 0;
    if (continuing && turn.usage) this.usage = { ...turn.usage };
    if (continuing) this.costUsd = turn.costUsd ?? null;
  }

  parts() {
    return this.live.snapshot();
  }

  private get clock(): Clock {
    return this.env.clock ?? realClock;
  }

  async run(): Promise<void> {
    this.announcer.start();
    try {
      await this.runTask();
    } finally {
      this.announcer.stop();
    }
  }

  private async runTask(): Promise<void> {
    const { env, turn } = this;
    const signal = this.controller.signal;
    turn.mode = 'agent';
    turn.agentStop = undefined;
    const systemInfo = env.system();
    systemInfo.catch(() => undefined);
    const cc = await env.client();
    if (signal.aborted) return this.stopped();
    if ('error' in cc) return this.fail(cc.error);
    const info = getModelInfo(cc.model);
    const sys = await systemInfo.catch(() => undefined);
    if (!sys) return this.fail({ message: 'The workspace could not be read.', actions: ['showLog'] });
    const tools = env.host.available();
    const definitions = toolDefinitions(tools);
    const reserve = Math.min(info.maxOutputTokens, 8192);
    const built = buildMessages({ history: this.history, current: turn, contextWindow: info.contextWindow, reserveForAnswer: reserve });
    const start: ChatMessage[] = [{ role: 'system', content: agentSystemPrompt(sys) }, ...built.messages.slice(1)];
    const messages = (this.messages = new TaskMessages(start));
    if (this.continuing) {
      messages.replay(turn.parts);
      if (messages.endsWithAssistant()) messages.addUser('Continue the task.');
      else messages.addUser('Continue the task where you left off.');
    }
    // Tools are billed as input on every request: counted once into the budget.
    const budget = Math.max(1000, info.contextWindow - reserve - Math.ceil(JSON.stringify(definitions).length / 3.5));
    const stepLimit = this.steps + Math.max(1, env.maxSteps());

    for (;;) {
      if (signal.aborted) return this.stopped();
      if (this.steps >= stepLimit) return this.halt('maxSteps');
      const stepStart = now();
      const compacted = messages.compact(Math.floor(budget * 0.85));
      if (compacted) env.log.warn(`Agent task: ${compacted} older tool results shortened to fit the context window.`);
      const maxCost = env.maxCostUsd();
      if (maxCost > 0 && this.costUsd !== null) {
        const next = estimateCost(cc.model, { promptTokens: messages.tokens, completionTokens: 0, totalTokens: messages.tokens }) ?? 0;
        if (this.costUsd + next > maxCost) return this.halt('maxCost');
      }
      this.steps++;
      let step: StepResult;
      let ownMs = now() - stepStart;
      try {
        step = await this.streamStep(cc.client, { model: cc.model, messages: messages.list, tools: definitions, toolChoice: 'auto', promptCache: true });
      } catch (e) {
        if (signal.aborted || (isQwenError(e) && e.kind === 'aborted')) return this.stopped();
        env.log.error(e instanceof Error ? e : String(e));
        if (isQwenError(e) && e.status === 400 && /tool|function/i.test(`${e.serverMessage ?? ''} ${e.message}`)) {
          return this.fail({ message: NO_TOOLS_MESSAGE(cc.model), actions: ['selectModel'] });
        }
        return this.fail(turnError(e, env.errorMessage(e)));
      }
      const afterStream = now();
      this.addUsage(cc.model, step.usage);
      this.progress(messages.compactedCount);
      const calls = step.calls;
      messages.addAssistant(step.text, calls);
      if (calls.length === 0) {
        // vLLM's parser sometimes says `tool_calls` and sends none (vllm #33965): one nudge, then
        // the answer stands as it is.
        if (step.finishReason === 'tool_calls' && !step.text.trim() && this.emptyToolStep++ === 0) {
          messages.addUser('Your last reply said it called a tool, but no tool call arrived. Call the tool again with its arguments, or answer.');
          continue;
        }
        return this.done(step.finishReason);
      }
      this.emptyToolStep = 0;
      ownMs += now() - afterStream;
      for (let i = 0; i < calls.length; i++) {
        const call = calls[i]!;
        if (signal.aborted) {
          this.settle(call, { status: 'denied', content: 'Not run: the user stopped the task.' });
          continue;
        }
        const t0 = now();
        const looping = this.loop.repeated(call.function.name, call.function.arguments);
        if (looping) {
          this.settle(call, { status: 'error', content: 'Not run: the same call was made three times in a row, so the task stopped.' });
          for (const rest of calls.slice(i + 1)) this.settle(rest, { status: 'denied', content: 'Not run: the task stopped.' });
          this.env.onStep?.({ step: this.steps, ownMs: ownMs + now() - t0 });
          return this.halt('loop');
        }
        const outcome = await this.runCall(call, tools);
        const t1 = now();
        this.settle(call, outcome);
        ownMs += now() - t1;
      }
      env.onStep?.({ step: this.steps, ownMs });
      if (signal.aborted) return this.stopped();
    }
  }

  // ------------------------------------------------------------------ one step

  private async streamStep(client: ChatStreamer, req: Parameters<ChatStreamer['streamChat']>[0]): Promise<StepResult> {
    const { env, turn, live } = this;
    const batcher = new DeltaBatcher((b) => {
      if (b.reasoning) live.append('reasoning', b.reasoning);
      if (b.text) live.append('text', b.text);
      // The first words come with the task itself (its parts hold them): one message, one frame.
      if (!this.announcer.shown) return this.announcer.show();
      env.post({ type: 'delta', turnId: turn.id, ...b });
    }, undefined, this.clock);
    // Text is shown as it comes, except from where Qwen's XML call markup may begin: that is held
    // until the step ends, then dropped when it was a call, or shown when it was not.
    let text = '';
    let shown = 0;
    let holding = false;
    let usage: Usage | undefined;
    try {
      const result = await client.streamChat(req, {
        signal: this.controller.signal,
        onEvent: (e) => {
          if (e.type === 'usage') usage = e.usage;
          else if (e.type === 'reasoning') batcher.addReasoning(e.text);
          else if (e.type === 'text') {
            // Only the new text and the few characters before it are looked at: linear per chunk.
            const from = Math.max(shown, text.length - 16);
            text += e.text;
            if (holding) return;
            const mark = findCallMarkup(text.slice(from));
            if (mark?.sure) holding = true;
            const until = mark ? from + mark.at : text.length;
            if (until > shown) {
              batcher.addText(text.slice(shown, until));
              shown = until;
            }
          }
        },
      });
      let calls = result.toolCalls.filter((c) => c.function.name || c.function.arguments);
      if (calls.length === 0 && shown < text.length) {
        const xml = parseXmlCalls(text.slice(shown));
        if (xml.length) calls = xml.map((x, i) => ({ id: '', type: 'function', function: { name: x.name, arguments: x.arguments }, index: i }) as ToolCall);
        else {
          batcher.addText(text.slice(shown));
          shown = text.length;
        }
      }
      batcher.flush();
      // A custom server with no qwen.model: the turn names the model that answered, as a chat turn does.
      if (!this.turn.model && !this.answeredBy) this.answeredBy = (result.requestedModel || result.model || undefined)?.slice(0, 200);
      const visible = text.slice(0, shown);
      return { text: visible, calls: this.register(calls), usage: usage ?? result.usage, finishReason: result.finishReason ?? 'stop' };
    } catch (e) {
      batcher.flush();
      throw e;
    } finally {
      batcher.dispose();
    }
  }

  /** Gives each call its conversation-unique id and its row (status running until it is settled). */
  private register(calls: readonly ToolCall[]): ToolCall[] {
    return calls.map((c, i) => {
      const id = this.ids.claim(c.id, this.turn.id, this.steps, i);
      const name = c.function.name || 'unknown';
      const part: ToolCallPart = { kind: 'toolCall', id, name: name.slice(0, 200), args: c.function.arguments, status: 'running', step: this.steps };
      this.live.addTool(part);
      this.post({ type: 'toolCall', turnId: this.turn.id, part });
      return { id, type: 'function', function: { name: c.function.name, arguments: c.function.arguments } };
    });
  }

  private async runCall(call: ToolCall, tools: readonly ToolName[]): Promise<ToolOutcome> {
    const name = call.function.name;
    if (!isToolName(name)) return { status: 'error', content: `There is no tool named "${name}". The tools are: ${tools.join(', ')}.` };
    if (!tools.includes(name)) return { status: 'error', content: `${name} is not available in this workspace (it is not trusted), so nothing was run.` };
    const parsed = parseCallArgs(name, call.function.arguments);
    if ('error' in parsed) return { status: 'error', content: parsed.error };
    try {
      return await this.env.host.run(
        { id: call.id, name, args: parsed.args },
        {
          signal: this.controller.signal,
          taskId: this.turn.id,
          progress: (status, facts) => this.update(call.id, { status, ...(facts ? { facts } : {}) }),
        },
      );
    } catch (e) {
      this.env.log.error(e instanceof Error ? e : String(e));
      return { status: 'error', content: `The tool failed: ${this.env.scrub(String((e as Error)?.message ?? e))}` };
    }
  }

  /** The call's result goes to the model (scrubbed, cut) and to its row. */
  private settle(call: ToolCall, outcome: ToolOutcome): void {
    const { text, cut } = cutResult(this.env.scrub(outcome.content), call.function.name);
    this.messages!.addToolResult(call.id, text);
    const facts: ToolFacts | undefined = cut ? { ...outcome.facts, truncated: true } : outcome.facts;
    this.update(call.id, { status: outcome.status, result: text, ...(facts ? { facts } : {}) });
  }

  private update(id: string, patch: Partial<Omit<ToolCallPart, 'kind' | 'id'>>): void {
    const part = this.live.updateTool(id, patch);
    if (part) this.post({ type: 'toolCall', turnId: this.turn.id, part });
  }

  private addUsage(model: string, u: Usage | undefined): void {
    if (!u) return;
    const sum = this.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    sum.promptTokens += u.promptTokens;
    sum.completionTokens += u.completionTokens;
    sum.totalTokens += u.totalTokens;
    if (u.cachedTokens) sum.cachedTokens = (sum.cachedTokens ?? 0) + u.cachedTokens;
    if (u.reasoningTokens) sum.reasoningTokens = (sum.reasoningTokens ?? 0) + u.reasoningTokens;
    this.usage = sum;
    const cost = u.usdSpent ?? estimateCost(model, u);
    this.costUsd = cost === undefined || this.costUsd === null ? null : this.costUsd + cost;
  }

  private progress(compacted: number): void {
    // Kept on the turn as they grow: a view that opens mid-task, and a task saved after a step, have them.
    this.turn.steps = this.steps;
    this.turn.usage = viewUsage(this.usage);
    if (this.usage) this.turn.costUsd = this.costUsd;
    if (compacted) this.turn.compacted = compacted;
    this.post({ type: 'agentProgress', turnId: this.turn.id, steps: this.steps, usage: viewUsage(this.usage), costUsd: this.costUsd, ...(compacted ? { compacted } : {}) });
  }

  // ------------------------------------------------------------------ endings

  private finish(status: StoredTurn['status'], finishReason: string): void {
    this.announcer.show();
    const { turn } = this;
    if (this.answeredBy && !turn.model) turn.model = this.answeredBy;
    turn.parts = this.live.snapshot();
    turn.status = status;
    turn.finishReason = finishReason;
    turn.steps = this.steps;
    turn.usage = viewUsage(this.usage);
    turn.costUsd = this.usage ? this.costUsd : turn.costUsd;
  }

  private done(finishReason: string): void {
    this.finish('done', finishReason);
    this.post({ type: 'turnEnd', turnId: this.turn.id, finishReason, steps: this.steps, usage: this.turn.usage, costUsd: this.turn.costUsd, ...(this.answeredBy ? { model: this.answeredBy } : {}) });
  }

  /** A message about the task: the view hears of the task itself first. */
  private post(m: HostToWebview): void {
    this.announcer.show();
    this.env.post(m);
  }

  /** A limit stopped the task: it is done as far as it got, and says why (the view offers Continue). */
  private halt(why: AgentStop): void {
    this.turn.agentStop = why;
    this.finish('done', 'agentStop');
    this.post({ type: 'turnEnd', turnId: this.turn.id, finishReason: 'agentStop', agentStop: why, steps: this.steps, usage: this.turn.usage, costUsd: this.turn.costUsd });
  }

  private stopped(): void {
    // Rows still waiting or running when Stop came never finished.
    for (const p of this.live.snapshot()) {
      if (p.kind === 'toolCall' && (p.status === 'pending' || p.status === 'running')) {
        this.update(p.id, { status: 'denied', result: p.result ?? 'Not run: the user stopped the task.' });
      }
    }
    this.finish('stopped', 'cancelled');
    this.post({ type: 'turnEnd', turnId: this.turn.id, finishReason: 'cancelled', usage: this.turn.usage, costUsd: this.turn.costUsd });
  }

  private fail(error: TurnError): void {
    this.finish('error', 'error');
    this.turn.error = error;
    this.post({ type: 'turnError', turnId: this.turn.id, error });
  }
}

interface StepResult {
  text: string;
  calls: ToolCall[];
  usage: Usage | undefined;
  finishReason: string;
}
