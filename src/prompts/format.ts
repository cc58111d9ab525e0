// How code is quoted to the model: fences longer than any backtick run inside, so code that
// contains ``` (Markdown in strings, docs) cannot end our block early.

import { fenceTag } from './languages';

export function fenceFor(text: string): string {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 96) {
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A fenced block; line ends normalised to \n (the model sees one convention; extraction restores the document's). */
export function codeBlock(text: string, languageId: string): string {
  const body = text.replace(/\r\n/g, '\n').replace(/\n$/, '');
  const fence = fenceFor(body);
  return `${fence}${fenceTag(languageId)}\n${body}\n${fence}`;
}

/** Lines a..b as people count them (1-based, inclusive). */
export function lineSpan(startLine: number, text: string): string {
  const body = text.replace(/\r?\n$/, '');
  let n = 1;
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 10) n++;
  return n === 1 ? `line ${startLine + 1}` : `lines ${startLine + 1}-${startLine + n}`;
}

/** The instruction to answer in the user's interface language, when it is not English. */
export function languageNote(locale: string | undefined): string {
  if (!locale) return '';
  const l = locale.toLowerCase();
  if (l.startsWith('zh')) return l.includes('tw') || l.includes('hk') || l.includes('hant') ? ' Write prose in Traditional Chinese unless the user writes in another language.' : ' Write prose in Simplified Chinese unless the user writes in another language.';
  if (l.startsWith('en')) return '';
  return ` Write prose in the language of the locale "${locale}" unless the user writes in another language.`;
}
