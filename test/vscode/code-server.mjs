// Starting and stopping the installed code-server, and the headless Chromium that shows its
// workbench. Shared by the extension-host test launcher, the e2e driver and `npm start`.
import { spawn, execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolPaths } from './install.mjs';

export const CHROMIUM = process.env.QWEN_TEST_CHROMIUM || '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialling hosts this machine cannot reach.
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--disable-extensions',
  '--disable-default-apps', '--no-default-browser-check', '--password-store=basic',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let reaper;
/** Once per process: a watchdog that ends what this process started if it dies without cleaning up. */
export function startReaper() {
  if (reaper) return;
  reaper = spawn(process.execPath, [fileURLToPath(new URL('./reaper.mjs', import.meta.url)), String(process.pid)], { detached: true, stdio: 'ignore' });
  reaper.unref();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Every descendant pid of pid, read from /proc (children re-parented after a kill escape a group walk). */
function descendants(pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch { /* exited meanwhile */ }
  }
  const out = [];
  const stack = [pid];
  while (stack.length) {
    for (const c of children.get(stack.pop()) ?? []) { out.push(c); stack.push(c); }
  }
  return out;
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Stops a process started with detached: true, its group, and any descendant that left the group. */
export async function killGroup(child, graceMs = 3000) {
  if (!child?.pid) return;
  const pids = [child.pid, ...descendants(child.pid)];
  const signal = (sig) => {
    try { process.kill(-child.pid, sig); } catch { /* group gone */ }
    for (const p of pids) { try { process.kill(p, sig); } catch { /* gone */ } }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && pids.some(alive)) await sleep(50);
  if (pids.some(alive)) signal('SIGKILL');
  for (let i = 0; i < 40 && pids.some(alive); i++) await sleep(50);
}

/** The environment code-server and its extension host get: the caller's, minus what would confuse a nested VS Code. */
function serverEnv(scratch, extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VSCODE_|ELECTRON_)/.test(k) || /^npm_/i.test(k)) continue;
    env[k] = v;
  }
  Object.assign(env, {
    XDG_CONFIG_HOME: join(scratch, 'xdg-config'),
    XDG_DATA_HOME: join(scratch, 'xdg-data'),
    XDG_CACHE_HOME: join(scratch, 'xdg-cache'),
    XDG_STATE_HOME: join(scratch, 'xdg-state'),
  }, extra);
  return env;
}

export function dirsIn(scratch) {
  const dirs = { userData: join(scratch, 'user-data'), extensions: join(scratch, 'extensions') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  return dirs;
}

/**
 * What every test and bench workbench starts with: a quiet window with nothing of its own on
 * screen, no network, no AI features of VS Code's own, and no prompts that would wait for a person.
 */
export const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  // code-server's port finder runs `ps`-like commands from the extension host every few
  // seconds (findCandidatePorts); desktop VS Code does not, and its work showed in host stalls
  'remote.autoForwardPorts': false,
  // with trust on, open in restricted mode without the modal asking about it
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.emptyWindow': false,
};

/** Writes user settings before the first start (code-server reads them from the user-data dir): the base above, then `settings`. */
export function writeUserSettings(scratch, settings = {}) {
  const dir = join(dirsIn(scratch).userData, 'User');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...WORKBENCH_SETTINGS, ...settings }, null, 2));
}

/** Installs a .vsix into the scratch extensions dir with the code-server CLI. */
export function installVsix(vsix, { tools = toolPaths(), scratch }) {
  const t = tools;
  const { userData, extensions } = dirsIn(scratch);
  return new Promise((resolve, reject) => {
    execFile(t.node, [t.codeServerEntry, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix, '--force'],
      { env: serverEnv(scratch, {}), timeout: 120_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`installing ${vsix} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      });
  });
}

/**
 * Starts code-server in its own process group with fresh user-data/extensions dirs under scratch,
 * on 127.0.0.1 (webviews need a secure context) and a free port; resolves once /healthz answers.
 * Options: trust (false = leave workspace trust on), smokeDriver (hides toasts, exposes the test hooks),
 * port, env (added to the extension host's environment), log (receives server output).
 */
export async function startCodeServer({ tools = toolPaths(), scratch, trust = true, smokeDriver = false, port, env = {}, log = () => {}, extraArgs = [] }) {
  const t = tools;
  if (!existsSync(t.codeServerEntry)) throw new Error(`code-server is not installed at ${t.dir} (run node test/vscode/install.mjs)`);
  const { userData, extensions } = dirsIn(scratch);
  startReaper();
  for (let attempt = 0; ; attempt++) {
    const p = port ?? await freePort();
    const args = [
      t.codeServerEntry,
      '--bind-addr', `127.0.0.1:${p}`,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      '--reconnection-grace-time', '5',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      ...(trust ? ['--disable-workspace-trust'] : []),
      ...(smokeDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      ...extraArgs,
    ];
    const child = spawn(t.node, args, { detached: true, env: serverEnv(scratch, env), stdio: ['ignore', 'pipe', 'pipe'] });
    let exited = null;
    child.on('exit', (code, sig) => { exited = code ?? sig; });
    let output = '';
    const onData = (d) => { const s = d.toString(); output = (output + s).slice(-8000); log(s); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const url = `http://127.0.0.1:${p}`;
    const deadline = Date.now() + 60_000;
    let ready = false;
    while (Date.now() < deadline && exited === null) {
      try {
        const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
        if (res.ok) { ready = true; break; }
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    if (ready) {
      return {
        url, port: p, child, userData, extensions,
        stop: () => killGroup(child),
        output: () => output,
      };
    }
    await killGroup(child);
    if (attempt >= 2 || port) throw new Error(`code-server did not start (exit ${exited}):\n${output}`);
  }
}

/** Headless Debian Chromium with a fresh profile; close() ends it and everything it started. */
export async function launchBrowser(profileDir, { viewport = { width: 1400, height: 900 } } = {}) {
  const { chromium } = await import('playwright-core');
  startReaper();
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    // Chromium's crash handler and caches follow XDG: keep them in the profile, not in $HOME.
    env: { ...process.env, XDG_CONFIG_HOME: join(profileDir, '.xdg-config'), XDG_CACHE_HOME: join(profileDir, '.xdg-cache') },
  });
  return context;
}

/** The workbench URL for a folder, with an optional smoke-driver payload. */
export function workbenchUrl(server, { folder, payload } = {}) {
  const q = [];
  if (folder) q.push(`folder=${encodeURIComponent(folder)}`);
  else q.push('ew=true');
  if (payload) q.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
  return `${server.url}/?${q.join('&')}`;
}

/** A path on this machine as the workbench's remote URI, as the smoke-driver payload wants it. */
export function remoteUri(server, absPath) {
  return `vscode-remote://127.0.0.1:${server.port}${absPath}`;
}
