// Serves the built webview exactly as the extension does (same page, same CSP, from
// renderWebviewHtml) on 127.0.0.1, plus test-only theme variables, and records every request
// so tests can prove that nothing else (a tracking pixel, a remote script) was fetched.
import { readFileSync, existsSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { createNonce, renderWebviewHtml } from '../../../src/protocol/html';
import type { Locale } from '../../../src/protocol/messages';

export type Theme = 'dark' | 'light' | 'hc';

export interface ViewServer {
  origin: string;
  /** every path requested, in order */
  readonly requests: string[];
  viewUrl(options?: { locale?: Locale; theme?: Theme }): string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.png': 'image/png',
  '.html': 'text/html',
};

/** 1x1 transparent PNG: what a tracking pixel would get if it were ever requested. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'qwen-coder') return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}

export async function startViewServer(): Promise<ViewServer> {
  const root = repoRoot();
  const dist = join(root, 'media', 'dist');
  if (!existsSync(join(dist, 'webview.js'))) throw new Error('media/dist/webview.js is missing: run `node esbuild.mjs` first');
  const mounts: [string, string][] = [
    ['/dist/', dist],
    ['/codicons/', join(root, 'node_modules', '@vscode', 'codicons', 'dist')],
    ['/theme/', join(root, 'test', 'webview', 'fixtures')],
  ];
  const requests: string[] = [];
  let origin = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url.pathname + url.search);
    if (url.pathname === '/view') {
      const locale = (url.searchParams.get('locale') ?? 'en') as Locale;
      const theme = (url.searchParams.get('theme') ?? 'dark') as Theme;
      let html = renderWebviewHtml({
        cspSource: origin,
        nonce: createNonce(),
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/dist/webview-style.css`,
        codiconsUri: `${origin}/codicons/codicon.css`,
        locale,
      });
      // VS Code sets the theme's colours as --vscode-* variables and a theme class on <body>.
      const kind = theme === 'hc' ? 'vscode-high-contrast' : `vscode-${theme}`;
      html = html
        .replace('<link rel="stylesheet"', `<link rel="stylesheet" href="${origin}/theme/theme-${theme}.css">\n<link rel="stylesheet"`)
        .replace('<body>', `<body class="${kind}" data-vscode-theme-kind="${kind}">`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    if (url.pathname === '/favicon.ico') {
      // The browser asks on its own; not something the page loads.
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname === '/track.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PIXEL);
      return;
    }
    for (const [prefix, dir] of mounts) {
      if (!url.pathname.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(url.pathname.slice(prefix.length))));
      if (!file.startsWith(dir + sep) || !existsSync(file)) break;
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    viewUrl: ({ locale = 'en', theme = 'dark' } = {}) => `${origin}/view?locale=${locale}&theme=${theme}`,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
