// One build script for every bundle: the extension (Node, CJS; out/extension.js for activation and
// out/core.js for the first use, see buildExtension), the chat webview (browser, IIFE),
// and the tests and benchmarks (Node, CJS, dependencies left to node_modules).
// Usage: node esbuild.mjs [--production] [--watch] [--only=extension,webview,tests]
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

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
  // Two bundles, built by buildExtension() below.
  extension: {
    ...common,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    minify: production,
    sourcesContent: !production,
    metafile: true,
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

// The extension is two bundles. out/extension.js (src/extension.ts) is what VS Code loads at
// activation: the log, the key store, the status bar and stand-ins. out/core.js (src/core.ts) is
// everything else (client, zod, chat, edits, completions), which extension.js require()s on first
// use. Each source module lives in exactly one of them: core.js takes the modules extension.js
// bundles from the loaded extension.js (exported as `__shell`), so a class has one identity and a
// module one state (e.g. `instanceof SecretStoreUnavailableError` across the two). The build fails
// when any module still lands in both.
const SHELL = 'src/extension.ts';
const CORE = 'src/core.ts';
const GREP_WORKER = 'src/agent/read/grepWorker.ts';

/** extension.js loads ./core.js from beside itself, at run time. */
const coreIsExternal = {
  name: 'core-is-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/core\.js$/ }, () => ({ path: './core.js', external: true }));
  },
};

/** In core.js, an import of a module extension.js has is that module as extension.js exports it. */
function takeFromShell(shellModules) {
  const shell = new Set(shellModules);
  return {
    name: 'take-from-shell',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.namespace !== 'file') return undefined;
        const base = relative('.', join(args.resolveDir, args.path)).split('\\').join('/');
        const hit = [base, `${base}.ts`, `${base}/index.ts`].find((p) => shell.has(p));
        return hit ? { path: hit, namespace: 'shell' } : undefined;
      });
      b.onResolve({ filter: /^\.\/extension\.js$/, namespace: 'shell' }, () => ({ path: './extension.js', external: true }));
      b.onLoad({ filter: /.*/, namespace: 'shell' }, (args) => ({
        contents: `module.exports = require('./extension.js').__shell[${JSON.stringify(args.path)}];`,
        loader: 'js',
        resolveDir: '.',
      }));
    },
  };
}

const sourceInputs = (metafile) => Object.keys(metafile.inputs).filter((p) => !p.includes(':') && p !== '<stdin>');

/** The shell's entry: src/extension.ts, plus every module it bundles, for core.js to take. */
function shellEntry(shellModules) {
  return [
    `export * from './${SHELL}';`,
    ...shellModules.map((p, i) => `import * as m${i} from './${p}';`),
    `export const __shell = { ${shellModules.map((p, i) => `${JSON.stringify(p)}: m${i}`).join(', ')} };`,
  ].join('\n');
}

async function buildExtension(opts) {
  // Which modules the shell bundles: those of src/extension.ts's import graph.
  const probe = await esbuild.build({ ...opts, entryPoints: [SHELL], outfile: 'out/extension.js', write: false, plugins: [coreIsExternal] });
  const shellModules = sourceInputs(probe.metafile).sort();
  const shellOpts = { ...opts, stdin: { contents: shellEntry(shellModules), resolveDir: '.', sourcefile: 'extension-entry.js', loader: 'js' }, outfile: 'out/extension.js', plugins: [coreIsExternal] };
  const coreOpts = { ...opts, entryPoints: [CORE], outfile: 'out/core.js', plugins: [takeFromShell(shellModules)] };
  // grep_search's regex runs in a worker thread, which loads a file of its own (see src/agent/read/regexWorker.ts).
  const workerOpts = { ...opts, entryPoints: [GREP_WORKER], outfile: 'out/grepWorker.js', metafile: false };
  if (watch) {
    // The split is decided once: a module newly imported by the shell needs a restart.
    for (const o of [shellOpts, coreOpts, workerOpts]) await (await esbuild.context(o)).watch();
    return;
  }
  const [shell, core] = await Promise.all([esbuild.build(shellOpts), esbuild.build(coreOpts), esbuild.build(workerOpts)]);
  const inShell = new Set(sourceInputs(shell.metafile));
  const twice = sourceInputs(core.metafile).filter((p) => inShell.has(p));
  if (twice.length) throw new Error(`esbuild: bundled in both out/extension.js and out/core.js: ${twice.join(', ')}`);
  const size = (m) => Object.values(m.outputs).find((o) => o.entryPoint || o.inputs['<stdin>'])?.bytes ?? NaN;
  extensionSizes = `extension.js ${(size(shell.metafile) / 1024).toFixed(0)} KB + core.js ${(size(core.metafile) / 1024).toFixed(0)} KB`;
}
let extensionSizes = '';

/** The webview loads codicons from the extension's own folder (node_modules is not packaged). */
function copyCodicons() {
  const from = 'node_modules/@vscode/codicons/dist';
  const to = 'media/dist/codicons';
  mkdirSync(to, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) copyFileSync(join(from, f), join(to, f));
}

const chosen = Object.entries(targets).filter(([name, opts]) => opts && (!only || only.has(name)) && (name !== 'tests' || opts.entryPoints.length > 0));

if (chosen.some(([n]) => n === 'webview')) copyCodicons();

const run = ([name, opts]) => (name === 'extension' ? buildExtension(opts) : watch ? esbuild.context(opts).then((c) => c.watch()) : esbuild.build(opts));
if (watch) {
  for (const c of chosen) await run(c);
  console.log('esbuild: watching', chosen.map(([n]) => n).join(', '));
} else {
  const t0 = Date.now();
  await Promise.all(chosen.map(run));
  console.log(`esbuild: built ${chosen.map(([n]) => n).join(', ')} in ${Date.now() - t0} ms${production ? ' (production)' : ''}${extensionSizes ? ` (${extensionSizes})` : ''}`);
}
