import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import type { ChatMode, CodeAction, ContextChip, ErrorAction, HostToWebview, ViewState, WebviewToHost } from '../protocol/messages';
import { AgentTask, type AgentEnv } from '../agent/task';
import type { AgentSystemInfo, ToolHost } from '../agent/types';
import { joinedText } from '../protocol/parts';
import { errorText } from '../qwen/messages';
import { isQwenError } from '../qwen';
import { Commands, Settings, WALKTHROUGH } from '../constants';
import { isUnavailable, type Services } from '../services';
import { conversationMarkdown } from '../turns/markdown';
import type { Clock } from '../turns/batcher';
import { TurnRun, type TurnEnv } from '../turns/runner';
import type { StoredTurn } from '../turns/turn';
import type { ContextCollector } from './context';
import { Conversations } from './conversations';
import { ModelChoice } from './modelChoice';
import { Questions, type Post } from './questions';
import type { ConversationStore } from './store';

export type { Post } from './questions';

/** What the chat needs of the agent's VS Code side (core.ts builds it). */
export interface AgentLink {
  host: ToolHost;
  system(): Promise<AgentSystemInfo>;
  /** Run / Skip, Accept / Reject: decides what the task waits for (only call `callId`, if given) */
  decide(approve: boolean, callId?: string): Promise<boolean>;
  /** Undo Agent Task for a conversation */
  undoTask(conversationId: string): Promise<void>;
  /** opens a file a tool row names */
  openPath(path: string): Promise<void>;
}

/** What a code block's Copy, Insert and Apply buttons do (core.ts decides). */
export type CodeActionRunner = (action: CodeAction, code: string, language: string) => Promise<void>;

/**
 * The chat view's host side: routes the view's messages to the conversation, the model choice
 * and the turn that runs, and owns that turn's cancellation. The view is just a mirror that can
 * close and reopen at any time.
 */
export class ChatController implements vscode.Disposable {
  private readonly conversations: Conversations;
  private readonly models: ModelChoice;
  private readonly questions: Questions;
  /** the turn streaming now, or the agent task running now */
  private running: TurnRun | AgentTask | undefined;
  /** the composer's Ask / Agent switch */
  private mode: ChatMode = 'ask';
  private post: Post = () => false;
  /** the active provider needs a key and none is stored: the empty view offers Set API Key */
  private needsApiKey = false;
  private keyChecked: Promise<void>;
  private readonly subs: vscode.Disposable[] = [];
  /**
   * Tests only: the timers the turns' batching runs on, and a look at every message a turn posts
   * to the view (integration tests read the timeline of a turn's posts through it).
   */
  readonly testHooks: { clock?: Clock; posted?: (m: HostToWebview) => void } = {};
  /**
   * When the running turn's first few messages were posted to the view (Date.now()), for the
   * first-text bench (qwen.internal.postTimes): it compares them with when the page got them.
   */
  postTimes: Array<{ type: string; at: number }> = [];

  constructor(
    private readonly services: Services,
    store: ConversationStore,
    private readonly context: ContextCollector,
    private readonly codeAction: CodeActionRunner,
    private readonly agent?: AgentLink,
  ) {
    this.conversations = new Conversations(store, services.log, (id) => (this.running?.turn.id === id ? this.running.parts() : undefined));
    this.models = new ModelChoice(services, () => this.pushState());
    this.questions = new Questions(() => this.post);
    this.keyChecked = this.checkKey();
    this.subs.push(
      services.keys.onDidChange(() => void this.checkKey()),
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(`${Settings.section}.${Settings.provider}`) && void this.checkKey()),
    );
  }

  /** Settles once the view's first state knows whether a key is needed. */
  get keyKnown(): Promise<void> {
    return this.keyChecked;
  }

  private checkKey(): Promise<void> {
    return (this.keyChecked = (async () => {
      const preset = this.services.preset();
      let needs = false;
      if (preset.requiresKey) {
        try {
          needs = (await this.services.keys.get(preset.id, preset.envVar)).source === 'none';
        } catch {
          needs = false; // an unreadable keyring: the first question's error says so, with what to do
        }
      }
      if (needs === this.needsApiKey) return;
      this.needsApiKey = needs;
      this.pushState();
    })());
  }

  /** Settles once the last conversation of this workspace is back (or there was none). */
  get restored(): Promise<void> {
    return this.conversations.restored;
  }

  attach(post: Post): void {
    this.post = post;
  }

  /** The view is gone: questions it was asking are asked in a dialog instead. */
  detach(): void {
    this.post = () => false;
    this.questions.viewClosed();
  }

  /** A fresh page (reloaded, or rebuilt after a message it could not take) lost any question it showed. */
  viewRebuilt(): void {
    this.questions.viewRebuilt();
  }

  get isStreaming(): boolean {
    return !!this.running;
  }

  state(): ViewState {
    const conv = this.conversations.current;
    return {
      conversationId: conv.turns.length ? conv.id : null,
      conversations: this.conversations.list(),
      turns: this.conversations.viewTurns(),
      ...this.models.state(),
      context: this.context.chips(),
      streaming: !!this.running,
      needsApiKey: this.needsApiKey,
      mode: this.mode,
    };
  }

  pushState(): void {
    this.post({ type: 'state', state: this.state() });
  }

  async handle(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'resync':
        return; // the provider sends init
      case 'send':
        return this.ask(m.text, await this.context.take(m.contextIds));
      case 'stop':
        return this.stop();
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        if (this.running) this.stop();
        if (await this.conversations.open(m.id)) this.pushState();
        return;
      case 'deleteConversation':
        if (m.id === this.conversations.current.id) this.stop();
        await this.conversations.delete(m.id);
        return this.pushState();
      case 'regenerate':
        return this.rerun(m.turnId, undefined, false);
      case 'editAndResend':
        return this.rerun(m.turnId, m.text, false);
      case 'continue':
        return this.rerun(m.turnId, undefined, true);
      case 'copyConversation':
        await vscode.env.clipboard.writeText(this.asMarkdown());
        this.post({ type: 'notice', text: vscode.l10n.t('Conversation copied as Markdown.'), kind: 'info' });
        return;
      case 'codeAction':
        return this.codeAction(m.action, m.code, m.language);
      case 'selectModel':
        await vscode.workspace.getConfiguration(Settings.section).update(Settings.model, m.model, vscode.ConfigurationTarget.Global);
        return this.pushState();
      case 'setThinking':
        this.post({ type: 'thinking', thinking: this.models.setThinking(m.enabled, m.budget) });
        return;
      case 'removeContext':
        this.context.remove(m.id);
        this.post({ type: 'context', chips: this.context.chips() });
        return;
      case 'requestMentions':
        this.post({ type: 'mentionCandidates', requestId: m.requestId, items: await this.context.mentionCandidates(m.query) });
        return;
      case 'addMention':
        await this.context.addMention(m.id, m.kind);
        this.post({ type: 'context', chips: this.context.chips() });
        return;
      case 'errorAction':
        return this.errorAction(m.action, m.turnId);
      case 'openWalkthrough':
        await vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH, false);
        return;
      case 'answer':
        return this.questions.answered(m.requestId, m.answer);
      case 'setMode':
        return this.setMode(m.mode);
      case 'toolDecision':
        if (this.running?.turn.id === m.turnId) await this.agent?.decide(m.approve, m.callId);
        return;
      case 'undoTask':
        return this.undoTask();
      case 'openPath':
        return this.agent?.openPath(m.path);
      case 'openLink':
        await vscode.env.openExternal(vscode.Uri.parse(m.href, true));
        return;
      case 'log':
        this.services.log.write(m.level, `webview: ${m.message}`);
        return;
    }
  }

  get chatMode(): ChatMode {
    return this.mode;
  }

  /** The composer's switch; the view is told (it may be the palette that changed it). */
  setMode(mode: ChatMode): void {
    this.mode = mode;
    this.post({ type: 'mode', mode });
  }

  /** Whether an agent task runs now (Approve / Deny Agent Action have something to act on). */
  get agentRunning(): boolean {
    return this.running instanceof AgentTask;
  }

  /** Undo Agent Task for the current conversation: never while a task is still changing files. */
  async undoTask(): Promise<void> {
    if (this.running instanceof AgentTask) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Stop the running agent task before undoing it.'));
      return;
    }
    await this.agent?.undoTask(this.conversations.current.id);
  }

  newChat(): void {
    this.stop();
    this.conversations.startNew();
    this.pushState();
  }

  /** Ends the running turn whatever it is doing: getting a client, waiting for an answer, streaming. */
  stop(): void {
    this.running?.controller.abort();
  }

  /** Asks a question in the current conversation, with context text gathered by the caller. */
  async ask(question: string, context: { chips: ContextChip[]; text: string }, viewShown?: Promise<void>, mode: ChatMode = this.mode): Promise<void> {
    await this.restored;
    if (this.running) this.stop();
    const turn: StoredTurn = {
      id: randomUUID(),
      question,
      context: context.chips,
      contextText: context.text || undefined,
      parts: [],
      status: 'streaming',
      model: this.services.modelFor(),
      ...(mode === 'agent' && this.agent ? { mode: 'agent' as const } : {}),
    };
    this.conversations.add(turn);
    await this.run(turn, this.conversations.current.turns.slice(0, -1), false, viewShown);
  }

  private async rerun(turnId: string, newQuestion: string | undefined, continuing: boolean): Promise<void> {
    await this.restored;
    const turns = this.conversations.current.turns;
    const idx = turns.findIndex((t) => t.id === turnId);
    if (idx < 0) return;
    if (this.running) this.stop();
    const old = turns[idx]!;
    const turn: StoredTurn = {
      ...old,
      question: newQuestion ?? old.question,
      parts: continuing ? old.parts : [],
      status: 'streaming',
      error: undefined,
      usage: undefined,
      costUsd: undefined,
      finishReason: undefined,
      model: this.services.modelFor(),
      ...(continuing ? {} : { steps: undefined, agentStop: undefined, compacted: undefined }),
    };
    this.conversations.replaceFrom(idx, turn);
    await this.run(turn, turns.slice(0, idx), continuing);
  }

  /** `viewShown`: the view is being revealed beside the request; a question waits for it. */
  private async run(turn: StoredTurn, history: StoredTurn[], continuing: boolean, viewShown?: Promise<void>): Promise<void> {
    // Tracked from the start, not from the first byte: Stop (the view's or the command's) must end
    // a turn that is still getting its client or waiting for a large-context answer.
    this.postTimes = [];
    const agent = turn.mode === 'agent' && this.agent;
    const tracked = this.services.streams.begin(agent ? vscode.l10n.t('agent task') : vscode.l10n.t('chat'));
    const run = agent
      ? new AgentTask(this.agentEnv(agent), turn, history, tracked.controller, continuing, usedCallIds(history))
      : new TurnRun(this.turnEnv(viewShown), turn, history, tracked.controller, continuing);
    this.running = run;
    let truncated = false;
    try {
      truncated = run instanceof TurnRun ? (await run.run()).truncated : (await run.run(), false);
    } finally {
      this.services.streams.end(tracked);
      if (this.running === run) this.running = undefined;
      // The note belongs in the turn on screen too.
      if (truncated) this.pushState();
      await this.conversations.persist();
      this.post({ type: 'conversations', conversations: this.conversations.list() });
    }
  }

  private agentEnv(agent: AgentLink): AgentEnv {
    const env = this.turnEnv();
    const config = () => vscode.workspace.getConfiguration(Settings.section);
    let saving: Promise<void> | undefined;
    return {
      client: env.client,
      system: async () => ({ ...(await agent.system()), customInstructions: await this.context.instructions() }),
      host: agent.host,
      maxSteps: () => Math.max(1, Math.floor(config().get<number>('agent.maxSteps', 25) || 25)),
      maxCostUsd: () => Math.max(0, config().get<number>('agent.maxCostUsd', 0) || 0),
      scrub: (text) => this.services.log.scrub(text),
      post: env.post,
      errorMessage: env.errorMessage,
      log: env.log,
      clock: env.clock,
      // Each step is saved, so a window reload mid-task shows the rows it had (as interrupted).
      onStep: () => {
        saving ??= this.conversations.persist().finally(() => (saving = undefined));
      },
    };
  }

  private turnEnv(viewShown?: Promise<void>): TurnEnv {
    const { services } = this;
    return {
      client: async () => {
        const cc = await services.client({ interactive: true });
        if (!isUnavailable(cc)) return cc;
        const why = cc.unavailable;
        const message =
          why === 'missingKey'
            ? vscode.l10n.t('No API key is set for {0}. Set one to start (nothing was sent).', services.preset().label)
            : why === 'insecureHttp'
              ? vscode.l10n.t('Not sent: the server address uses plain http and was not allowed.')
              : why === 'secretStore'
                ? vscode.l10n.t('VS Code could not read your API key from the system keyring. Install and unlock a keyring (for example gnome-keyring or KWallet), or set the key in an environment variable instead.')
                : vscode.l10n.t('Set "qwen.baseUrl" to your server\'s OpenAI-compatible address (for example http://localhost:11434/v1) to use a custom provider.');
        return { error: { message, actions: why === 'missingKey' ? ['setApiKey'] : ['openSettings'] } };
      },
      system: async () => ({ locale: vscode.env.language, workspaceName: vscode.workspace.name, customInstructions: await this.context.instructions() }),
      confirmAboveTokens: () => vscode.workspace.getConfiguration(Settings.section).get<number>('chat.confirmAboveTokens', 100_000),
      thinking: (model) => this.models.requestThinking(model),
      ask: async (question, signal) => {
        if (viewShown) await viewShown;
        return signal.aborted ? undefined : this.questions.ask(question, signal);
      },
      post: (m) => {
        this.testHooks.posted?.(m);
        this.post(m);
        if (this.postTimes.length < 8) this.postTimes.push({ type: m.type, at: Date.now() });
      },
      clock: this.testHooks.clock,
      errorMessage: (e) => (isQwenError(e) ? errorText(e, vscode.env.language) : vscode.l10n.t('Something went wrong: {0}', services.log.scrub(String((e as Error)?.message ?? e)))),
      log: services.log,
    };
  }

  private async errorAction(action: ErrorAction, turnId?: string): Promise<void> {
    switch (action) {
      case 'setApiKey':
        await vscode.commands.executeCommand(Commands.setApiKey);
        return;
      case 'openSettings':
        await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:qwen-coder.qwen-coder');
        return;
      case 'selectModel':
        await vscode.commands.executeCommand(Commands.selectModel);
        this.pushState();
        return;
      case 'showLog':
        this.services.log.show();
        return;
      case 'retry':
        if (turnId) await this.rerun(turnId, undefined, false);
        return;
      case 'removeFlagged': {
        // The flagged question stays visible but is never sent again, so the conversation can go on.
        const t = this.conversations.current.turns.find((x) => x.id === turnId);
        if (t) {
          t.excluded = true;
          t.error = { message: vscode.l10n.t('This message was removed from the conversation after a content-moderation refusal.'), actions: [] };
          await this.conversations.persist();
          this.pushState();
        }
        return;
      }
    }
  }

  /**
   * The turns as the view shows them, each with its answer and reasoning joined (integration
   * tests and the benches read these).
   */
  turns() {
    return this.conversations.viewTurns().map((t) => ({ ...t, answer: joinedText(t.parts, 'text'), reasoning: joinedText(t.parts, 'reasoning') }));
  }

  get conversationId(): string {
    return this.conversations.current.id;
  }

  asMarkdown(): string {
    return conversationMarkdown(this.conversations.current, { question: vscode.l10n.t('Question'), reasoning: vscode.l10n.t('Reasoning'), answer: vscode.l10n.t('Answer') });
  }

  dispose(): void {
    this.stop();
    this.questions.dispose();
    for (const s of this.subs) s.dispose();
  }
}

/** Tool-call ids of earlier turns: a new task's ids must not repeat them. */
function usedCallIds(history: readonly StoredTurn[]): string[] {
  return history.flatMap((t) => t.parts.flatMap((p) => (p.kind === 'toolCall' ? [p.id] : [])));
}
