// One question and its answer: reasoning (collapsible, open while it streams), the answer's text
// and tool calls in order, notes, error with its actions, usage and cost, and the turn's own buttons.
import type { AgentStop, TextPart, ToolCallPart, Turn, TurnError, TurnUsage } from '../protocol/messages';
import { joinedText, openPartIndex, textLength } from '../protocol/parts';
import { h, icon, iconButton, textButton } from './dom';
import { errorActionLabel, formatNumber, formatUsd, t, type MessageKey } from './l10n';
import { renderMarkdown } from './markdown';
import { StreamingMarkdown } from './streamingMarkdown';
import { changedFiles, isExpanded, toolCallRow } from './toolRow';

export const TURN_ACTION_ATTR = 'data-turn-action';
export const ERROR_ACTION_ATTR = 'data-error-action';

export type TurnAction = 'regenerate' | 'edit' | 'continue' | 'undoTask';

/** An agent task's running totals (agentProgress), beyond what the turn itself keeps. */
export interface AgentProgress {
  steps: number;
  usage?: TurnUsage;
  costUsd?: number | null;
  compacted?: number;
}

/** Values of turnEnd's finishReason that say why an agent task stopped on its own. */
const AGENT_STOPS: readonly string[] = ['maxSteps', 'loop', 'maxCost', 'interrupted'] satisfies AgentStop[];

export class TurnView {
  readonly element: HTMLElement;
  turn: Turn;
  private readonly questionEl: HTMLDivElement;
  private readonly roleEl: HTMLElement;
  private readonly answerBody: HTMLDivElement;
  private readonly notesEl: HTMLDivElement;
  private readonly footerEl: HTMLDivElement;
  private readonly errorEl: HTMLDivElement;
  private readonly trimmedEl: HTMLDivElement;
  private reasoningDetails: HTMLDetailsElement | null = null;
  private reasoningSummaryText: HTMLSpanElement | null = null;
  private reasoningStream: StreamingMarkdown | null = null;
  private answerStream: StreamingMarkdown | null = null;
  /** the text part answerStream shows; -1 while it waits for the step's first text */
  private answerStreamPart = -1;
  private progressEl: HTMLElement | null = null;
  private userToggledReasoning = false;
  private actionsEnabled = false;
  /** what setActionsEnabled last rendered */
  private actionsKey = '';
  /** the last agent task may be undone from here (the app decides which turn that is) */
  private undoable = false;
  private undoRequested = false;
  /** older tool results were shortened in this task (agentProgress; not kept in the turn) */
  /** each tool call's row, by call id */
  private readonly toolRows = new Map<string, HTMLElement>();
  /** calls the user answered whose row still waits for the host to move them on */
  private readonly decided = new Set<string>();

  constructor(turn: Turn) {
    // parts are copied: streamed text is added to them
    this.turn = { ...turn, parts: turn.parts.map((p) => ({ ...p })) };
    this.questionEl = h('div', { class: 'question' });
    this.trimmedEl = h('div', { class: 'note trimmed', hidden: true });
    this.answerBody = h('div', { class: 'answer-body' });
    this.notesEl = h('div', { class: 'turn-notes' });
    this.errorEl = h('div', { class: 'turn-error', hidden: true });
    this.footerEl = h('div', { class: 'turn-footer' });
    this.element = h(
      'article',
      { class: turn.mode === 'agent' ? 'turn agent' : 'turn', 'data-turn-id': turn.id },
      this.questionEl,
      h(
        'div',
        { class: 'answer' },
        (this.roleEl = h('div', { class: 'role' }, icon('sparkle'), h('span', { class: 'role-name' }, t('qwen')),
          turn.mode === 'agent' ? h('span', { class: 'agent-badge' }, t('agentBadge')) : null,
          turn.model ? h('span', { class: 'model-name' }, turn.model) : null)),
        this.trimmedEl,
        this.answerBody,
        this.notesEl,
        this.errorEl,
        this.footerEl,
      ),
    );
    this.renderQuestion();
    if (turn.trimmedTurns) this.setTrimmed(turn.trimmedTurns);
    if (turn.status === 'streaming') this.startStreaming();
    else this.renderFinished();
  }

  get id(): string {
    return this.turn.id;
  }

  get streaming(): boolean {
    return this.turn.status === 'streaming';
  }

  get isAgent(): boolean {
    return this.turn.mode === 'agent';
  }

  /** The call that waits for the user, if any (calls run in order: at most one). */
  get waitingCall(): ToolCallPart | undefined {
    return this.turn.parts.find((p): p is ToolCallPart => p.kind === 'toolCall' && p.status === 'pending');
  }

  // ------------------------------------------------------------ question

  private renderQuestion(): void {
    const t0 = this.turn;
    this.questionEl.replaceChildren(
      h('div', { class: 'role' }, icon('account'), h('span', { class: 'role-name' }, t('you')),
        this.actionsEnabled && t0.status !== 'streaming'
          ? h('span', { class: 'role-actions' }, iconButton('edit', t('editQuestion'), { [TURN_ACTION_ATTR]: 'edit', class: 'icon-button edit-question' }))
          : null),
      h('div', { class: 'question-text' }, t0.question),
      t0.context.length
        ? h('ul', { class: 'chips static', 'aria-label': t('contextChips') },
          ...t0.context.map((c) => h('li', { class: 'chip', title: c.detail ?? c.label }, icon(chipIcon(c.kind)), h('span', { class: 'chip-label' }, c.label))))
        : '',
    );
  }

  /** Swaps the question for an editor; Enter submits, Escape cancels. */
  editQuestion(onSubmit: (text: string) => void): void {
    const box = h('textarea', { class: 'edit-box', 'aria-label': t('editQuestionLabel'), rows: 3 });
    box.value = this.turn.question;
    const done = () => this.renderQuestion();
    const submit = () => {
      const text = box.value.trim();
      if (!text) return;
      done();
      onSubmit(text);
    };
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        submit();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        done();
        (this.questionEl.querySelector('.edit-question') as HTMLElement | null)?.focus();
      }
    });
    const send = textButton('send', t('saveAndSend'), { class: 'text-button primary' });
    send.addEventListener('click', submit);
    const cancel = textButton(undefined, t('cancel'), { class: 'text-button secondary' });
    cancel.addEventListener('click', done);
    this.questionEl.replaceChildren(h('div', { class: 'edit-question-form' }, box, h('div', { class: 'button-row' }, send, cancel)));
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }

  // ------------------------------------------------------------ streaming

  private startStreaming(): void {
    this.element.classList.add('streaming');
    this.element.setAttribute('aria-busy', 'true');
    const progress = (this.progressEl = h('div', { class: 'progress', 'aria-hidden': 'true' }, h('span'), h('span'), h('span')));
    this.answerBody.replaceChildren(progress);
    // A continued answer: its closed parts as they were, the step's text open to grow.
    const open = openPartIndex(this.turn.parts, 'text');
    this.turn.parts.forEach((p, i) => {
      if (p.kind === 'reasoning') this.ensureReasoning(true).append(p.text);
      else if (p.kind === 'toolCall') progress.before(this.row(p));
      else if (i === open) this.openAnswerStream(i).append(p.text);
      else progress.before(markdownBlock(p.text));
    });
    // Present from the start, as the place the answer will stream into.
    if (!this.answerStream) this.openAnswerStream(-1);
    this.renderNotesAndFooter();
  }

  /** The block the step's text streams into, after whatever came before it. */
  private openAnswerStream(partIndex: number): StreamingMarkdown {
    this.answerStream?.finish();
    this.answerStream = new StreamingMarkdown();
    this.answerStreamPart = partIndex;
    this.progressEl!.before(this.answerStream.element);
    return this.answerStream;
  }

  private ensureReasoning(streaming: boolean): StreamingMarkdown {
    if (!this.reasoningStream) {
      this.reasoningStream = new StreamingMarkdown();
      this.reasoningSummaryText = h('span', {}, streaming ? t('reasoningLive') : t('reasoning'));
      const summary = h('summary', {}, icon('chevron-right'), icon('thinking'), this.reasoningSummaryText);
      const details = h('details', { class: 'reasoning', open: streaming },
        summary,
        h('div', { class: 'reasoning-body' }, this.reasoningStream.element));
      // Not the toggle event: it also fires for the initial open state. Keyboard activation of
      // a summary is a click too.
      summary.addEventListener('click', () => {
        if (this.streaming) this.userToggledReasoning = true;
      });
      this.reasoningDetails = details;
      this.answerBody.before(details);
    }
    return this.reasoningStream;
  }

  appendText(text: string): void {
    if (!this.streaming) return;
    const parts = this.turn.parts;
    let i = openPartIndex(parts, 'text');
    if (i < 0) i = parts.push({ kind: 'text', text: '' }) - 1;
    if (i !== this.answerStreamPart || !this.answerStream) {
      // the block opened at the start waits for the first text; later steps get their own
      if (this.answerStreamPart < 0 && this.answerStream) this.answerStreamPart = i;
      else this.openAnswerStream(i);
    }
    this.answerStream!.append(text);
    (parts[i] as TextPart).text += text;
  }

  appendReasoning(text: string): void {
    if (!this.streaming) return;
    this.ensureReasoning(true).append(text);
    const parts = this.turn.parts;
    const i = openPartIndex(parts, 'reasoning');
    if (i < 0) parts.push({ kind: 'reasoning', text });
    else (parts[i] as TextPart).text += text;
  }

  /**
   * A tool call appears or changes: the part with its id is replaced in place, else it is added at
   * the end, which closes the step (the next text starts a part of its own, after this row), as the
   * host's parts do. Returns whether it was new.
   */
  upsertToolCall(part: ToolCallPart): boolean {
    const parts = this.turn.parts;
    const index = parts.findIndex((p) => p.kind === 'toolCall' && p.id === part.id);
    const copy = { ...part };
    if (part.status !== 'pending') this.decided.delete(part.id);
    if (index >= 0) {
      parts[index] = copy;
      const old = this.toolRows.get(part.id);
      if (old) {
        const hadFocus = old.contains(document.activeElement);
        const row = this.row(copy, isExpanded(old));
        old.replaceWith(row);
        if (hadFocus) (row.querySelector<HTMLElement>('[data-tool-decision]:not([disabled])') ?? row.querySelector<HTMLElement>('.tool-toggle'))?.focus();
      }
    } else {
      parts.push(copy);
      const row = this.row(copy);
      if (this.streaming && this.progressEl) {
        this.answerStream?.flush();
        // The block that waited for the step's first text got none: it would sit above the row.
        if (this.answerStreamPart < 0 && this.answerStream) {
          this.answerStream.element.remove();
          this.answerStream = null;
        }
        this.progressEl.before(row);
      } else {
        this.answerBody.append(row);
      }
    }
    this.renderNotesAndFooter();
    return index < 0;
  }

  /** The user answered a waiting call: its buttons stay disabled until the host moves it on. */
  markDecided(callId: string): void {
    this.decided.add(callId);
    this.toolRows.get(callId)?.querySelectorAll('[data-tool-decision]').forEach((b) => b.setAttribute('disabled', ''));
  }

  /** An agent task's running totals: steps, tokens and cost of all its requests so far. */
  setProgress(progress: AgentProgress): void {
    this.turn.steps = progress.steps;
    if (progress.usage) this.turn.usage = progress.usage;
    if (progress.costUsd !== undefined) this.turn.costUsd = progress.costUsd;
    if (progress.compacted !== undefined) this.turn.compacted = progress.compacted;
    this.renderNotesAndFooter();
  }

  /** Undo task was clicked: the button stays disabled (the host puts the files back). */
  markUndoRequested(): void {
    this.undoRequested = true;
    this.renderNotesAndFooter();
  }

  private row(p: ToolCallPart, expanded = false): HTMLElement {
    const row = toolCallRow(p, { expanded, decided: this.decided.has(p.id) });
    this.toolRows.set(p.id, row);
    return row;
  }

  /** Renders what arrived since the last frame. Returns whether anything changed. */
  flush(): boolean {
    let changed = false;
    if (this.reasoningStream?.flush()) changed = true;
    if (this.answerStream?.flush()) changed = true;
    return changed;
  }

  end(finishReason: string, usage: TurnUsage | undefined, costUsd: number | null | undefined, model?: string, agentStop?: AgentStop, steps?: number): void {
    this.finishStreams();
    if (model && !this.turn.model) {
      this.turn.model = model;
      this.roleEl.append(h('span', { class: 'model-name' }, model));
    }
    this.turn.status = finishReason === 'cancelled' ? 'stopped' : 'done';
    this.turn.finishReason = finishReason;
    // An agent task's totals came with agentProgress; an end without them keeps those.
    if (usage || !this.isAgent) this.turn.usage = usage;
    if (costUsd !== undefined || !this.isAgent) this.turn.costUsd = costUsd;
    if (steps !== undefined) this.turn.steps = steps;
    if (agentStop) this.turn.agentStop = agentStop;
    else if (this.isAgent && AGENT_STOPS.includes(finishReason)) this.turn.agentStop = finishReason as AgentStop;
    this.renderNotesAndFooter();
  }

  fail(error: TurnError): void {
    this.finishStreams();
    this.turn.status = 'error';
    this.turn.error = error;
    this.renderNotesAndFooter();
  }

  private finishStreams(): void {
    this.answerStream?.finish();
    this.reasoningStream?.finish();
    this.progressEl?.remove();
    this.element.classList.remove('streaming');
    this.element.removeAttribute('aria-busy');
    if (this.reasoningDetails && this.reasoningSummaryText) {
      this.reasoningSummaryText.textContent = t('reasoning');
      // Open while it streams; afterwards the answer is what matters, unless the user chose.
      if (!this.userToggledReasoning && textLength(this.turn.parts, 'text') > 0) this.reasoningDetails.open = false;
    }
  }

  // ------------------------------------------------------------ finished

  private renderFinished(): void {
    const reasoning = joinedText(this.turn.parts, 'reasoning');
    if (reasoning) {
      this.ensureReasoning(false);
      this.reasoningStream!.element.replaceChildren(renderMarkdown(reasoning));
    }
    const blocks = this.turn.parts.flatMap((p) => (p.kind === 'text' ? [markdownBlock(p.text)] : p.kind === 'toolCall' ? [this.row(p)] : []));
    // an answer with no text still has its (empty) block, as a streamed one does
    if (!this.turn.parts.some((p) => p.kind === 'text')) blocks.unshift(markdownBlock(''));
    this.answerBody.replaceChildren(...blocks);
    this.renderNotesAndFooter();
  }

  setTrimmed(droppedTurns: number): void {
    this.turn.trimmedTurns = droppedTurns;
    this.trimmedEl.hidden = false;
    this.trimmedEl.replaceChildren(icon('info'), h('span', {}, t('trimmedNote', droppedTurns === 1 ? t('trimmedOne') : t('trimmedMany', droppedTurns))));
  }

  /**
   * Regenerate, edit and continue apply to the last turn only, and never while streaming; Undo task
   * to the conversation's last agent task, when nothing streams.
   */
  setActionsEnabled(enabled: boolean, undoable = false): void {
    // Called for every turn whenever a turn starts or ends: a turn whose buttons stay as they are is
    // not rebuilt, so starting a turn costs the same in a long conversation as in a short one (and
    // the first words of an answer do not wait for the whole conversation to be laid out again).
    const key = `${enabled}|${undoable}|${this.turn.status}`;
    if (key === this.actionsKey) return;
    this.actionsKey = key;
    this.actionsEnabled = enabled;
    this.undoable = undoable;
    this.element.classList.toggle('last', enabled);
    if (!this.questionEl.querySelector('.edit-box')) this.renderQuestion();
    this.renderNotesAndFooter();
  }

  private renderNotesAndFooter(): void {
    const turn = this.turn;
    const notes: Node[] = [];
    if (turn.status === 'stopped') notes.push(note('debug-stop', t('stoppedNote')));
    if (turn.status === 'done' && turn.finishReason === 'length') notes.push(note('warning', t('cutOffNote')));
    if (turn.status === 'done' && turn.finishReason === 'content_filter') notes.push(note('warning', t('filteredNote')));
    if (turn.truncatedAt !== undefined) notes.push(note('warning', t('truncatedNote', formatNumber(turn.truncatedAt))));
    if ((turn.compacted ?? 0) > 0) notes.push(note('fold', t('compactedNote')));
    if (turn.agentStop) notes.push(note(turn.agentStop === 'interrupted' ? 'debug-disconnect' : 'warning', agentStopText(turn), 'agent-stop'));
    this.notesEl.replaceChildren(...notes);

    if (turn.status === 'error' && turn.error) {
      this.errorEl.hidden = false;
      this.errorEl.setAttribute('role', 'group');
      this.errorEl.setAttribute('aria-label', t('error'));
      this.errorEl.replaceChildren(
        h('div', { class: 'error-message' }, icon('error'), h('span', {}, turn.error.message)),
        turn.error.actions.length
          ? h('div', { class: 'button-row' }, ...turn.error.actions.map((a, i) =>
            textButton(undefined, errorActionLabel(a), { class: `text-button ${i === 0 ? 'primary' : 'secondary'}`, [ERROR_ACTION_ATTR]: a })))
          : '',
      );
    } else {
      this.errorEl.hidden = true;
      this.errorEl.replaceChildren();
    }

    const footer: Node[] = [];
    const streaming = turn.status === 'streaming';
    // While an agent task runs, its totals are in the status bar above the composer.
    if (turn.usage && !(streaming && this.isAgent)) footer.push(usageLine(turn.usage, turn.costUsd, this.isAgent ? turn.steps : undefined));
    else if (this.isAgent && !streaming && turn.steps) footer.push(h('div', { class: 'usage' }, stepsText(turn.steps)));
    const actions: HTMLElement[] = [];
    if (this.undoable && !streaming && this.isAgent && changedFiles(turn.parts)) {
      actions.push(textButton('discard', t('undoTask'), { class: 'text-button secondary', title: t('undoTaskTitle'), [TURN_ACTION_ATTR]: 'undoTask', disabled: this.undoRequested }));
    }
    if (this.actionsEnabled && !streaming) {
      if (turn.agentStop || (turn.status === 'done' && turn.finishReason === 'length')) {
        actions.push(textButton('debug-continue', t('continue'), { class: 'text-button secondary', [TURN_ACTION_ATTR]: 'continue' }));
      }
      actions.push(iconButton('refresh', t('regenerate'), { [TURN_ACTION_ATTR]: 'regenerate' }));
    }
    if (actions.length) footer.push(h('div', { class: 'turn-actions' }, ...actions));
    this.footerEl.replaceChildren(...footer);
    this.footerEl.hidden = footer.length === 0;
  }
}

function markdownBlock(text: string): HTMLElement {
  const md = h('div', { class: 'markdown' });
  if (text) md.append(renderMarkdown(text));
  return md;
}

function note(iconName: string, text: string, extraClass = ''): HTMLElement {
  return h('div', { class: extraClass ? `note ${extraClass}` : 'note' }, icon(iconName), h('span', {}, text));
}

const AGENT_STOP_TEXT: Record<AgentStop, MessageKey> = {
  maxSteps: 'agentStopMaxSteps',
  loop: 'agentStopLoop',
  maxCost: 'agentStopMaxCost',
  interrupted: 'agentStopInterrupted',
};

function agentStopText(turn: Turn): string {
  return t(AGENT_STOP_TEXT[turn.agentStop!], formatNumber(turn.steps ?? 0));
}

export function stepsText(steps: number): string {
  return steps === 1 ? t('stepsOne') : t('stepsMany', formatNumber(steps));
}

/** Tokens in (of them cached), out, thinking, and the cost: what a turn or a task used. */
export function usageText(usage: TurnUsage, costUsd: number | null | undefined): string {
  const parts = [t('usageIn', formatNumber(usage.promptTokens)), t('usageOut', formatNumber(usage.completionTokens))];
  if (usage.cachedTokens) parts.push(t('usageCached', formatNumber(usage.cachedTokens)));
  if (usage.reasoningTokens) parts.push(t('usageReasoning', formatNumber(usage.reasoningTokens)));
  if (costUsd !== undefined) parts.push(costUsd === null ? t('priceUnknown') : formatUsd(costUsd));
  return parts.join(' · ');
}

function usageLine(usage: TurnUsage, costUsd: number | null | undefined, steps?: number): HTMLElement {
  const text = usageText(usage, costUsd);
  return h('div', { class: 'usage', title: t('usageLabel') }, steps ? `${stepsText(steps)} · ${text}` : text);
}

export function chipIcon(kind: string): string {
  return kind === 'selection' ? 'list-selection' : kind === 'editor' ? 'files' : 'file';
}
