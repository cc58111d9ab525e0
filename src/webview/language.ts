// A code fence's info string is model output: only a plausible language name is used.

/** The info string's first word, lowercased, or '' when it is not a plausible language name. */
export function languageOf(info: string | undefined): string {
  const word = (info ?? '').trim().split(/\s/, 1)[0] ?? '';
  return /^[A-Za-z0-9_+#.-]{1,32}$/.test(word) ? word.toLowerCase() : '';
}
