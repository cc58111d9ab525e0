// Token estimates for budgeting, without a tokenizer in the bundle. Qwen's BPE gives about 3.5
// characters of code or English per token; a CJK character is about one token (Qwen often merges
// two, so this errs on the safe side: an estimate that is too high only trims a little early).

/** Kana, CJK ideographs (and extension A), Hangul, CJK punctuation, full-width forms. */
function isWide(c: number): boolean {
  return (
    (c >= 0x3000 && c <= 0x30ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7af) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xff00 && c <= 0xffef)
  );
}

export function estimateTokens(text: string): number {
  let ascii = 0;
  let wide = 0;
  let other = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) ascii++;
    else if (c >= 0xd800 && c <= 0xdbff) {
      // Astral: emoji, rare ideographs; a BPE byte-fallback costs about two tokens.
      wide += 2;
      i++;
    } else if (isWide(c)) wide++;
    else other++;
  }
  return Math.ceil(ascii / 3.5 + wide + other / 2);
}

/** Per-message framing of the chat template (`<|im_start|>role\n ... <|im_end|>\n`). */
export const MESSAGE_OVERHEAD_TOKENS = 4;
