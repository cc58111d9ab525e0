import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { TurnSchema, type ContextChip, type ErrorAction, type HostToWebview, type Thinking, type TurnError, type ViewState, type WebviewToHost } from '../protocol/messages';
import { errorText } from '../errorText';
import { estimateCost, getModelInfo, isQwenError, type QwenError } from '../qwen';
import type { ChatResult, Usage } from '../qwen/types';
import { Commands, Settings } from '../constants';
import { isUnavailable, type Services } from '../services';
import { DeltaBatcher } from './batcher';
import { buildMessages, estimateTokens } from './history';
import { ConversationStore, cutText, fitTurn, MAX_TURN_TEXT, titleFrom, type Conversation, type StoredTurn } from './store';
import type { ContextCollector } from './context';

/**
 * Where the controller sends view messages; the view provider drops them while the view is closed.
 * True when a view the user can see got the message (a question there can be answered).
 */
export type Post = (m: HostToWebview) => boolean;

const ERROR_ACTIONS: Partial<Record<string, ErrorAction>> = {
  setApiKey: 'setApiKey',
  retry: 'retry',
  removeFlaggedMessage: 'removeFlagged',
  openSettings: 'openSettings',
  checkRegion: 'openSettings',
  checkProxy: 'openSettings',
  selectModel: 'selectModel',
};

/**
 * The conversation the chat view shows and the one request streaming into it. Owns turns,
 * persistence and cancellation; the view is just a mirror that can close and reopen at any time.
 */
export class ChatController implements vscode.Disposable {
  private conv: Conversation;
  /** the streaming turn; its text lives in part arrays (no per-chunk string copies) until it ends */
  private running: { turnId: string; controller: AbortController; answer: string[]; reasoning: string[] } | undefined;
  /** undefined = the model's own default */
  private thinking: { enabled?: boolean; budget: number | null } = { budget: null };
  private serverModels?: { baseUrl: string; ids: string[]; at: number };
  private fetchingModelsFor?: string;
  private post: Post = () => false;
  /** Settles once the last conversation of this workspace is back (or there was none). */
  readonly restored: Promise<void>;
  /** the conversation was replaced (New Chat, opened or deleted one) before the restore finished */
  private replaced = false;

  constructor(
    private readonly services: Services,
    private readonly store: ConversationStore,
    private readonly context: ContextCollector,
  ) {
    this.conv = this.emptyConversation();
    this.restored = this.restore();
  }

  private async restore(): Promise<void> {
    const latest = this.store.list()[0];
    const conv = latest ? await this.store.load(latest.id).catch(() => undefined) : undefined;
    // Not if the user already moved on (New Chat, another conversation) while it loaded.
    if (!conv || this.replaced || this.conv.turns.length) return;
    // A turn that was streaming when the window closed is shown as stopped, with what it had.
    for (const t of conv.turns) if (t.status === 'streaming') t.status = 'stopped';
    this.conv = this.fitForView(conv);
  }

  /**
   * A stored conversation the view cannot take would blank it at every start (the last one is
   * restored): texts over the cap are cut and say so, and a turn that still does not fit is left out.
   */
  private fitForView(conv: Conversation): Conversation {
    const turns = conv.turns.filter((t) => {
      fitTurn(t);
      const check = TurnSchema.safeParse(this.viewTurn(t));
      if (!check.success) this.services.log.warn(`A stored turn of conversation ${conv.id} cannot be shown and is left out: ${check.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return check.success;
    });
    return { ...conv, turns };
  }

  attach(post: Post): void {
    this.post = post;
  }

  /** The view is gone: questions it was asking are asked in a dialog instead. */
  detach(): void {
    this.post = () => false;
    for (const id of [...this.pendingConfirm.keys()]) this.confirmInModal(id);
  }

  /** A fresh page (reloaded, or rebuilt after a message it could not take) lost any question it showed. */
  viewRebuilt(): void {
    for (const [id, p] of this.pendingConfirm) if (!p.inModal && !this.post(p.ask)) this.confirmInModal(id);
  }

  get isStreaming(): boolean {
    return !!this.running;
  }

  // ------------------------------------------------------------------ view state

  state(): ViewState {
    const settings = this.services.settings();
    const preset = this.services.preset(settings);
    let model = this.services.modelFor(settings);
    let catalog = preset.models;
    if (catalog.length === 0) {
      // A custom server: its own models (GET /models); with no qwen.model the client uses its first.
      catalog = this.serverModelsFor(settings.baseUrl);
      model ||= catalog[0] ?? '';
    }
    const models = [...new Set([model, ...catalog].filter(Boolean))].map((id) => ({ id, label: id }));
    return {
      conversationId: this.conv.turns.length ? this.conv.id : null,
      conversations: this.store.list(),
      turns: this.conv.turns.map((t) => this.viewTurn(t)),
      models,
      model,
      thinking: this.thinkingState(model),
      context: this.context.chips(),
      streaming: !!this.running,
      needsApiKey: false,
    };
  }

  /** The models a custom server lists, fetched once per address in the background (state is pushed again then). */
  private serverModelsFor(baseUrl: string): string[] {
    const known = this.serverModels?.baseUrl === baseUrl ? this.serverModels : undefined;
    // a server that was down (empty list) is asked again after a while: it may have been started since
    if (known && (known.ids.length || Date.now() - known.at < 30_000)) return known.ids;
    if (this.fetchingModelsFor !== baseUrl) {
      this.fetchingModelsFor = baseUrl;
      void this.fetchServerModels(baseUrl);
    }
    return known?.ids ?? [];
  }

  private async fetchServerModels(baseUrl: string): Promise<void> {
    let ids: string[] = [];
    try {
      const cc = await this.services.client({ interactive: false });
      if (!isUnavailable(cc)) ids = (await cc.client.listModels({ signal: AbortSignal.timeout(5000) })).slice(0, 200);
    } catch (e) {
      this.services.log.debug(`the server's model list is unavailable: ${String((e as Error)?.message ?? e)}`);
    }
    if (this.fetchingModelsFor !== baseUrl) return; // the address changed meanwhile
    this.fetchingModelsFor = undefined;
    this.serverModels = { baseUrl, ids, at: Date.now() };
    if (ids.length) this.pushState();
  }

  private thinkingState(model: string): Thinking {
    const info = getModelInfo(model);
    return {
      capability: info.thinking,
      enabled: info.thinking === 'always' ? true : info.thinking === 'none' ? false : (this.thinking.enabled ?? !!info.thinkingByDefault),
      budget: this.thinking.budget,
      maxBudget: info.maxThinkingBudget ?? null,
    };
  }

  pushState(): void {
    this.post({ type: 'state', state: this.state() });
  }

  // ------------------------------------------------------------------ messages from the view

  async handle(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
      case 'resync':
        return; // the provider sends init
      case 'send':
        await this.ask(m.text, await this.context.take(m.contextIds));
        return;
      case 'stop':
        this.stop();
        return;
      case 'newChat':
        this.newChat();
        return;
      case 'openConversation': {
        if (this.running) this.stop();
        this.replaced = true;
        const conv = await this.store.load(m.id);
        if (conv) {
          this.conv = this.fitForView(conv);
          this.pushState();
        }
        return;
      }
      case 'deleteConversation':
        this.replaced = true;
        if (m.id === this.conv.id) {
          this.stop();
          this.conv = this.emptyConversation();
        }
        await this.store.delete(m.id);
        this.pushState();
        return;
      case 'regenerate':
        await this.rerun(m.turnId, undefined, false);
        return;
      case 'editAndResend':
        await this.rerun(m.turnId, m.text, false);
        return;
      case 'continue':
        await this.rerun(m.turnId, undefined, true);
        return;
      case 'copyConversation':
        await vscode.env.clipboard.writeText(this.asMarkdown());
        this.post({ type: 'notice', text: vscode.l10n.t('Conversation copied as Markdown.'), kind: 'info' });
        return;
      case 'codeAction':
        await vscode.commands.executeCommand('qwen.internal.codeAction', m.action, m.code, m.language);
        return;
      case 'selectModel':
        await vscode.workspace.getConfiguration(Settings.section).update(Settings.model, m.model, vscode.ConfigurationTarget.Global);
        this.pushState();
        return;
      case 'setThinking':
        this.thinking = { enabled: m.enabled, budget: m.budget };
        this.post({ type: 'thinking', thinking: this.thinkingState(this.services.modelFor()) });
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
        await this.errorAction(m.action, m.turnId);
        return;
      case 'confirmLargeContext':
        this.pendingConfirm.get(m.requestId)?.answer(m.confirmed);
        return;
      case 'openLink':
        await vscode.env.openExternal(vscode.Uri.parse(m.href, true));
        return;
      case 'log':
        this.services.log.write(m.level, `webview: ${m.message}`);
        return;
    }
  }

  /** large-context questions not answered yet; inModal: asked in a dialog (the view could not) */
  private readonly pendingConfirm = new Map<string, { ask: HostToWebview; answer: (ok: boolean) => void; inModal: boolean }>();

  // ------------------------------------------------------------------ turns

  newChat(): void {
    this.replaced = true;
    this.stop();
    this.conv = this.emptyConversation();
    this.pushState();
  }

  /** Ends the running turn whatever it is doing: getting a client, waiting for a confirmation, streaming. */
  stop(): void {
    this.running?.controller.abort();
  }

  /** Asks a question in the current conversation, with context text gathered by the caller. */
  async ask(question: string, context: { chips: ContextChip[]; text: string }): Promise<void> {
    await this.restored;
    if (this.running) this.stop();
    const turn: StoredTurn = {
      id: randomUUID(),
      question,
      context: context.chips,
      contextText: context.text || undefined,
      answer: '',
      reasoning: '',
      status: 'streaming',
      model: this.services.modelFor(),
    };
    if (!this.conv.turns.length) this.conv.title = titleFrom(question);
    this.conv.turns.push(turn);
    await this.run(turn, this.conv.turns.slice(0, -1));
  }

  private async rerun(turnId: string, newQuestion: string | undefined, continuing: boolean): Promise<void> {
    await this.restored;
    const idx = this.conv.turns.findIndex((t) => t.id === turnId);
    if (idx < 0) return;
    if (this.running) this.stop();
    const old = this.conv.turns[idx]!;
    const turn: StoredTurn = {
      ...old,
      question: newQuestion ?? old.question,
      answer: continuing ? old.answer : '',
      reasoning: continuing ? old.reasoning : '',
      status: 'streaming',
      error: undefined,
      usage: undefined,
      costUsd: undefined,
      finishReason: undefined,
      model: this.services.modelFor(),
    };
    this.conv.turns.splice(idx, this.conv.turns.length - idx, turn);
    await this.run(turn, this.conv.turns.slice(0, idx), continuing ? old.answer : undefined);
  }

  private async run(turn: StoredTurn, history: StoredTurn[], continueFrom?: string): Promise<void> {
    this.post({ type: 'turnStart', turn: this.viewTurn(turn) });
    // Tracked from the start, not from the first byte: Stop (the view's or the command's) must end
    // a turn that is still getting its client or waiting for a large-context confirmation.
    const tracked = this.services.streams.begin(vscode.l10n.t('chat'));
    const signal = tracked.controller.signal;
    // The answer so far is kept as the batches the view was sent, not as the chunks: a few hundred
    // strings rather than 100,000 small ones that would all survive to the old generation (and
    // make each young-generation collection copy them). It is also exactly what the view has
    // been shown, so a view reopened mid-stream (state(), then the next deltas) never repeats text.
    const answer: string[] = [turn.answer];
    const reasoning: string[] = [turn.reasoning];
    this.running = { turnId: turn.id, controller: tracked.controller, answer, reasoning };
    const stopped = () => {
      turn.status = 'stopped';
      turn.finishReason = 'cancelled';
      this.post({ type: 'turnEnd', turnId: turn.id, finishReason: 'cancelled' });
    };
    let truncated = false;
    try {
      const cc = await this.services.client({ interactive: true });
      if (signal.aborted) return stopped();
      if (isUnavailable(cc)) {
        const msg =
          cc.unavailable === 'missingKey'
            ? vscode.l10n.t('No API key is set for {0}. Set one to start (nothing was sent).', this.services.preset().label)
            : cc.unavailable === 'insecureHttp'
              ? vscode.l10n.t('Not sent: the server address uses plain http and was not allowed.')
              : cc.unavailable === 'secretStore'
                ? vscode.l10n.t('VS Code could not read your API key from the system keyring. Install and unlock a keyring (for example gnome-keyring or KWallet), or set the key in an environment variable instead.')
                : vscode.l10n.t('Set "qwen.baseUrl" to your server\'s OpenAI-compatible address (for example http://localhost:11434/v1) to use a custom provider.');
        const actions: ErrorAction[] = cc.unavailable === 'missingKey' ? ['setApiKey'] : ['openSettings'];
        return this.fail(turn, { message: msg, actions }, true);
      }

      const info = getModelInfo(cc.model);
      const built = buildMessages({
        history,
        current: turn,
        contextWindow: info.contextWindow,
        reserveForAnswer: Math.min(info.maxOutputTokens, 8192),
        system: {
          locale: vscode.env.language,
          workspaceName: vscode.workspace.name,
          customInstructions: await this.context.instructions(),
        },
        continueFrom,
      });
      if (signal.aborted) return stopped();
      if (built.droppedTurns > 0) {
        turn.trimmedTurns = built.droppedTurns;
        this.post({ type: 'historyTrimmed', turnId: turn.id, droppedTurns: built.droppedTurns });
      }
      const confirmAbove = vscode.workspace.getConfiguration(Settings.section).get<number>('chat.confirmAboveTokens', 100_000);
      if (confirmAbove > 0 && built.promptTokens > confirmAbove) {
        const ok = await this.confirmLarge(built.promptTokens, cc.model, info.contextWindow, signal);
        if (!ok || signal.aborted) return stopped();
      }

      // Past the cap the rest is dropped and the request stopped: the view and the conversation
      // file take at most MAX_TURN_TEXT, and a server sending more is not worth paying for.
      let textRoom = MAX_TURN_TEXT - turn.answer.length;
      let reasoningRoom = MAX_TURN_TEXT - turn.reasoning.length;
      const overflow = () => {
        truncated = true;
        tracked.controller.abort();
      };
      const batcher = new DeltaBatcher((b) => {
        if (b.text) answer.push(b.text);
        if (b.reasoning) reasoning.push(b.reasoning);
        this.post({ type: 'delta', turnId: turn.id, ...b });
      });
      let usage: Usage | undefined;
      try {
        const thinking = this.thinkingState(cc.model);
        const result: ChatResult = await cc.client.streamChat(
          {
            model: cc.model,
            messages: built.messages,
            thinking: thinking.capability === 'optional' ? { enabled: thinking.enabled, budget: thinking.budget ?? undefined } : undefined,
          },
          {
            signal,
            onEvent: (e) => {
              if (e.type === 'text') {
                if (truncated) return;
                if (e.text.length > textRoom) {
                  batcher.addText(cutText(e.text, textRoom));
                  return overflow();
                }
                textRoom -= e.text.length;
                batcher.addText(e.text);
              } else if (e.type === 'reasoning') {
                if (truncated) return;
                if (e.text.length > reasoningRoom) {
                  batcher.addReasoning(cutText(e.text, reasoningRoom));
                  return overflow();
                }
                reasoningRoom -= e.text.length;
                batcher.addReasoning(e.text);
              } else if (e.type === 'usage') usage = e.usage;
            },
          },
        );
        batcher.flush();
        turn.answer = answer.join('');
        turn.reasoning = reasoning.join('');
        turn.status = 'done';
        turn.finishReason = result.finishReason ?? 'stop';
        const u = usage ?? result.usage;
        turn.usage = this.viewUsage(u);
        turn.costUsd = u ? (u.usdSpent ?? estimateCost(cc.model, u) ?? null) : undefined;
        // A custom server with no qwen.model: name the model the client chose (its first), or the
        // one the answer names when the request named none.
        const answeredBy = turn.model ? undefined : (result.requestedModel || result.model || undefined)?.slice(0, 200);
        if (answeredBy) turn.model = answeredBy;
        this.post({ type: 'turnEnd', turnId: turn.id, finishReason: turn.finishReason, usage: this.viewUsage(turn.usage), costUsd: turn.costUsd, ...(answeredBy ? { model: answeredBy } : {}) });
        void vscode.commands.executeCommand('setContext', 'qwen.lastAnswerLength', turn.answer.length);
      } catch (e) {
        batcher.flush();
        turn.answer = answer.join('');
        turn.reasoning = reasoning.join('');
        if (signal.aborted || (isQwenError(e) && e.kind === 'aborted')) {
          stopped();
        } else {
          this.services.log.error(e instanceof Error ? e : String(e));
          this.fail(turn, this.turnError(e), true);
        }
      } finally {
        batcher.dispose();
      }
    } finally {
      this.services.streams.end(tracked);
      if (this.running?.turnId === turn.id) this.running = undefined;
      if (truncated) {
        turn.truncatedAt = turn.answer.length;
        this.services.log.warn(`The answer passed ${MAX_TURN_TEXT} characters: the rest was dropped and the request stopped.`);
        // The note belongs in the turn on screen too.
        this.pushState();
      }
      await this.persist();
      this.post({ type: 'conversations', conversations: this.store.list() });
    }
  }

  private confirmLarge(tokens: number, model: string, contextWindow: number, signal: AbortSignal): Promise<boolean> {
    const requestId = randomUUID();
    const cost = estimateCost(model, { promptTokens: tokens, completionTokens: 0, totalTokens: tokens }) ?? null;
    return new Promise((resolve) => {
      const answer = (ok: boolean) => {
        if (!this.pendingConfirm.delete(requestId)) return;
        signal.removeEventListener('abort', onAbort);
        resolve(ok);
      };
      const onAbort = () => answer(false);
      signal.addEventListener('abort', onAbort, { once: true });
      const ask: HostToWebview = { type: 'confirmLargeContext', requestId, tokens, costUsd: cost, contextWindow };
      this.pendingConfirm.set(requestId, { ask, answer, inModal: false });
      // A closed or hidden view cannot ask: the turn would wait for an answer nobody was asked for.
      if (!this.post(ask)) this.confirmInModal(requestId);
    });
  }

  private confirmInModal(requestId: string): void {
    const pending = this.pendingConfirm.get(requestId);
    if (!pending || pending.inModal || pending.ask.type !== 'confirmLargeContext') return;
    pending.inModal = true;
    const { tokens, costUsd } = pending.ask;
    const send = vscode.l10n.t('Send Anyway');
    const message = costUsd !== null
      ? vscode.l10n.t('This request is about {0} tokens (about ${1}). Send it?', tokens.toLocaleString(vscode.env.language), costUsd.toFixed(3))
      : vscode.l10n.t('This request is about {0} tokens. Send it?', tokens.toLocaleString(vscode.env.language));
    vscode.window.showWarningMessage(message, { modal: true }, send).then(
      (choice) => pending.answer(choice === send),
      () => pending.answer(false),
    );
  }

  private turnError(e: unknown): TurnError {
    if (isQwenError(e)) {
      const qe = e as QwenError;
      const actions = [...new Set([qe.action, ...((qe as { actions?: string[] }).actions ?? [])].map((a) => (a ? ERROR_ACTIONS[a] : undefined)).filter((a): a is ErrorAction => !!a))];
      if (qe.retryable && !actions.includes('retry')) actions.push('retry');
      return { message: errorText(qe), actions: actions.slice(0, 4) };
    }
    return { message: vscode.l10n.t('Something went wrong: {0}', this.services.log.scrub(String((e as Error)?.message ?? e))), actions: ['retry', 'showLog'] };
  }

  private fail(turn: StoredTurn, error: TurnError, alreadyStarted = false): void {
    turn.status = 'error';
    turn.error = error;
    if (!alreadyStarted) void this.persist();
    this.post({ type: 'turnError', turnId: turn.id, error });
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
        const t = this.conv.turns.find((x) => x.id === turnId);
        if (t) {
          t.excluded = true;
          t.error = { message: vscode.l10n.t('This message was removed from the conversation after a content-moderation refusal.'), actions: [] };
          await this.persist();
          this.pushState();
        }
        return;
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private viewTurn(t: StoredTurn) {
    const { contextText: _c, excluded: _e, ...view } = t;
    const live = this.running?.turnId === t.id ? this.running : undefined;
    return {
      ...view,
      answer: live ? live.answer.join('') : t.answer,
      reasoning: live ? live.reasoning.join('') : t.reasoning,
      usage: this.viewUsage(t.usage),
    };
  }

  /** The turns as the view shows them (tests and Copy use this). */
  turns() {
    return this.conv.turns.map((t) => this.viewTurn(t));
  }

  get conversationId(): string {
    return this.conv.id;
  }

  private viewUsage(u: Usage | StoredTurn['usage'] | undefined) {
    if (!u) return undefined;
    const { promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens } = u as Usage;
    return { promptTokens, completionTokens, totalTokens, cachedTokens, reasoningTokens };
  }

  private async persist(): Promise<void> {
    const conv = this.conv;
    if (!conv.turns.length) return;
    // Its own loop turn: serializing the conversation (the answer may be megabytes) must not add
    // to what the stream's last burst and the turn's end are doing (an immediate would run in the
    // same turn as the burst's resumed parsing).
    await new Promise((resolve) => setTimeout(resolve, 0));
    await this.store.save(conv);
  }

  private emptyConversation(): Conversation {
    const now = Date.now();
    return { id: randomUUID(), title: '', createdAt: now, updatedAt: now, turns: [] };
  }

  asMarkdown(): string {
    const parts = [`# ${this.conv.title || 'Qwen chat'}`];
    for (const t of this.conv.turns) {
      parts.push(`## ${vscode.l10n.t('Question')}\n\n${t.question}`);
      if (t.reasoning) parts.push(`<details><summary>${vscode.l10n.t('Reasoning')}</summary>\n\n${t.reasoning}\n\n</details>`);
      if (t.answer) parts.push(`## ${vscode.l10n.t('Answer')}${t.model ? ` (${t.model})` : ''}\n\n${t.answer}`);
    }
    return parts.join('\n\n') + '\n';
  }

  /** Token estimate of a prompt, for callers that show it before sending. */
  static estimate(text: string): number {
    return estimateTokens(text);
  }

  dispose(): void {
    this.stop();
    for (const p of [...this.pendingConfirm.values()]) p.answer(false);
  }
}
