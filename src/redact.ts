// Scrubs secrets out of any text before it reaches a log, an error message or the webview.
// Pure (no vscode) so the client and the glue share it.

const BEARER = /(authorization\s*[:=]\s*"?)(bearer\s+)?[^\s",}]+/gi;
const KEYLIKE = /\bsk-[A-Za-z0-9_-]{8,}\b/g;

export function redact(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) {
    // Very short strings would blank out ordinary words; real keys are long.
    if (s && s.length >= 6) out = out.split(s).join('***');
  }
  return out.replace(BEARER, (_m, head: string, bearer?: string) => `${head}${bearer ?? ''}***`).replace(KEYLIKE, 'sk-***');
}
