// The list of saved conversations (the toolbar's history button shows it): open one, delete one.
import type { ConversationSummary, WebviewToHost } from '../protocol/messages';
import { h, iconButton } from './dom';
import { formatDate, t } from './l10n';

export class ConversationList {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private conversations: ConversationSummary[] = [];
  private currentId: string | null = null;

  constructor(
    private readonly post: (message: WebviewToHost) => void,
    private readonly close: () => void,
  ) {
    this.list = h('ul', { class: 'history-list' });
    this.element = h('section', { class: 'history', 'aria-label': t('history'), hidden: true },
      h('h2', { class: 'section-title' }, t('history')),
      this.list);
    this.list.addEventListener('click', (e) => {
      const button = (e.target as Element).closest('button[data-open], button[data-delete]');
      if (!button) return;
      const open = button.getAttribute('data-open');
      const del = button.getAttribute('data-delete');
      if (open) {
        this.post({ type: 'openConversation', id: open });
        this.close();
      } else if (del) {
        const row = button.closest('li');
        const next = (row?.nextElementSibling ?? row?.previousElementSibling)?.querySelector<HTMLElement>('button[data-open]');
        this.post({ type: 'deleteConversation', id: del });
        this.set(this.conversations.filter((c) => c.id !== del), this.currentId);
        next?.focus();
      }
    });
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
  }

  set(conversations: ConversationSummary[], currentId: string | null): void {
    this.conversations = conversations;
    this.currentId = currentId;
    const sorted = [...conversations].sort((a, b) => b.updatedAt - a.updatedAt);
    this.list.replaceChildren(
      ...(sorted.length
        ? sorted.map((c) => {
          const title = c.title || t('untitled');
          return h('li', { class: c.id === currentId ? 'current' : undefined },
            h('button', { type: 'button', class: 'history-open', 'data-open': c.id, 'aria-label': t('openConversationNamed', title), 'aria-current': c.id === currentId ? 'true' : undefined },
              h('span', { class: 'history-title' }, title),
              h('span', { class: 'history-meta' }, `${formatDate(c.updatedAt)} · ${c.turnCount === 1 ? t('oneTurn') : t('turnsCount', c.turnCount)}`)),
            iconButton('trash', t('deleteConversationNamed', title), { 'data-delete': c.id }));
        })
        : [h('li', { class: 'history-empty' }, t('noConversations'))]),
    );
  }

  focusFirst(): void {
    (this.list.querySelector<HTMLElement>('button[data-open]') ?? this.element).focus();
  }
}
