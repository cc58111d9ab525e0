// Syntax highlighting for finished code blocks. highlight.js core plus the languages people
// ask about most keeps the bundle small; no eval, no WebAssembly (the CSP allows neither).
// Highlighting runs only when a fence has closed, never per frame.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import lua from 'highlight.js/lib/languages/lua';
import makefile from 'highlight.js/lib/languages/makefile';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import powershell from 'highlight.js/lib/languages/powershell';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import scss from 'highlight.js/lib/languages/scss';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = {
  bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, kotlin, lua, makefile,
  markdown, php, plaintext, powershell, python, ruby, rust, scss, shell, sql, swift, typescript, xml, yaml,
};
for (const [name, definition] of Object.entries(languages)) hljs.registerLanguage(name, definition);
hljs.registerAliases(['vue', 'svelte'], { languageName: 'xml' });
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });
hljs.registerAliases(['text', 'txt', 'output'], { languageName: 'plaintext' });
hljs.configure({ ignoreUnescapedHTML: true });

export function canHighlight(language: string): boolean {
  return !!language && !!hljs.getLanguage(language);
}

/**
 * Highlights a <code> element's text in place. No auto-detection (it would run every grammar).
 * highlight.js returns HTML; rather than parse it (and sanitize thousands of spans), it is read
 * back by a reader that knows only `<span class="...">`, `</span>` and escaped text: anything
 * else and the block simply stays plain.
 */
export function highlightElement(code: HTMLElement, language: string): void {
  if (!canHighlight(language)) return;
  const html = hljs.highlight(code.textContent ?? '', { language, ignoreIllegals: true }).value;
  const nodes = readHighlighted(html);
  if (!nodes) return;
  code.replaceChildren(nodes);
  code.classList.add('hljs');
}

const TOKEN = /<span class="([a-z0-9_ -]*)">|<\/span>|[^<]+|</gy;
const ENTITY = /&(?:amp|lt|gt|quot|#x27|#39);/g;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#39;': "'" };

export function readHighlighted(html: string): DocumentFragment | undefined {
  const root = document.createDocumentFragment();
  const stack: (DocumentFragment | HTMLSpanElement)[] = [root];
  TOKEN.lastIndex = 0;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = TOKEN.exec(html))) {
    const token = m[0];
    end = m.index + token.length;
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) {
      const span = document.createElement('span');
      span.className = m[1];
      top.appendChild(span);
      stack.push(span);
    } else if (token === '</span>') {
      if (stack.length === 1) return undefined;
      stack.pop();
    } else if (token === '<') {
      return undefined;
    } else {
      top.appendChild(document.createTextNode(token.includes('&') ? token.replace(ENTITY, (e) => ENTITIES[e]!) : token));
    }
  }
  return stack.length === 1 && end === html.length ? root : undefined;
}
