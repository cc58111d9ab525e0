// The frame around every code block in an answer: language label and Copy / Insert / Apply.
// The buttons carry data-code-action; sanitized answer HTML can never carry data-* or buttons,
// so a click handler that trusts that attribute only ever sees our own buttons.
import { h, iconButton } from './dom';
import { t } from './l10n';

export const CODE_ACTION_ATTR = 'data-code-action';

/** Wraps a <pre> (already holding its <code>) in the code block frame, in place if it has a parent. */
export function frameCodeBlock(pre: HTMLPreElement, language: string): HTMLDivElement {
  const root = h('div', {
    class: 'code-block',
    role: 'group',
    'aria-label': language ? t('codeBlockIn', language) : t('codeBlock'),
    'data-language': language,
  });
  const header = h(
    'div',
    { class: 'code-header' },
    h('span', { class: 'code-language' }, language),
    h(
      'div',
      { class: 'code-actions' },
      iconButton('copy', t('copyCode'), { [CODE_ACTION_ATTR]: 'copy' }),
      iconButton('insert', t('insertCode'), { [CODE_ACTION_ATTR]: 'insert' }),
      iconButton('git-compare', t('applyCode'), { [CODE_ACTION_ATTR]: 'apply' }),
    ),
  );
  if (pre.parentNode) pre.replaceWith(root);
  root.append(header, pre);
  return root;
}

/** An empty framed block for a fence that is still streaming; its text goes into `code`. */
export function openCodeBlock(language: string): { root: HTMLDivElement; code: HTMLElement } {
  const code = h('code', language ? { class: `language-${language}` } : {});
  const root = frameCodeBlock(h('pre', {}, code), language);
  root.classList.add('streaming');
  return { root, code };
}

/** The code and language a code-block button acts on. */
export function codeOfButton(button: Element): { code: string; language: string } | undefined {
  const block = button.closest('.code-block');
  const code = block?.querySelector('pre > code');
  if (!block || !code) return undefined;
  return { code: code.textContent ?? '', language: block.getAttribute('data-language') ?? '' };
}
