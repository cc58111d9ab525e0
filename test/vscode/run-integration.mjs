#!/usr/bin/env node
// Runs the extension-host test suites through @vscode/test-electron's runTests, with
// test/vscode/launcher.mjs standing in for the VS Code executable (code-server + headless Chromium).
//   trusted:   out/test/integration/**/*.test.js in a trusted temp folder with a few sample files
//   untrusted: out/test/integration/**/*.untrusted.test.js in a folder opened without trust
// Expects a build (node esbuild.mjs). Prints each suite's counts, writes
// test-results/integration.json ({passes, failures, suites}) and exits non-zero on any failure.
//
// Usage: node test/vscode/run-integration.mjs [trusted|untrusted]…   (default: both)
// Env: QWEN_TEST_SUITE / QWEN_TEST_GREP narrow the tests (see test/integration/index.ts);
//      QWEN_TEST_VERBOSE=1 shows code-server's and the browser's output.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';
import { ensureCodeServer } from './install.mjs';
import { makeWorkspace } from './workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const outDir = join(repo, 'out', 'test', 'integration');
const resultsDir = join(repo, 'test-results');

function hasFiles(dir, match) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? hasFiles(p, match) : match(n);
  });
}

async function runSuite(suite) {
  const ws = makeWorkspace(`qwen-ws-${suite}-`);
  const resultsFile = join(resultsDir, `integration-${suite}.json`);
  rmSync(resultsFile, { force: true });
  const t0 = Date.now();
  let exitError;
  try {
    await runTests({
      vscodeExecutablePath: join(here, 'launcher.mjs'),
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(outDir, 'index.js'),
      launchArgs: [ws],
      reuseMachineInstall: true,
      extensionTestsEnv: {
        QWEN_TEST_RESULTS: resultsFile,
        QWEN_TEST_WORKSPACE: ws,
        QWEN_TEST_TRUST: suite === 'untrusted' ? 'untrusted' : 'trusted',
      },
    });
  } catch (e) {
    exitError = e;
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  if (!existsSync(resultsFile)) {
    // The host never reported: count the suite as one failure so a crash cannot pass silently.
    console.log(`integration/${suite}: crashed before reporting (${exitError?.message ?? 'no result file'}) in ${seconds} s`);
    return { suite, passes: 0, failures: 1, pending: 0, crashed: true };
  }
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`integration/${suite}: ${r.passes} passed, ${r.failures} failed, ${r.pending} pending in ${seconds} s`);
  for (const t of r.tests.filter((x) => x.state === 'failed')) console.log(`  FAILED ${t.title}\n    ${String(t.error).split('\n').slice(0, 6).join('\n    ')}`);
  return { suite, passes: r.passes, failures: r.failures, pending: r.pending };
}

export async function runIntegration(suites = ['trusted', 'untrusted']) {
  if (!existsSync(join(outDir, 'index.js'))) throw new Error('out/test/integration/index.js is missing: run `node esbuild.mjs` first');
  mkdirSync(resultsDir, { recursive: true });
  await ensureCodeServer();
  const results = [];
  for (const suite of suites) {
    const wanted = suite === 'untrusted' ? (n) => n.endsWith('.untrusted.test.js') : (n) => n.endsWith('.test.js') && !n.endsWith('.untrusted.test.js');
    if (!hasFiles(outDir, wanted)) {
      console.log(`integration/${suite}: no test files, skipped`);
      continue;
    }
    results.push(await runSuite(suite));
  }
  const total = {
    passes: results.reduce((s, r) => s + r.passes, 0),
    failures: results.reduce((s, r) => s + r.failures, 0),
    suites: results,
  };
  writeFileSync(join(resultsDir, 'integration.json'), JSON.stringify(total, null, 2));
  return total;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2).filter((a) => a === 'trusted' || a === 'untrusted');
  runIntegration(args.length ? args : undefined)
    .then((t) => process.exit(t.failures > 0 ? 1 : 0))
    .catch((e) => { console.error(e.stack || e); process.exit(1); });
}
