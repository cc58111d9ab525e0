// The chat webview's page, shared by the extension host and the browser tests so both serve
// exactly the same Content-Security-Policy. Pure: no vscode, no Node.
import type { Locale } from './messages';

export interface WebviewHtmlOptions {
  /** `webview.cspSource`: the only origin scripts' assets, styles and fonts may come from */
  cspSource: string;
  /** fresh per page load; the only script allowed to run carries it */
  nonce: string;
  scriptUri: string;
  styleUri: string;
  codiconsUri: string;
  locale: Locale;
}

/**
 * No inline script or style, no eval, no remote anything. form-action and base-uri do not
 * fall back to default-src, so they are closed explicitly. Trusted Types make any string
 * reaching an HTML sink throw unless it went through DOMPurify's policy.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types dompurify',
  ].join('; ');
}

export function renderWebviewHtml(o: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('webview nonce must be at least 16 base64 characters');
  // VS Code's cspSource may list several sources ("'self' https://*.vscode-cdn.net"); only a
  // directive separator or a line break could smuggle in another directive.
  if (/[;\r\n,]/.test(o.cspSource)) throw new Error('unexpected characters in cspSource');
  const attr = escapeAttribute;
  const lang = o.locale === 'zh-cn' ? 'zh-CN' : 'en';
  return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(o.cspSource, o.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(o.codiconsUri)}">
<link rel="stylesheet" href="${attr(o.styleUri)}">
<title>Qwen Chat</title>
</head>
<body>
<div id="app" data-locale="${attr(o.locale)}"></div>
<script nonce="${attr(o.nonce)}" src="${attr(o.scriptUri)}"></script>
</body>
</html>
`;
}

/** 24 random bytes as URL-safe base64, from Web Crypto (present in Node 20 and browsers). */
export function createNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
