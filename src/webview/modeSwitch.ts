// The composer's Ask / Agent switch: a two-option radio group (arrow keys move and choose, as in
// any radio group; one tab stop). Choosing tells the host, which answers with `mode`.
import type { ChatMode } from '../protocol/messages';
import { h, icon } from './dom';
import { t } from './l10n';

const MODES: readonly ChatMode[] = ['ask', 'agent'];

export class ModeSwitch {
  readonly element: HTMLElement;
  private readonly buttons: HTMLButtonElement[];
  private mode: ChatMode = 'ask';

  constructor(private readonly choose: (mode: ChatMode) => void) {
    this.buttons = MODES.map((mode) =>
      h('button', {
        type: 'button',
        class: 'mode-option',
        role: 'radio',
        'data-mode': mode,
        'aria-checked': 'false',
        title: mode === 'agent' ? t('modeAgentTitle') : t('modeAskTitle'),
      }, icon(mode === 'agent' ? 'tools' : 'comment'), h('span', { class: 'mode-label' }, mode === 'agent' ? t('modeAgent') : t('modeAsk'))));
    this.element = h('div', { class: 'mode-switch', role: 'radiogroup', 'aria-label': t('modeLabel') }, ...this.buttons);
    this.buttons.forEach((b, i) => {
      b.addEventListener('click', () => this.pick(MODES[i]!));
      b.addEventListener('keydown', (e) => {
        const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
        if (!step) return;
        e.preventDefault();
        const next = (i + step + MODES.length) % MODES.length;
        this.pick(MODES[next]!);
        this.buttons[next]!.focus();
      });
    });
    this.set('ask');
  }

  set(mode: ChatMode): void {
    this.mode = mode;
    this.buttons.forEach((b, i) => {
      const on = MODES[i] === mode;
      b.setAttribute('aria-checked', String(on));
      b.tabIndex = on ? 0 : -1;
    });
  }

  private pick(mode: ChatMode): void {
    if (mode === this.mode) return;
    this.set(mode);
    this.choose(mode);
  }
}
