// The chat view: owns the view state, applies host messages, turns clicks into messages.
// Streaming deltas are queued and rendered at most once per animation frame.
import type { CodeAction, ErrorAction, HostToWebview, Turn, ViewState, WebviewToHost } from '../protocol/messages';
import { CODE_ACTION_ATTR, codeOfButton } from './codeBlock';
import { Composer } from './composer';
import { h, icon, iconButton, textButton } from './dom';
import type { Host } from './host';
import { ConversationList } from './conversationList';
import { setLocale, t, type MessageKey } from './l10n';
import { SAFE_LINK } from './sanitize';
import { AgentStatusBar } from './agentStatus';
import { CALL_ID_ATTR, TOOL_DECISION_ATTR } from './toolRow';
import { OPEN_PATH_ATTR } from './toolWords';
import { ERROR_ACTION_ATTR, TURN_ACTION_ATTR, TurnView } from './turnView';

/** Pixels from the bottom within which the view keeps following the stream. */
const FOLLOW_SLACK = 32;
/**
 * Streamed text is put on screen at most every third frame at 60 Hz (20 times a second): reading
 * cannot tell, and each update costs the browser a style and layout pass of the block being written.
 */
const MIN_RENDER_INTERVAL_MS = 45;

const EMPTY_ACTION_ATTR = 'data-empty-action';
const STARTER_ATTR = 'data-starter';
/** What the empty view offers to ask (a click puts it in the input, to send or change). */
const STARTERS = ['starterExplain', 'starterBugs', 'starterTests'] as const;
/** The main commands and their keys, as package.json binds them (the same on macOS). */
const SHORTCUTS: readonly (readonly [MessageKey, string])[] = [
  ['shortcutExplain', 'Ctrl+Alt+Q E'],
  ['shortcutInline', 'Ctrl+Alt+K'],
  ['shortcutFix', 'Ctrl+Alt+Q F'],
  ['shortcutTests', 'Ctrl+Alt+Q T'],
];

export class ChatApp {
  private state: ViewState | null = null;
  private readonly root: HTMLElement;
  private composer!: Composer;
  private conversationList!: ConversationList;
  private scroller!: HTMLElement;
  private turnsEl!: HTMLElement;
  private titleEl!: HTMLElement;
  private historyButton!: HTMLButtonElement;
  private announcer!: HTMLElement;
  private noticeEl!: HTMLElement;
  private agentBar!: AgentStatusBar;
  private turns: TurnView[] = [];
  private frameRequested = false;
  private lastRender = -Infinity;
  /** whether the streaming turn's first text / reasoning has been put on screen */
  private textShown = false;
  private reasoningShown = false;
  private following = true;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeTimer: ReturnType<typeof setTimeout> | undefined;
  private brokenEl: HTMLElement | undefined;

  constructor(root: HTMLElement, private readonly host: Host) {
    this.root = root;
  }

  post(message: WebviewToHost): void {
    this.host.post(message);
  }

  handle(message: HostToWebview): void {
    switch (message.type) {
      case 'init':
        setLocale(message.locale);
        document.documentElement.lang = message.locale === 'zh-cn' ? 'zh-CN' : 'en';
        this.build();
        this.setState(message.state);
        this.composer.setDraft(this.host.load().draft ?? '');
        return;
      case 'state':
        return this.whenBuilt(() => this.setState(message.state));
      case 'conversations':
        return this.whenBuilt((s) => {
          s.conversations = message.conversations;
          this.conversationList.set(s.conversations, s.conversationId);
          this.renderTitle();
        });
      case 'models':
        return this.whenBuilt((s) => {
          s.models = message.models;
          s.model = message.model;
          this.composer.setModels(s.models, s.model);
        });
      case 'thinking':
        return this.whenBuilt((s) => {
          s.thinking = message.thinking;
          this.composer.setThinking(s.thinking);
        });
      case 'context':
        return this.whenBuilt((s) => {
          s.context = message.chips;
          this.composer.setChips(s.context);
        });
      case 'turnStart':
        return this.whenBuilt(() => this.startTurn(message.turn));
      case 'delta':
        return this.whenBuilt(() => {
          const view = this.streamingTurn(message.turnId);
          if (!view) return this.log('warn', `delta for a turn that is not streaming: ${message.turnId}`);
          if (message.reasoning) view.appendReasoning(message.reasoning);
          if (message.text) view.appendText(message.text);
          // The first text and the first reasoning of a turn go on screen at once: the frame
          // cadence is for what follows, not for the first words the user is waiting for.
          const first = (message.text && !this.textShown) || (message.reasoning && !this.reasoningShown);
          if (message.text) this.textShown = true;
          if (message.reasoning) this.reasoningShown = true;
          if (first) this.render(performance.now());
          else this.requestFrame();
        });
      case 'turnEnd':
        return this.whenBuilt(() => {
          const view = this.streamingTurn(message.turnId);
          if (!view) return;
          view.end(message.finishReason, message.usage, message.costUsd, message.model, message.agentStop, message.steps);
          this.afterStream(view, message.finishReason === 'cancelled' ? t('answerStopped') : t('answerComplete'));
        });
      case 'turnError':
        return this.whenBuilt(() => {
          const view = this.turns.find((v) => v.id === message.turnId);
          if (!view) return;
          view.fail(message.error);
          this.afterStream(view, `${t('error')}: ${message.error.message}`);
        });
      case 'toolCall':
        return this.whenBuilt(() => {
          const view = this.turns.find((v) => v.id === message.turnId);
          if (!view) return this.log('warn', `tool call for an unknown turn: ${message.turnId}`);
          const waitedBefore = view.waitingCall?.id;
          view.upsertToolCall(message.part);
          if (message.part.status === 'pending' && waitedBefore !== message.part.id) {
            const row = view.element.querySelector(`[${CALL_ID_ATTR}="${CSS.escape(message.part.id)}"] .tool-summary`);
            this.announce(t('agentWaitingAnnounce', row?.textContent ?? message.part.name));
          }
          this.updateLastTurn();
          this.renderAgentBar();
          this.scrollToEnd();
        });
      case 'agentProgress':
        return this.whenBuilt(() => {
          const view = this.turns.find((v) => v.id === message.turnId);
          if (!view) return;
          view.setProgress(message);
          this.renderAgentBar();
        });
      case 'mode':
        return this.whenBuilt((s) => {
          s.mode = message.mode;
          this.composer.setMode(message.mode);
        });
      case 'historyTrimmed':
        return this.whenBuilt(() => this.turns.find((v) => v.id === message.turnId)?.setTrimmed(message.droppedTurns));
      case 'ask':
        return this.whenBuilt(() => this.composer.ask(message.requestId, message.question));
      case 'mentionCandidates':
        return this.whenBuilt(() => this.composer.showMentions(message.requestId, message.items));
      case 'focusInput':
        return this.whenBuilt(() => {
          if (message.text !== undefined) this.composer.setDraft(message.text);
          this.showHistory(false);
          this.composer.focus();
        });
      case 'notice':
        return this.whenBuilt(() => this.notice(message.text));
    }
  }

  get built(): boolean {
    return this.state !== null;
  }

  private whenBuilt(fn: (state: ViewState) => void): void {
    if (this.state) fn(this.state);
    else this.log('warn', 'message before init dropped');
  }

  /**
   * The view could not take what the host sent, even after asking again: say so where the
   * conversation would be (an empty panel tells the user nothing), with a way to ask once more.
   */
  showBroken(retry: () => void): void {
    this.brokenEl?.remove();
    const again = textButton('refresh', t('viewBrokenRetry'));
    again.addEventListener('click', () => retry());
    this.brokenEl = h('div', { class: 'view-error', role: 'alert' }, icon('error'), h('span', {}, t('viewBroken')), again);
    this.root.prepend(this.brokenEl);
  }

  clearBroken(): void {
    this.brokenEl?.remove();
    this.brokenEl = undefined;
  }

  log(level: 'info' | 'warn' | 'error', message: string): void {
    console[level === 'info' ? 'log' : level](`[qwen chat] ${message}`);
    this.host.post({ type: 'log', level, message: message.slice(0, 4000) });
  }

  // ------------------------------------------------------------ layout

  private build(): void {
    this.historyButton = iconButton('history', t('showHistory'), { 'aria-expanded': 'false', 'aria-controls': 'history' });
    const newChat = iconButton('add', t('newChat'));
    const copy = iconButton('copy', t('copyConversation'));
    this.titleEl = h('h1', { class: 'title' });
    this.conversationList = new ConversationList((m) => this.post(m), () => this.showHistory(false, true));
    this.conversationList.element.id = 'history';
    this.turnsEl = h('div', { class: 'turns' });
    this.scroller = h('main', { class: 'conversation', 'aria-label': t('conversation'), tabindex: '-1' }, this.turnsEl);
    this.composer = new Composer({ post: (m) => this.post(m), draftChanged: (text) => this.saveDraft(text) });
    this.announcer = h('div', { class: 'sr-only', 'aria-live': 'polite', 'aria-atomic': 'true' });
    this.noticeEl = h('div', { class: 'notice', role: 'status', hidden: true });
    this.agentBar = new AgentStatusBar(() => this.post({ type: 'stop' }));
    this.root.replaceChildren(
      h('div', { class: 'chat', 'aria-label': t('appLabel') },
        h('header', { class: 'toolbar' }, this.historyButton, this.titleEl, h('span', { class: 'spacer' }), copy, newChat),
        this.conversationList.element,
        this.scroller,
        this.agentBar.element,
        this.noticeEl,
        this.composer.element,
        this.announcer),
    );
    this.historyButton.addEventListener('click', () => this.showHistory(this.conversationList.element.hidden));
    newChat.addEventListener('click', () => this.post({ type: 'newChat' }));
    copy.addEventListener('click', () => this.post({ type: 'copyConversation' }));
    this.scroller.addEventListener('scroll', () => {
      const s = this.scroller;
      this.following = s.scrollHeight - s.scrollTop - s.clientHeight <= FOLLOW_SLACK;
    }, { passive: true });
    // Content can also grow after a frame (fonts arriving, a resized sidebar re-wrapping text):
    // stay at the bottom then too, unless the user has scrolled away.
    new ResizeObserver(() => this.scrollToEnd()).observe(this.turnsEl);
    this.scroller.addEventListener('click', (e) => this.onConversationClick(e));
    this.scroller.addEventListener('auxclick', (e) => {
      if ((e.target as Element).closest('a')) e.preventDefault();
    });
  }

  private showHistory(show: boolean, restoreFocus = false): void {
    this.conversationList.element.hidden = !show;
    this.scroller.hidden = show;
    this.historyButton.setAttribute('aria-expanded', String(show));
    const label = show ? t('hideHistory') : t('showHistory');
    this.historyButton.setAttribute('aria-label', label);
    this.historyButton.title = label;
    this.historyButton.classList.toggle('active', show);
    if (show) this.conversationList.focusFirst();
    else if (restoreFocus) this.historyButton.focus();
  }

  private setState(state: ViewState): void {
    this.state = state;
    this.composer.setModels(state.models, state.model);
    this.composer.setThinking(state.thinking);
    this.composer.setChips(state.context);
    this.composer.setMode(state.mode);
    this.conversationList.set(state.conversations, state.conversationId);
    this.renderTitle();
    this.turns = state.turns.map((turn) => new TurnView(turn));
    this.turnsEl.replaceChildren(...this.turns.map((v) => v.element));
    this.renderEmpty();
    this.updateLastTurn();
    const streaming = this.turns.some((v) => v.streaming);
    state.streaming = streaming;
    this.composer.setStreaming(streaming);
    if (streaming) this.requestFrame();
    this.renderAgentBar();
    this.following = true;
    this.scrollToEnd();
  }

  private renderTitle(): void {
    const s = this.state!;
    const current = s.conversations.find((c) => c.id === s.conversationId);
    this.titleEl.textContent = current?.title || (s.turns[0]?.question.split('\n', 1)[0] ?? '') || t('newChat');
    this.titleEl.title = this.titleEl.textContent;
  }

  /**
   * The empty conversation says what to do first: with no key (for a provider that needs one), the
   * one button that fixes it; with a key, prompts to start from and the keys of the main commands.
   * Both link to the walkthrough.
   */
  private renderEmpty(): void {
    const existing = this.turnsEl.querySelector('.empty');
    if (this.turns.length > 0) return existing?.remove();
    const s = this.state!;
    const walkthrough = h('button', { type: 'button', class: 'link-button', [EMPTY_ACTION_ATTR]: 'walkthrough' }, t('openWalkthrough'));
    const body: (HTMLElement | null)[] = s.needsApiKey
      ? [
          h('p', {}, t('needsKeyHint')),
          textButton('key', t('needsKey'), { class: 'text-button primary', [ERROR_ACTION_ATTR]: 'setApiKey' }),
        ]
      : [
          h('p', {}, t('emptyHint')),
          h('div', { class: 'starters', role: 'group', 'aria-label': t('startersLabel') },
            ...STARTERS.map((key) => textButton('sparkle', t(key), { class: 'text-button secondary starter', [STARTER_ATTR]: key }))),
          h('dl', { class: 'shortcuts', 'aria-label': t('shortcutsLabel') },
            ...SHORTCUTS.flatMap(([key, keys]) => [h('dt', {}, t(key)), h('dd', {}, ...keys.split(' ').map((k) => h('kbd', {}, k)))])),
        ];
    const empty = h('div', { class: 'empty' },
      h('div', { class: 'empty-icon' }, icon('comment-discussion-sparkle')),
      h('h2', {}, t('emptyTitle')),
      ...body,
      walkthrough);
    if (existing) existing.replaceWith(empty);
    else this.turnsEl.append(empty);
  }

  /**
   * Only the last turn offers regenerate / edit / continue, and not while it streams; Undo task is
   * offered on the conversation's last agent task (what Qwen: Undo Agent Task acts on).
   */
  private updateLastTurn(): void {
    const anyStreaming = this.turns.some((v) => v.streaming);
    let lastAgent = -1;
    this.turns.forEach((v, i) => (lastAgent = v.isAgent ? i : lastAgent));
    this.turns.forEach((v, i) => v.setActionsEnabled(i === this.turns.length - 1 && !v.streaming, i === lastAgent && !anyStreaming));
  }

  /** While an agent task runs: its step, what it cost so far, and Stop, always in view. */
  private renderAgentBar(): void {
    const last = this.turns[this.turns.length - 1];
    this.agentBar.render(last?.streaming && last.isAgent ? last : undefined);
  }

  // ------------------------------------------------------------ streaming

  private startTurn(turn: Turn): void {
    const s = this.state!;
    const index = this.turns.findIndex((v) => v.id === turn.id);
    if (index >= 0) {
      for (const v of this.turns.splice(index)) v.element.remove();
      s.turns.splice(index);
    }
    const view = new TurnView(turn);
    this.turns.push(view);
    s.turns.push(view.turn);
    this.turnsEl.append(view.element);
    this.renderEmpty();
    this.renderTitle();
    this.updateLastTurn();
    this.renderAgentBar();
    s.streaming = true;
    // The host sends a new turn with its first words; those (or a continued answer's words so
    // far) go on screen at once, like a first delta.
    this.textShown = turn.parts.some((p) => p.kind === 'text' && p.text !== '');
    this.reasoningShown = turn.parts.some((p) => p.kind === 'reasoning' && p.text !== '');
    this.composer.setStreaming(true);
    this.showHistory(false);
    this.following = true;
    this.announce(t('answering'));
    if (this.textShown || this.reasoningShown) this.render(performance.now());
    else this.requestFrame();
  }

  private streamingTurn(id: string): TurnView | undefined {
    const last = this.turns[this.turns.length - 1];
    return last && last.id === id && last.streaming ? last : undefined;
  }

  private requestFrame(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame((now) => this.frame(now));
  }

  /** At most once per animation frame (and MIN_RENDER_INTERVAL_MS), whatever number of deltas arrived. */
  private frame(now: number): void {
    this.frameRequested = false;
    if (now - this.lastRender < MIN_RENDER_INTERVAL_MS) return this.requestFrame();
    this.render(now);
  }

  private render(now: number): void {
    this.lastRender = now;
    const last = this.turns[this.turns.length - 1];
    if (last?.flush()) this.scrollToEnd();
  }

  private afterStream(view: TurnView, announcement: string): void {
    const s = this.state!;
    const index = s.turns.findIndex((x) => x.id === view.id);
    if (index >= 0) s.turns[index] = view.turn;
    s.streaming = false;
    this.composer.setStreaming(false);
    this.updateLastTurn();
    this.renderAgentBar();
    this.scrollToEnd();
    this.announce(announcement);
  }

  private scrollToEnd(): void {
    if (this.following) this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  // ------------------------------------------------------------ clicks

  private onConversationClick(e: MouseEvent): void {
    const target = e.target as Element;
    const link = target.closest('a');
    if (link && this.scroller.contains(link)) {
      e.preventDefault();
      const href = link.getAttribute('href')?.trim();
      if (href && SAFE_LINK.test(href)) this.post({ type: 'openLink', href });
      return;
    }
    const button = target.closest('button');
    if (!button) return;
    if (this.onAgentClick(button)) return;
    const starter = button.getAttribute(STARTER_ATTR) as (typeof STARTERS)[number] | null;
    if (starter && STARTERS.includes(starter)) {
      this.composer.setDraft(t(starter));
      this.saveDraft(t(starter));
      this.composer.focus();
      return;
    }
    if (button.getAttribute(EMPTY_ACTION_ATTR) === 'walkthrough') {
      this.post({ type: 'openWalkthrough' });
      return;
    }
    const codeAction = button.getAttribute(CODE_ACTION_ATTR);
    if (codeAction) {
      const code = codeOfButton(button);
      if (code) {
        this.post({ type: 'codeAction', action: codeAction as CodeAction, code: code.code, language: code.language });
        if (codeAction === 'copy') flashCopied(button);
      }
      return;
    }
    const errorAction = button.getAttribute(ERROR_ACTION_ATTR) as ErrorAction | null;
    if (errorAction) {
      const turnId = button.closest('.turn')?.getAttribute('data-turn-id') ?? undefined;
      this.post(turnId ? { type: 'errorAction', action: errorAction, turnId } : { type: 'errorAction', action: errorAction });
      return;
    }
    const turnAction = button.getAttribute(TURN_ACTION_ATTR);
    const turnId = button.closest('.turn')?.getAttribute('data-turn-id');
    const view = this.turns.find((v) => v.id === turnId);
    if (!turnAction || !view || view.streaming) return;
    if (turnAction === 'regenerate') this.post({ type: 'regenerate', turnId: view.id });
    else if (turnAction === 'continue') this.post({ type: 'continue', turnId: view.id });
    else if (turnAction === 'edit') view.editQuestion((text) => this.post({ type: 'editAndResend', turnId: view.id, text }));
  }

  /** Buttons of agent turns: a file link, Run / Skip / Accept / Reject, Undo task. */
  private onAgentClick(button: HTMLButtonElement): boolean {
    const path = button.getAttribute(OPEN_PATH_ATTR);
    if (path) {
      this.post({ type: 'openPath', path });
      return true;
    }
    const view = this.turns.find((v) => v.id === button.closest('.turn')?.getAttribute('data-turn-id'));
    const decision = button.getAttribute(TOOL_DECISION_ATTR);
    if (decision) {
      const callId = button.closest(`[${CALL_ID_ATTR}]`)?.getAttribute(CALL_ID_ATTR);
      if (!view || !callId || button.disabled) return true;
      view.markDecided(callId);
      this.post({ type: 'toolDecision', turnId: view.id, callId, approve: decision === 'approve' });
      return true;
    }
    if (button.getAttribute(TURN_ACTION_ATTR) === 'undoTask') {
      if (view && !button.disabled) {
        view.markUndoRequested();
        this.post({ type: 'undoTask', turnId: view.id });
      }
      return true;
    }
    return false;
  }

  // ------------------------------------------------------------ small things

  private announce(text: string): void {
    // Clearing first makes screen readers repeat an identical message.
    this.announcer.textContent = '';
    setTimeout(() => (this.announcer.textContent = text), 50);
  }

  private notice(text: string): void {
    this.noticeEl.textContent = text;
    this.noticeEl.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = setTimeout(() => (this.noticeEl.hidden = true), 4000);
  }

  private saveDraft(text: string): void {
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => this.host.save({ ...this.host.load(), draft: text }), 300);
  }
}

function flashCopied(button: Element): void {
  const glyph = button.querySelector('.codicon');
  const label = button.getAttribute('aria-label');
  if (!glyph || !label) return;
  glyph.classList.replace('codicon-copy', 'codicon-check');
  button.setAttribute('aria-label', t('copied'));
  setTimeout(() => {
    glyph.classList.replace('codicon-check', 'codicon-copy');
    button.setAttribute('aria-label', label);
  }, 1500);
}
