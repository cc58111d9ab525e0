// The one gate between model output and the DOM. Answers are untrusted: an allowlist of the
// tags markdown produces, no event handlers, no styles, no images, links only to http(s) and
// mailto (and those never navigate: the view asks the host to open them).
import createDOMPurify from 'dompurify';

const purify = createDOMPurify(window);

const ALLOWED_TAGS = [
  'a', 'b', 'blockquote', 'br', 'code', 'del', 'div', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i',
  'input', 'kbd', 'li', 'ol', 'p', 'pre', 's', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td',
  'tfoot', 'th', 'thead', 'tr', 'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'class', 'start', 'align', 'type', 'checked', 'disabled', 'colspan', 'rowspan'];

export const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;

/** Classes our markdown renderer emits; anything else could mimic the UI. */
const SAFE_CLASS = /^(?:language-[a-z0-9_+#.-]{1,32}|md-image)$/;

purify.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName === 'class') {
    const kept = data.attrValue.split(/\s+/).filter((c) => SAFE_CLASS.test(c));
    if (kept.length) data.attrValue = kept.join(' ');
    else data.keepAttr = false;
  }
});

purify.addHook('afterSanitizeAttributes', (node) => {
  if (node instanceof HTMLAnchorElement) {
    const href = node.getAttribute('href');
    if (href !== null && !SAFE_LINK.test(href.trim())) node.removeAttribute('href');
  } else if (node instanceof HTMLInputElement) {
    // Only GFM task-list boxes, and never interactive.
    if (node.getAttribute('type') !== 'checkbox') node.remove();
    else node.setAttribute('disabled', '');
  }
});

// Set once: passing the config on every call would rebuild its tables each time, and the
// streaming renderer calls this for every block.
purify.setConfig({
  ALLOWED_TAGS,
  ALLOWED_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOWED_URI_REGEXP: SAFE_LINK,
  RETURN_DOM_FRAGMENT: true,
});

/** Sanitized nodes, already adopted into this document. */
export function sanitizeToFragment(html: string): DocumentFragment {
  return purify.sanitize(html) as unknown as DocumentFragment;
}
