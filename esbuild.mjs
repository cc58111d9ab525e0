// One build script for every bundle: the extension (Node, CJS), the chat webview (browser, IIFE),
// and the tests and benchmarks (Node, CJS, dependencies left to node_modules).
// Usage: node esbuild.mjs [--production] [--watch] [--only=extension,webview,tests]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const production = args.includes('--production');
const watch = args.includes('--watch');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;

/** Every .ts file under dir whose name matches, skipping fixtures. */
function walk(dir, match) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures' && name !== 'node_modules') out.push(...walk(p, match));
    } else if (match(name)) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  legalComments: 'none',
};

const targets = {
  extension: {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'out/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    minify: production,
    sourcesContent: !production,
  },
  webview: existsSync('src/webview/main.ts') && {
    ...common,
    entryPoints: { webview: 'src/webview/main.ts', ...(existsSync('src/webview/main.css') ? { 'webview-style': 'src/webview/main.css' } : {}) },
    outdir: 'media/dist',
    platform: 'browser',
    format: 'iife',
    target: ['chrome120'],
    minify: production,
    sourcesContent: !production,
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
  },
  tests: {
    ...common,
    entryPoints: [
      ...walk('test', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts')),
      ...walk('bench', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts')),
    ],
    outdir: 'out',
    outbase: '.',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    external: ['vscode'],
  },
};

/** The webview loads codicons from the extension's own folder (node_modules is not packaged). */
function copyCodicons() {
  const from = 'node_modules/@vscode/codicons/dist';
  const to = 'media/dist/codicons';
  mkdirSync(to, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(from, f), join(to, f));
}

const chosen = Object.entries(targets).filter(([name, opts]) => opts && (!only || only.has(name)) && (name !== 'tests' || opts.entryPoints.length > 0));

if (chosen.some(([n]) => n === 'webview')) copyCodicons();

if (watch) {
  for (const [, opts] of chosen) await (await esbuild.context(opts)).watch();
  console.log('esbuild: watching', chosen.map(([n]) => n).join(', '));
} else {
  const t0 = Date.now();
  await Promise.all(chosen.map(([, opts]) => esbuild.build(opts)));
  console.log(`esbuild: built ${chosen.map(([n]) => n).join(', ')} in ${Date.now() - t0} ms${production ? ' (production)' : ''}`);
}
