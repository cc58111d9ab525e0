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

/** Raw tags let through so far: HTML holding one may be unbalanced (an unclosed <b>). */
let rawTags = 0;

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
      if (!SIMPLE_TAG.test(text)) return escapeHtml(text);
      rawTags++;
      return text;
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
  return finish(sanitizeToFragment(marked.parse(text) as string), highlight);
}

/**
 * Marks where one render ends and the next begins in a shared sanitizer pass. Our renderer never
 * emits a <div> (model HTML other than a few inline tags is escaped), so the first top-level
 * <div> of the result is this one.
 */
const SEPARATOR = '<div></div>';

/**
 * Renders two texts that are rendered separately, `first` final (highlighted) and `second`
 * still streaming, with one sanitizer pass, which costs a parse of a whole new document however
 * short the text. Same nodes as two `renderMarkdown` calls: when `first`'s HTML holds a raw tag
 * it may be unbalanced and leak into what follows it, so it is then sanitized on its own.
 */
export function renderMarkdownPair(first: string, second: string): [DocumentFragment, DocumentFragment] {
  const tagsBefore = rawTags;
  const firstHtml = marked.parse(first) as string;
  if (rawTags !== tagsBefore) return [finish(sanitizeToFragment(firstHtml), true), renderMarkdown(second, { highlight: false })];
  const both = sanitizeToFragment(firstHtml + SEPARATOR + (marked.parse(second) as string));
  let separator = both.firstChild;
  while (separator && separator.nodeName !== 'DIV') separator = separator.nextSibling;
  if (!separator) throw new Error('render separator lost');
  const rest = both.ownerDocument.createDocumentFragment();
  while (separator.nextSibling) rest.appendChild(separator.nextSibling);
  separator.remove();
  return [finish(both, true), finish(rest, false)];
}

/** Frames each code block, and highlights it if final. */
function finish(fragment: DocumentFragment, highlight: boolean): DocumentFragment {
  for (const pre of fragment.querySelectorAll('pre')) {
    const code = pre.querySelector('code');
    const language = /(?:^|\s)language-(\S+)/.exec(code?.className ?? '')?.[1] ?? '';
    frameCodeBlock(pre, language);
    if (code && highlight) highlightElement(code, language);
  }
  return fragment;
}
