#!/usr/bin/env node
// Installs the VS Code the tests drive: code-server (a full VS Code with a real Node extension host,
// served to a browser) plus the Node 24 it requires, into a cache folder outside the repository.
// The system Node stays untouched; the first install takes a few minutes (native modules are built
// from source because prebuilt downloads cannot be reached), later calls return at once.
//
// Usage: node test/vscode/install.mjs [--force] [--quiet]
// Env:   QWEN_TEST_CACHE  cache root (default ~/.cache/qwen-coder-test)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, renameSync, symlinkSync, writeFileSync, statSync, mkdtempSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
// node-<platform>-<arch> is the binary package that the `node` npm package downloads in its own
// preinstall script; taking it directly avoids a nested npm run and gives the headers too.
export const NODE_VERSION = '24.21.0';

// Dependencies whose install scripts must run: code-server's postinstall installs VS Code's own
// dependencies, which build native modules (node-pty, spdlog, kerberos, watcher, sqlite…).
const ALLOWED_SCRIPTS = [
  'code-server', 'argon2', 'koffi', '@parcel/watcher', '@vscode/deviceid', '@vscode/fs-copyfile',
  '@vscode/native-watchdog', '@vscode/spdlog', '@vscode/sqlite3', '@vscode/windows-ca-certs',
  '@vscode/windows-process-tree', '@vscode/windows-registry', 'cpu-features', 'kerberos', 'node-pty',
  'ssh2', 'esbuild', 'unrs-resolver',
];

export function cacheRoot() {
  return process.env.QWEN_TEST_CACHE || join(homedir(), '.cache', 'qwen-coder-test');
}

/** Where the tools live, whether or not they are installed yet. */
export function toolPaths(root = cacheRoot()) {
  return toolPathsFor(join(root, `code-server-${CODE_SERVER_VERSION}`));
}

export function toolPathsFor(dir) {
  return {
    dir,
    marker: join(dir, '.install-complete'),
    node: join(dir, 'bin', 'node'),
    codeServerEntry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

export function isInstalled(root = cacheRoot()) {
  return existsSync(toolPaths(root).marker);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

function run(cmd, args, opts, log) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    const onData = (d) => {
      const s = d.toString();
      log(s);
      tail.push(s);
      if (tail.length > 200) tail.shift();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${code ?? signal}):\n${tail.join('').slice(-4000)}`));
    });
  });
}

/** An environment for npm with nothing inherited from a parent npm run (npm test sets many). */
function cleanNpmEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

async function installInto(dir, log) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  const nodePkg = `node-${process.platform}-${process.arch}`;
  const pkg = {
    name: 'qwen-coder-test-tools',
    private: true,
    description: 'The VS Code (code-server) that qwen-coder tests drive; created by test/vscode/install.mjs',
    dependencies: { [nodePkg]: NODE_VERSION },
    allowScripts: Object.fromEntries(ALLOWED_SCRIPTS.map((n) => [n, true])),
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  log(`[install] ${nodePkg}@${NODE_VERSION}\n`);
  await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env: cleanNpmEnv({}) }, log);
  const nodeDist = join(dir, 'node_modules', nodePkg);
  symlinkSync(join('..', 'node_modules', nodePkg, 'bin', 'node'), join(dir, 'bin', 'node'));

  // code-server's postinstall insists on an npm running on Node 24, and node-gyp must see Node 24's
  // headers (this machine's ~/.npmrc points nodedir at the system Node's).
  const env = cleanNpmEnv({ PATH: `${join(dir, 'bin')}:${process.env.PATH}`, npm_config_nodedir: nodeDist });
  log(`[install] code-server@${CODE_SERVER_VERSION} (downloads ~100 MB)\n`);
  pkg.dependencies['code-server'] = CODE_SERVER_VERSION;
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', '--ignore-scripts'], { cwd: dir, env }, log);

  // The postinstall runs `npm install` again inside lib/vscode and lib/vscode/extensions: each is its
  // own npm project, so npm 11 would silently skip their native builds unless their own package.json
  // approves them (an allow-scripts config would be exported to the nested npm as an env setting,
  // which npm rejects in a project install).
  const cs = join(dir, 'node_modules', 'code-server');
  for (const sub of ['lib/vscode', 'lib/vscode/extensions']) {
    const file = join(cs, sub, 'package.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.allowScripts = pkg.allowScripts;
    writeFileSync(file, JSON.stringify(json, null, 2));
  }
  log('[install] building native modules (about 2 minutes)\n');
  await run('npm', ['rebuild', '--no-audit', '--no-fund'], { cwd: dir, env }, log);
}

/** Starts the installed code-server once and waits for /healthz, so a broken build is caught here. */
async function verify(dir, log) {
  const { startCodeServer } = await import('./code-server.mjs');
  // npm skips blocked install scripts silently: check that the native modules were really built.
  const vsc = join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  for (const m of ['@vscode/spdlog/build/Release/spdlog.node', 'kerberos/build/Release/kerberos.node', '@vscode/sqlite3/build/Release/vscode-sqlite3.node']) {
    if (!existsSync(join(vsc, m))) throw new Error(`native module missing after install: ${m}`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'qwen-cs-verify-'));
  const server = await startCodeServer({ tools: toolPathsFor(dir), scratch });
  try {
    const res = await fetch(`${server.url}/healthz`);
    if (!res.ok) throw new Error(`healthz answered ${res.status}`);
    log(`[install] verified: code-server answers on ${server.url}\n`);
  } finally {
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Makes sure code-server is installed; returns its paths. Safe to call from several processes at
 * once: one installs under a lock folder, the others wait for the marker.
 */
export async function ensureCodeServer({ force = false, log = (s) => process.stderr.write(s) } = {}) {
  const root = cacheRoot();
  const paths = toolPaths(root);
  if (!force && existsSync(paths.marker)) return paths;
  mkdirSync(root, { recursive: true });
  const lock = `${paths.dir}.lock`;
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = 0;
      try { owner = Number(readFileSync(join(lock, 'pid'), 'utf8')); } catch { /* being written */ }
      let age = 0;
      try { age = Date.now() - statSync(lock).mtimeMs; } catch { continue; }
      if ((owner && !alive(owner)) || (!owner && age > 60_000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another install (lock ${lock})`);
      await sleep(2000);
      if (!force && existsSync(paths.marker)) return paths;
    }
  }
  try {
    if (!force && existsSync(paths.marker)) return paths;
    const t0 = Date.now();
    const partial = `${paths.dir}.partial`;
    // A finished npm run whose check failed (or was interrupted after npm) is not built again.
    const built = join(partial, '.npm-complete');
    if (force || !existsSync(built)) {
      await installInto(partial, log);
      writeFileSync(built, '');
    }
    await verify(partial, log);
    writeFileSync(join(partial, '.install-complete'), JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, seconds: Math.round((Date.now() - t0) / 1000) }) + '\n');
    rmSync(paths.dir, { recursive: true, force: true });
    renameSync(partial, paths.dir);
    log(`[install] code-server ${CODE_SERVER_VERSION} ready in ${paths.dir} (${Math.round((Date.now() - t0) / 1000)} s)\n`);
    return paths;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quiet = process.argv.includes('--quiet');
  const force = process.argv.includes('--force');
  ensureCodeServer({ force, log: quiet ? () => {} : (s) => process.stderr.write(s) })
    .then((p) => console.log(p.dir))
    .catch((e) => { console.error(e.message); process.exit(1); });
}

export const HERE = dirname(fileURLToPath(import.meta.url));
