// Markdown text -> sanitized DOM. One pipeline for everything the view shows from a model:
// marked (GFM) -> DOMPurify -> code blocks framed with their buttons.
import { Marked, type Tokens } from 'marked';
import { frameCodeBlock } from './codeBlock';
import { highlightElement } from './highlight';
import { languageOf } from './language';
import { sanitizeToFragment } from './sanitize';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const SIMPLE_TAG = /^<\/?(?:br|kbd|sup|sub|b|i|em|strong|s|del|code)\s*\/?>$/i;

const marked = new Marked({
  gfm: true,
  breaks: false,
  async: false,
  renderer: {
    // Plain here; highlighted after sanitizing (see highlightElement), so DOMPurify never has
    // to walk the thousands of spans a highlighter makes.
    code({ text, lang }: Tokens.Code): string {
      const language = languageOf(lang);
      return `<pre><code${language ? ` class="language-${language}"` : ''}>${escapeHtml(text)}</code></pre>\n`;
    },
    // Raw HTML from the model is shown as text, except a few bare formatting tags (models put
    // <br> in table cells). DOMPurify would strip the rest anyway; not handing it markup with
    // handlers or styles also spares the console a CSP report for each, from its inert parse.
    html({ text }: Tokens.HTML | Tokens.Tag): string {
      return SIMPLE_TAG.test(text) ? text : escapeHtml(text);
    },
    // No image ever loads (tracking pixels, remote content): its alt text stands in.
    image({ text }: Tokens.Image): string {
      return `<span class="md-image">${escapeHtml(text)}</span>`;
    },
  },
});

/**
 * Renders untrusted markdown to nodes that are safe to insert. `highlight: false` for text that
 * is still streaming: its code is highlighted once, when final.
 */
export function renderMarkdown(text: string, { highlight = true }: { highlight?: boolean } = {}): DocumentFragment {
  const html = marked.parse(text) as string;
  const fragment = sanitizeToFragment(html);
  for (const pre of fragment.querySelectorAll('pre')) {
    const code = pre.querySelector('code');
    const language = /(?:^|\s)language-(\S+)/.exec(code?.className ?? '')?.[1] ?? '';
    frameCodeBlock(pre, language);
    if (code && highlight) highlightElement(code, language);
  }
  return fragment;
}
