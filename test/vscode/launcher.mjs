#!/usr/bin/env node
// A stand-in for the VS Code executable that @vscode/test-electron's runTests spawns:
//   launcher.mjs [folder] --extensionDevelopmentPath=A --extensionTestsPath=B [desktop flags…]
// There is no Electron here, so this starts code-server (a real VS Code with a Node extension
// host), opens its workbench in headless Chromium with the smoke-test driver's payload, prints
// what the tests report and exits with their exit code. Everything it starts is stopped on exit.
//
// Env: QWEN_TEST_TRUST=untrusted  keep workspace trust on (the folder opens in restricted mode)
//      QWEN_TEST_TIMEOUT_MS       overall limit (default 600000)
//      QWEN_TEST_VERBOSE=1        also print code-server's and the browser's own output
//      QWEN_TEST_KEEP=1           keep the temporary profile folders (their path is printed)
//      QWEN_TEST_INSTALL_VSIX     comma-separated .vsix files installed first (as a user would)
// Every other variable reaches the extension host unchanged.
import { mkdtempSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import { ensureCodeServer } from './install.mjs';
import { startCodeServer, launchBrowser, workbenchUrl, remoteUri, writeUserSettings, installVsix } from './code-server.mjs';

const verbose = process.env.QWEN_TEST_VERBOSE === '1';
const untrusted = process.env.QWEN_TEST_TRUST === 'untrusted';
const timeoutMs = Number(process.env.QWEN_TEST_TIMEOUT_MS || 600_000);
// Printed by test/integration/index.ts when the tests start; workbench chatter before it is hidden.
const START_MARKER = '[qwen-test] start';
// Workbench lines that say nothing about the tests (the gallery is unreachable offline).
const NOISE = /ENOTFOUND open-vsx|authentication provider 'github'|^\[AccountPolicyGate\]|^\[AgentHost|^\[Service Worker\]/;
let started = false;

// A closed stdout (runner piped into head, runner killed) must not crash the cleanup.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});

function parseArgs(argv) {
  const out = { devPaths: [], testsPath: undefined, folder: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name) => {
      if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
      if (a === `--${name}`) return argv[++i];
      return undefined;
    };
    let v;
    if ((v = value('extensionDevelopmentPath')) !== undefined) out.devPaths.push(resolve(v));
    else if ((v = value('extensionTestsPath')) !== undefined) out.testsPath = resolve(v);
    else if ((v = value('folder-uri')) !== undefined) out.folder = v.replace(/^file:\/\//, '');
    else if (/^--(user-data-dir|extensions-dir|locale|log|crash-reporter-directory)$/.test(a)) i++; // desktop-only, takes a value
    else if (a.startsWith('-')) continue; // --no-sandbox, --disable-gpu-sandbox, --disable-workspace-trust, …
    else out.folder = resolve(a);
  }
  return out;
}

const args = parseArgs(process.argv.slice(2));
if (!args.testsPath || args.devPaths.length === 0) {
  console.error('usage: launcher.mjs [folder] --extensionDevelopmentPath=DIR --extensionTestsPath=FILE');
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), 'qwen-vscode-'));
let server;
let context;
let cleaning;
async function cleanup() {
  cleaning ??= (async () => {
    await Promise.all([context?.close().catch(() => {}), server?.stop().catch(() => {})]);
    if (process.env.QWEN_TEST_KEEP === '1') console.error(`[launcher] kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  })();
  return cleaning;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => { console.error(`[launcher] ${sig}: stopping`); cleanup().finally(() => process.exit(130)); });
}

const t0 = Date.now();
const mark = (what) => verbose && console.error(`[launcher] +${Date.now() - t0} ms ${what}`);

async function main() {
  const tools = await ensureCodeServer();
  writeUserSettings(scratch);
  mark('code-server installed');
  for (const vsix of (process.env.QWEN_TEST_INSTALL_VSIX ?? '').split(',').filter(Boolean)) {
    await installVsix(resolve(vsix), { tools, scratch });
    mark(`installed ${vsix}`);
  }
  // Both take seconds and need nothing from each other.
  const starting = startCodeServer({
    tools,
    scratch,
    trust: !untrusted,
    smokeDriver: true,
    log: verbose ? (s) => process.stderr.write(`[code-server] ${s}`) : undefined,
  }).then((s) => { server = s; mark(`code-server ready on ${s.url}`); return s; });
  const browsing = launchBrowser(join(scratch, 'browser')).then((c) => { context = c; mark('browser started'); return c; });
  // allSettled: on a failure, cleanup must still see the one that did start
  const failed = (await Promise.allSettled([starting, browsing])).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  const page = context.pages()[0] ?? await context.newPage();
  let finish;
  let done = false;
  const exitCode = new Promise((r) => { finish = (c) => { if (!done) { done = true; r(c); } }; });
  // The extension host's console calls arrive as their arguments: format strings included.
  await page.exposeFunction('codeAutomationLog', (type, parts) => {
    const text = Array.isArray(parts) ? format(...parts) : String(parts);
    // The workbench's own log arrives here too: keep to the tests' output unless asked for all.
    if (text.includes(START_MARKER)) { started = true; mark('tests started'); }
    if (!verbose && (NOISE.test(text) || (!started && type !== 'error'))) return;
    if (type === 'error') process.stderr.write(text + '\n');
    else process.stdout.write(text + '\n');
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(Number(code) || 0));
  if (verbose) page.on('console', (m) => process.stderr.write(`[browser:${m.type()}] ${m.text()}\n`));
  page.on('crash', () => { console.error('[launcher] the workbench page crashed'); finish(3); });
  // code-server ends by itself once the tests report; only an exit with no report is a crash.
  server.child.on('exit', (code) => setTimeout(() => {
    if (!done) console.error(`[launcher] code-server exited (${code}) before the tests reported`);
    finish(4);
  }, 3000).unref());

  const dev = args.devPaths.map((p) => realpathSync(p));
  const payload = [
    ...dev.map((p) => ['extensionDevelopmentPath', remoteUri(server, p)]),
    ['extensionTestsPath', remoteUri(server, args.testsPath)],
  ];
  const url = workbenchUrl(server, { folder: args.folder && realpathSync(args.folder), payload });
  if (verbose) console.error(`[launcher] ${url}`);
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  mark('workbench page loaded');
  const timer = setTimeout(() => { console.error(`[launcher] no result after ${timeoutMs} ms: giving up`); finish(5); }, timeoutMs);
  const code = await exitCode;
  clearTimeout(timer);
  mark(`tests exited ${code}`);
  return code;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`[launcher] ${e.stack || e}`);
  code = 6;
} finally {
  await cleanup();
  mark('cleaned up');
}
process.exit(code);
