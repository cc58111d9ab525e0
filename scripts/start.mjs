#!/usr/bin/env node
// `npm start`: build the extension and open it in a real VS Code.
//  - With VS Code's `code` on PATH: `code --extensionDevelopmentPath=<repo> [folder]` (a new window
//    running this build; reload it after `npm run watch` rebuilds). With --fake: a window with its
//    own profile (~/.cache/qwen-coder-test/start-desktop-profile) pointed at the fake server.
//  - Otherwise: installs the test VS Code (code-server, ~3 minutes the first time), packages the
//    extension, installs the .vsix into a profile kept in the cache, serves VS Code on 127.0.0.1
//    and prints the address to open in a browser. Runs until Ctrl+C.
//
// Usage: npm start -- [--fake] [--folder PATH] [--port N] [--server] [--fresh]
//   --fake         also start the fake Qwen server (test/fake-qwen) and point the extension at it
//                  (provider `custom`, no key needed): every feature works with no account
//   --folder PATH  folder to open (default: a sample workspace kept in the cache)
//   --port N       port (default: $PORT or 8080; the next free one if taken)
//   --server       use code-server even when `code` is on PATH
//   --fresh        start from an empty profile (no settings, keys or chats from earlier runs)
// Env: QWEN_TEST_CACHE (where code-server and the profile live; default ~/.cache/qwen-coder-test)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name) => {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].slice(argv[i].indexOf('=') + 1) : argv[i + 1];
};

function step(cmd, args, what) {
  console.log(`> ${what}`);
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function portFree(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

/** Starts the fake server; resolves with its base URL and the child (which exits with our stdin). */
function startFake() {
  const cli = join(repo, 'out', 'test', 'fake-qwen', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing (the build should have produced it)`);
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--exit-with-stdin'], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/FAKE_QWEN_URL (\S+)/);
      if (m) res({ url: m[1], child });
    });
    child.on('exit', (code) => rej(new Error(`the fake Qwen server exited (${code}) before listening`)));
  });
}

async function main() {
  const useCode = onPath('code') && !flag('server');
  if (useCode) {
    step(process.execPath, [join(repo, 'esbuild.mjs')], 'build');
    const folder = option('folder');
    const args = [`--extensionDevelopmentPath=${repo}`, ...(folder ? [resolve(folder)] : [])];
    if (!flag('fake')) {
      console.log(`> code ${args.join(' ')}`);
      const r = spawnSync('code', args, { stdio: 'inherit' });
      process.exit(r.status ?? 1);
    }
    // With the fake server: a separate profile, so its settings (provider custom, the server's
    // address) never touch yours; the server runs until Ctrl+C.
    const { cacheRoot } = await import('../test/vscode/install.mjs');
    const userData = join(cacheRoot(), 'start-desktop-profile');
    const fake = await startFake();
    const settingsDir = join(userData, 'User');
    mkdirSync(settingsDir, { recursive: true });
    let settings = {};
    try { settings = JSON.parse(readFileSync(join(settingsDir, 'settings.json'), 'utf8')); } catch { /* first run */ }
    writeFileSync(join(settingsDir, 'settings.json'), JSON.stringify({ ...settings, 'qwen.provider': 'custom', 'qwen.baseUrl': fake.url }, null, 2));
    const withProfile = [`--user-data-dir=${userData}`, '--new-window', ...args];
    console.log(`> fake Qwen server at ${fake.url}\n> code ${withProfile.join(' ')}`);
    const r = spawnSync('code', withProfile, { stdio: 'inherit' });
    if (r.status !== 0) {
      fake.child.kill('SIGTERM');
      process.exit(r.status ?? 1);
    }
    console.log('\nThe fake Qwen server keeps answering that window until Ctrl+C.');
    const stop = () => { fake.child.kill('SIGTERM'); process.exit(0); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return;
  }

  const { ensureCodeServer, cacheRoot } = await import('../test/vscode/install.mjs');
  const { startCodeServer, installVsix, writeUserSettings, workbenchUrl } = await import('../test/vscode/code-server.mjs');
  const { SAMPLE_FILES } = await import('../test/vscode/workspace.mjs');

  await ensureCodeServer();
  step('npm', ['run', '--silent', 'package'], 'npm run package (builds and packages qwen-coder.vsix)');

  const profile = join(cacheRoot(), 'start-profile');
  if (flag('fresh')) rmSync(profile, { recursive: true, force: true });
  mkdirSync(profile, { recursive: true });
  let folder = option('folder') && resolve(option('folder'));
  // Our own sample folder is trusted; a folder you name gets VS Code's usual trust prompt.
  const trustAll = !folder;
  if (!folder) {
    folder = join(profile, 'workspace');
    for (const [rel, text] of Object.entries(SAMPLE_FILES)) {
      const p = join(folder, rel);
      if (existsSync(p)) continue;
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
  }
  console.log('> installing qwen-coder.vsix');
  await installVsix(join(repo, 'qwen-coder.vsix'), { scratch: profile });

  let fake;
  const settingsFile = join(profile, 'user-data', 'User', 'settings.json');
  let settings = {};
  try { settings = JSON.parse(readFileSync(settingsFile, 'utf8')); } catch { /* first run, or comments in it */ }
  // VS Code's built-in Copilot chat would sit beside Qwen's and confuse a first look.
  settings = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...settings,
  };
  if (flag('fake')) {
    fake = await startFake();
    settings['qwen.provider'] = 'custom';
    settings['qwen.baseUrl'] = fake.url;
    console.log(`> fake Qwen server at ${fake.url} (settings: qwen.provider=custom, qwen.baseUrl=${fake.url})`);
  }
  writeUserSettings(profile, settings);

  let port = Number(option('port') || process.env.PORT || 8080);
  while (!(await portFree(port))) port++;
  const server = await startCodeServer({ scratch: profile, port, trust: trustAll, log: (s) => process.env.QWEN_START_VERBOSE && process.stderr.write(s) });
  const url = workbenchUrl(server, { folder });
  console.log(`\nQwen Coder (in VS Code, served to your browser) is running: open\n\n    ${url}\n\nin Chromium, Chrome, Edge or Firefox. Ctrl+C stops it.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    await server.stop();
    fake?.child.kill('SIGTERM');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.child.on('exit', (code) => {
    if (!stopping) console.error(`code-server exited (${code})`);
    void stop();
  });
}

main().catch((e) => {
  console.error(e.message || e);
  process.exit(1);
});
