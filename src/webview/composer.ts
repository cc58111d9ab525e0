// The input area: context chips, the question box with @-mentions, model and thinking
// controls, Send / Stop, and the large-context confirmation.
import type { ChatMode, ContextChip, MentionCandidate, ModelInfo, Question, Thinking, WebviewToHost } from '../protocol/messages';
import { h, icon, iconButton, textButton } from './dom';
import { formatNumber, formatUsd, t } from './l10n';
import { ModeSwitch } from './modeSwitch';
import { chipIcon } from './turnView';

export interface ComposerEvents {
  post(message: WebviewToHost): void;
  draftChanged(text: string): void;
}

const BUDGETS = [1024, 2048, 4096, 8192, 16384, 32768, 65536];

export class Composer {
  readonly element: HTMLElement;
  readonly input: HTMLTextAreaElement;
  private readonly chipsEl: HTMLUListElement;
  private readonly mentionsEl: HTMLDivElement;
  private readonly confirmEl: HTMLDivElement;
  private readonly modelSelect: HTMLSelectElement;
  private readonly thinkingButton: HTMLButtonElement;
  private readonly budgetSelect: HTMLSelectElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly modeSwitch: ModeSwitch;
  private chips: ContextChip[] = [];
  private thinking: Thinking = { capability: 'none', enabled: false, budget: null, maxBudget: null };
  private streaming = false;
  private mentionRequest = 0;
  private mentionQuery: { start: number; end: number } | null = null;
  private mentionItems: MentionCandidate[] = [];
  private mentionActive = -1;

  constructor(private readonly events: ComposerEvents) {
    this.chipsEl = h('ul', { class: 'chips', 'aria-label': t('contextChips') });
    this.input = h('textarea', {
      class: 'input',
      rows: 1,
      'aria-label': t('input'),
      placeholder: t('inputPlaceholder'),
      'aria-describedby': 'input-hint',
      role: 'combobox',
      'aria-autocomplete': 'list',
      'aria-expanded': 'false',
      'aria-controls': 'mentions',
      'aria-multiline': 'true',
    });
    this.mentionsEl = h('div', { class: 'mentions', id: 'mentions', role: 'listbox', 'aria-label': t('mentionList'), hidden: true });
    this.confirmEl = h('div', { class: 'confirm', hidden: true });
    this.modelSelect = h('select', { class: 'model-select', 'aria-label': t('model'), title: t('model') });
    this.thinkingButton = h('button', { type: 'button', class: 'toggle-button', 'aria-pressed': 'false' }, icon('lightbulb'), h('span', { class: 'toggle-label' }, t('thinking')));
    this.budgetSelect = h('select', { class: 'budget-select', 'aria-label': t('thinkingBudget'), title: t('thinkingBudget') });
    this.sendButton = iconButton('send', t('send'), { class: 'icon-button send-button' });
    this.stopButton = iconButton('debug-stop', t('stop'), { class: 'icon-button stop-button', hidden: true });
    this.modeSwitch = new ModeSwitch((mode) => {
      this.setMode(mode);
      this.events.post({ type: 'setMode', mode });
    });
    this.element = h(
      'footer',
      { class: 'composer' },
      this.confirmEl,
      h(
        'div',
        { class: 'input-box' },
        this.chipsEl,
        this.input,
        this.mentionsEl,
        h(
          'div',
          { class: 'input-toolbar' },
          this.modeSwitch.element,
          this.modelSelect,
          this.thinkingButton,
          this.budgetSelect,
          h('span', { class: 'spacer' }),
          this.sendButton,
          this.stopButton,
        ),
      ),
      h('div', { class: 'input-hint', id: 'input-hint' }, t('inputHint')),
    );
    this.wire();
  }

  private wire(): void {
    const { input } = this;
    input.addEventListener('keydown', (e) => this.onKeyDown(e));
    input.addEventListener('input', () => {
      this.events.draftChanged(input.value);
      this.updateMention();
    });
    input.addEventListener('click', () => this.updateMention());
    input.addEventListener('blur', () => setTimeout(() => {
      if (!this.mentionsEl.contains(document.activeElement)) this.closeMentions();
    }, 150));
    this.sendButton.addEventListener('click', () => this.send());
    this.stopButton.addEventListener('click', () => this.events.post({ type: 'stop' }));
    this.modelSelect.addEventListener('change', () => this.events.post({ type: 'selectModel', model: this.modelSelect.value }));
    this.thinkingButton.addEventListener('click', () => {
      if (this.thinking.capability !== 'optional') return;
      this.thinking = { ...this.thinking, enabled: !this.thinking.enabled };
      this.renderThinking();
      this.events.post({ type: 'setThinking', enabled: this.thinking.enabled, budget: this.thinking.budget });
    });
    this.budgetSelect.addEventListener('change', () => {
      const budget = this.budgetSelect.value ? Number(this.budgetSelect.value) : null;
      this.thinking = { ...this.thinking, budget };
      this.events.post({ type: 'setThinking', enabled: this.thinking.enabled, budget });
    });
    this.chipsEl.addEventListener('click', (e) => {
      const button = (e.target as Element).closest('button[data-chip-id]');
      if (!button) return;
      const id = button.getAttribute('data-chip-id')!;
      const index = this.chips.findIndex((c) => c.id === id);
      this.setChips(this.chips.filter((c) => c.id !== id));
      this.events.post({ type: 'removeContext', id });
      // Keep keyboard users in the row: focus the next chip's button, or the input.
      const next = this.chipsEl.querySelectorAll<HTMLButtonElement>('button[data-chip-id]')[Math.min(index, this.chips.length - 1)];
      (next ?? this.input).focus();
    });
    this.mentionsEl.addEventListener('mousedown', (e) => e.preventDefault());
    this.mentionsEl.addEventListener('click', (e) => {
      const option = (e.target as Element).closest('[data-index]');
      if (option) this.pickMention(Number(option.getAttribute('data-index')));
    });
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (!this.mentionsEl.hidden && this.mentionItems.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = this.mentionItems.length;
        this.setActiveMention((this.mentionActive + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
        return;
      }
      if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.pickMention(Math.max(0, this.mentionActive));
        return;
      }
    }
    if (e.key === 'Escape' && !this.mentionsEl.hidden) {
      e.preventDefault();
      this.closeMentions();
      return;
    }
    // keyCode 229: an IME is composing (Chinese input); its Enter confirms the candidate.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      this.send();
    }
  }

  send(): void {
    const text = this.input.value.trim();
    if (!text || this.streaming) return;
    this.events.post({ type: 'send', text, contextIds: this.chips.map((c) => c.id) });
    this.input.value = '';
    this.events.draftChanged('');
    this.closeMentions();
  }

  setDraft(text: string): void {
    this.input.value = text;
  }

  focus(): void {
    this.input.focus();
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
  }

  /** Ask or Agent: the switch shows it and the input's placeholder says what to type. */
  setMode(mode: ChatMode): void {
    this.modeSwitch.set(mode);
    this.input.placeholder = mode === 'agent' ? t('agentPlaceholder') : t('inputPlaceholder');
  }

  setStreaming(streaming: boolean): void {
    this.streaming = streaming;
    const hadFocus = document.activeElement === this.sendButton || document.activeElement === this.stopButton;
    this.sendButton.hidden = streaming;
    this.stopButton.hidden = !streaming;
    if (hadFocus) (streaming ? this.stopButton : this.sendButton).focus();
  }

  // ------------------------------------------------------------ chips

  setChips(chips: ContextChip[]): void {
    this.chips = chips;
    this.chipsEl.replaceChildren(
      ...chips.map((c) =>
        h(
          'li',
          { class: 'chip', title: c.detail ?? c.label },
          icon(chipIcon(c.kind)),
          h('span', { class: 'chip-label' }, c.label),
          h('button', { type: 'button', class: 'chip-remove', 'data-chip-id': c.id, 'aria-label': t('removeContext', c.label), title: t('removeContext', c.label) }, icon('close')),
        ),
      ),
    );
    this.chipsEl.hidden = chips.length === 0;
  }

  // ------------------------------------------------------------ model and thinking

  setModels(models: ModelInfo[], current: string): void {
    const list = models.some((m) => m.id === current) || !current ? models : [...models, { id: current, label: current }];
    this.modelSelect.replaceChildren(...list.map((m) => h('option', { value: m.id, title: m.detail }, m.label)));
    this.modelSelect.value = current;
    this.modelSelect.hidden = list.length === 0;
  }

  setThinking(thinking: Thinking): void {
    this.thinking = thinking;
    this.renderThinking();
  }

  private renderThinking(): void {
    const th = this.thinking;
    const b = this.thinkingButton;
    b.hidden = th.capability === 'none';
    const on = th.capability === 'always' || th.enabled;
    b.setAttribute('aria-pressed', String(on));
    b.setAttribute('aria-disabled', String(th.capability === 'always'));
    const label = th.capability === 'always' ? t('thinkingAlways') : on ? t('thinkingOn') : t('thinkingOff');
    b.title = label;
    b.setAttribute('aria-label', t('thinking'));
    b.setAttribute('aria-description', label);
    const budgets = BUDGETS.filter((x) => th.maxBudget === null || x <= th.maxBudget);
    if (th.budget !== null && !budgets.includes(th.budget)) budgets.push(th.budget);
    budgets.sort((a, c) => a - c);
    this.budgetSelect.replaceChildren(
      h('option', { value: '' }, t('budgetDefault')),
      ...budgets.map((x) => h('option', { value: String(x) }, t('budgetTokens', formatNumber(x)))),
    );
    this.budgetSelect.value = th.budget === null ? '' : String(th.budget);
    this.budgetSelect.hidden = th.capability === 'none' || !on;
  }

  // ------------------------------------------------------------ @-mentions

  /** The `@word` just before the caret, if any. */
  private updateMention(): void {
    const caret = this.input.selectionStart ?? 0;
    if (caret !== this.input.selectionEnd) return this.closeMentions();
    const before = this.input.value.slice(Math.max(0, caret - 200), caret);
    const m = /(?:^|\s)@([^\s@]{0,100})$/.exec(before);
    if (!m) return this.closeMentions();
    const query = m[1]!;
    this.mentionQuery = { start: caret - query.length - 1, end: caret };
    this.mentionRequest++;
    this.events.post({ type: 'requestMentions', requestId: `m${this.mentionRequest}`, query });
  }

  /** The host's answer to requestMentions; stale answers are ignored. */
  showMentions(requestId: string, items: MentionCandidate[]): void {
    if (requestId !== `m${this.mentionRequest}` || !this.mentionQuery) return;
    this.mentionItems = items;
    this.mentionsEl.replaceChildren(
      ...(items.length
        ? items.map((item, i) =>
          h('div', { class: 'mention', role: 'option', id: `mention-${i}`, 'data-index': i, 'aria-selected': 'false', title: item.detail ?? item.label },
            icon(item.kind === 'editor' ? 'files' : 'file'), h('span', { class: 'mention-label' }, item.label),
            item.detail ? h('span', { class: 'mention-detail' }, item.detail) : null))
        : [h('div', { class: 'mention empty', 'aria-disabled': 'true' }, t('noMentions'))]),
    );
    this.mentionsEl.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.setActiveMention(items.length ? 0 : -1);
  }

  private setActiveMention(index: number): void {
    this.mentionActive = index;
    this.mentionsEl.querySelectorAll('[role=option]').forEach((el, i) => el.setAttribute('aria-selected', String(i === index)));
    if (index >= 0) {
      this.input.setAttribute('aria-activedescendant', `mention-${index}`);
      this.mentionsEl.querySelector(`#mention-${index}`)?.scrollIntoView({ block: 'nearest' });
    } else this.input.removeAttribute('aria-activedescendant');
  }

  private pickMention(index: number): void {
    const item = this.mentionItems[index];
    const q = this.mentionQuery;
    if (!item || !q) return;
    const v = this.input.value;
    this.input.value = v.slice(0, q.start) + v.slice(q.end).replace(/^ /, '');
    this.input.setSelectionRange(q.start, q.start);
    this.events.draftChanged(this.input.value);
    this.events.post({ type: 'addMention', id: item.id, kind: item.kind });
    this.closeMentions();
    this.input.focus();
  }

  private closeMentions(): void {
    this.mentionQuery = null;
    this.mentionItems = [];
    this.mentionActive = -1;
    this.mentionsEl.hidden = true;
    this.mentionsEl.replaceChildren();
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  // ------------------------------------------------------------ questions from the host

  /** Shows the host's question above the input; the user's choice goes back as `answer`. */
  ask(requestId: string, question: Question): void {
    switch (question.kind) {
      case 'largeContext':
        return this.confirmLargeContext(requestId, question);
    }
  }

  private confirmLargeContext(requestId: string, { tokens, costUsd, contextWindow }: Extract<Question, { kind: 'largeContext' }>): void {
    const extra = (costUsd !== null ? t('confirmLargeCost', formatUsd(costUsd)) : '') +
      (contextWindow ? t('confirmLargeWindow', formatNumber(contextWindow)) : '');
    const answer = (send: boolean) => {
      this.confirmEl.hidden = true;
      this.confirmEl.replaceChildren();
      this.events.post({ type: 'answer', requestId, answer: { kind: 'largeContext', send } });
      this.input.focus();
    };
    const yes = textButton(undefined, t('confirmSend'), { class: 'text-button primary' });
    const no = textButton(undefined, t('cancel'), { class: 'text-button secondary' });
    yes.addEventListener('click', () => answer(true));
    no.addEventListener('click', () => answer(false));
    this.confirmEl.replaceChildren(
      h('div', { class: 'confirm-text', id: 'confirm-text' }, icon('warning'), h('span', {}, t('confirmLarge', formatNumber(tokens), extra))),
      h('div', { class: 'button-row' }, yes, no),
    );
    this.confirmEl.setAttribute('role', 'alertdialog');
    this.confirmEl.setAttribute('aria-labelledby', 'confirm-text');
    this.confirmEl.onkeydown = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        answer(false);
      }
    };
    this.confirmEl.hidden = false;
    yes.focus();
  }
}
