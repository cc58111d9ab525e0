// The one scrubber: every line for the log, every server text shown in an error and every message
// the glue writes passes through it, so a key, a bearer token or a URL's password never shows.
// Pure (no vscode) so the client and the glue share it.

/** `Authorization: Bearer …` (also `authorization="…"` in dumped JSON); `none` and `***` stay. */
const BEARER = /(authorization"?\s*[:=]\s*"?(?:bearer\s+)?)(?!none\b|\*\*\*|bearer\s+\*\*\*)[^\s",})]+/gi;
const KEYLIKE = /\bsk-[A-Za-z0-9_-]{8,}/g;
/** `scheme://user:pass@` up to the last `@` before the path, as a URL parser reads it. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;

/** Very short strings would blank out ordinary words; real keys are long. */
const MIN_SECRET = 6;

export function scrub(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= MIN_SECRET) out = out.split(s).join('***');
  return out.replace(BEARER, '$1***').replace(KEYLIKE, 'sk-***').replace(USERINFO, '$1***@');
}
