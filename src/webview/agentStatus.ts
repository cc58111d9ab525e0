// The running agent task's status line, between the conversation and the composer: whether it
// works or waits for the user, its step, the cost and tokens of all its steps so far, and Stop.
// It stays in view however far the conversation scrolls, for as long as the task runs.
import { h, icon, textButton } from './dom';
import { formatUsd, t } from './l10n';
import { usageText, type TurnView } from './turnView';

export class AgentStatusBar {
  readonly element: HTMLElement;
  private readonly iconEl: HTMLElement;
  private readonly stateEl: HTMLElement;
  private readonly usageEl: HTMLElement;
  private readonly stopButton: HTMLButtonElement;

  constructor(stop: () => void) {
    this.iconEl = h('span', { class: 'agent-bar-icon' });
    this.stateEl = h('span', { class: 'agent-bar-state' });
    this.usageEl = h('span', { class: 'agent-bar-usage' });
    this.stopButton = textButton('debug-stop', t('agentStopButton'), { class: 'text-button secondary agent-stop', title: t('agentStopLabel'), 'aria-label': t('agentStopLabel') });
    this.stopButton.addEventListener('click', () => stop());
    this.element = h('div', { class: 'agent-bar', role: 'region', 'aria-label': t('agentBarLabel'), hidden: true },
      this.iconEl,
      h('div', { class: 'agent-bar-text' }, this.stateEl, this.usageEl),
      this.stopButton);
  }

  /** Shows the task's totals, or hides the line when no agent task runs. */
  render(task: TurnView | undefined): void {
    if (!task) {
      if (this.element.contains(document.activeElement)) document.querySelector<HTMLElement>('.composer .input')?.focus();
      this.element.hidden = true;
      return;
    }
    const { steps, usage, costUsd } = task.turn;
    const waiting = task.waitingCall !== undefined;
    this.element.hidden = false;
    this.element.classList.toggle('waiting', waiting);
    this.iconEl.replaceChildren(icon(waiting ? 'bell-dot' : 'loading codicon-modifier-spin'));
    const state = [waiting ? t('agentWaiting') : t('agentWorking')];
    if (steps) state.push(t('agentStep', steps));
    if (costUsd !== undefined) state.push(costUsd === null ? t('priceUnknown') : formatUsd(costUsd));
    this.stateEl.textContent = state.join(' · ');
    this.usageEl.textContent = usage ? usageText(usage, undefined) : '';
    this.usageEl.hidden = !usage;
  }
}
