#!/usr/bin/env node
// `npm test`: build, type check and layering lint, then every test stage, then one closing line `N passed, N failed`.
//   node test/run-all.mjs                      build + unit + webview + integration + e2e
//   node test/run-all.mjs unit|webview|integration|e2e build + the stages named (several allowed)
// unit:        mocha on out/test/unit/**/*.test.js in plain Node
// webview:     mocha on out/test/webview/*.test.js: the chat UI's own logic in headless Chromium
// integration: out/test/integration/** inside the real extension host (test/vscode/run-integration.mjs)
// e2e:         `npm run package`, then mocha on out/test/e2e/**/*.e2e.js driving the real workbench
// Each stage writes test-results/<stage>.json; a stage that crashes or times out counts as one
// failure, so a broken stage can never pass silently. Exit code 1 when anything failed.
//
// Env: QWEN_TEST_STAGE_TIMEOUT_S  per-stage limit in seconds (default: unit 300, webview 900, integration 1200, e2e 1200)
//      plus those of test/vscode/run-integration.mjs and test/e2e/driver.ts
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(repo, 'test-results');
const mochaBin = join(repo, 'node_modules', 'mocha', 'bin', 'mocha.js');
const reporter = join(repo, 'test', 'vscode', 'count-reporter.cjs');
const STAGES = ['unit', 'webview', 'integration', 'e2e'];

const running = new Set();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    for (const child of running) { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } }
    process.exit(130);
  });
}

/** Runs a command in its own process group with inherited output; resolves {code, timedOut}. */
function run(cmd, args, { timeoutS, env = {} }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'], detached: true, env: { ...process.env, ...env } });
    running.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.log(`[run-all] ${[cmd, ...args].join(' ')}: no end after ${timeoutS} s, stopping it`);
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000).unref();
    }, timeoutS * 1000);
    child.on('error', (e) => { console.log(`[run-all] ${cmd}: ${e.message}`); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), timedOut });
    });
  });
}

function files(dir, match) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, match) : match(n) ? [p] : [];
  });
}

function readCounts(file) {
  try {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return { passes: Number(r.passes) || 0, failures: Number(r.failures) || 0, pending: Number(r.pending) || 0 };
  } catch {
    return undefined;
  }
}

const timeoutFor = (stage, dflt) => Number(process.env.QWEN_TEST_STAGE_TIMEOUT_S || 0) || dflt;

/** Mocha in plain Node over the given files, counted by the JSON the reporter writes. */
async function mochaStage(stage, testFiles, { timeoutS, mochaArgs = [], env = {} }) {
  const out = join(results, `${stage}.json`);
  rmSync(out, { force: true });
  // --exit: a handle a test forgot to close must not keep the stage running until its time limit
  const r = await run(process.execPath, [mochaBin, '--exit', '--reporter', reporter, ...mochaArgs, ...testFiles], { timeoutS, env: { ...env, QWEN_TEST_RESULTS: out } });
  const counts = readCounts(out);
  if (!counts) return { passes: 0, failures: 1, note: `crashed (exit ${r.code}) before reporting` };
  if (r.timedOut) return { ...counts, failures: counts.failures + 1, note: 'timed out' };
  if (r.code !== 0 && counts.failures === 0) return { ...counts, failures: 1, note: `exit ${r.code} with no failed test` };
  return counts;
}

const stageRunners = {
  async unit() {
    const testFiles = files(join(repo, 'out', 'test', 'unit'), (n) => n.endsWith('.test.js')).sort();
    if (testFiles.length === 0) return { passes: 0, failures: 0, note: 'no unit tests' };
    // Per-test limit well above mocha's 2 s: the byte-at-a-time stream tests take ~1 s on a quiet
    // machine and several on a busy one; a hang still fails.
    return mochaStage('unit', testFiles, { timeoutS: timeoutFor('unit', 300), mochaArgs: ['--timeout', '15000'] });
  },

  async webview() {
    const testFiles = files(join(repo, 'out', 'test', 'webview'), (n) => n.endsWith('.test.js')).sort();
    if (testFiles.length === 0) return { passes: 0, failures: 0, note: 'no webview tests' };
    return mochaStage('webview', testFiles, { timeoutS: timeoutFor('webview', 900), mochaArgs: ['--timeout', '60000'] });
  },

  async integration() {
    const out = join(results, 'integration.json');
    rmSync(out, { force: true });
    const r = await run(process.execPath, [join(repo, 'test', 'vscode', 'run-integration.mjs')], { timeoutS: timeoutFor('integration', 1200) });
    const counts = readCounts(out);
    if (!counts) return { passes: 0, failures: 1, note: `crashed (exit ${r.code}) before reporting` };
    if (r.timedOut) return { ...counts, failures: counts.failures + 1, note: 'timed out' };
    if (r.code !== 0 && counts.failures === 0) return { ...counts, failures: 1, note: `exit ${r.code} with no failed test` };
    return counts;
  },

  async e2e() {
    const testFiles = files(join(repo, 'out', 'test', 'e2e'), (n) => n.endsWith('.e2e.js')).sort();
    if (testFiles.length === 0) return { passes: 0, failures: 0, note: 'no e2e tests' };
    // What a user installs: the packaged .vsix (this also rebuilds in production mode).
    const vsix = join(repo, 'qwen-coder.vsix');
    rmSync(vsix, { force: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = await run(npm, ['run', '--silent', 'package'], { timeoutS: 300 });
    if (pack.code !== 0 || !existsSync(vsix)) return { passes: 0, failures: 1, note: `npm run package failed (exit ${pack.code})` };
    return mochaStage('e2e', testFiles, { timeoutS: timeoutFor('e2e', 1200), mochaArgs: ['--timeout', '120000'], env: { QWEN_TEST_VSIX: vsix } });
  },
};

async function main() {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = asked.filter((a) => !STAGES.includes(a));
  if (unknown.length) {
    console.error(`unknown stage ${unknown.join(', ')} (stages: ${STAGES.join(', ')})`);
    process.exit(2);
  }
  const stages = asked.length ? STAGES.filter((s) => asked.includes(s)) : STAGES;
  mkdirSync(results, { recursive: true });
  const summary = [];
  const t0 = Date.now();

  console.log('[run-all] build');
  // A test file renamed or deleted would otherwise keep running from its old build.
  rmSync(join(repo, 'out', 'test'), { recursive: true, force: true });
  const build = await run(process.execPath, [join(repo, 'esbuild.mjs')], { timeoutS: 300 });
  // esbuild strips types without checking them: the strict type check runs as part of the build.
  const typecheck = build.code === 0 ? await run(process.execPath, [join(repo, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', repo, '--noEmit'], { timeoutS: 300 }) : undefined;
  // The layering rules (test/lint/layers.cjs): which folder may import which, and no runtime cycle.
  const lint = typecheck?.code === 0 ? await run(process.execPath, [join(repo, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), 'src', '--config', join(repo, 'test', 'lint', 'layers.cjs'), '--output-type', 'err'], { timeoutS: 120 }) : undefined;
  if (build.code !== 0) {
    summary.push({ stage: 'build', passes: 0, failures: 1, note: `node esbuild.mjs failed (exit ${build.code})` });
  } else if (typecheck && typecheck.code !== 0) {
    summary.push({ stage: 'build', passes: 0, failures: 1, note: `tsc --noEmit found type errors (exit ${typecheck.code})` });
  } else if (lint && lint.code !== 0) {
    summary.push({ stage: 'lint', passes: 0, failures: 1, note: `dependency-cruiser found layering violations (exit ${lint.code})` });
  } else {
    for (const stage of stages) {
      console.log(`\n[run-all] ${stage}`);
      const s0 = Date.now();
      let r;
      try {
        r = await stageRunners[stage]();
      } catch (e) {
        r = { passes: 0, failures: 1, note: `runner error: ${e.message}` };
      }
      summary.push({ stage, ...r, seconds: Math.round((Date.now() - s0) / 100) / 10 });
    }
  }

  const passes = summary.reduce((n, s) => n + s.passes, 0);
  const failures = summary.reduce((n, s) => n + s.failures, 0);
  writeFileSync(join(results, 'summary.json'), JSON.stringify({ passes, failures, seconds: Math.round((Date.now() - t0) / 1000), stages: summary }, null, 2));
  console.log('\n[run-all] summary');
  for (const s of summary) {
    console.log(`  ${s.stage.padEnd(12)} ${String(s.passes).padStart(4)} passed ${String(s.failures).padStart(4)} failed${s.seconds !== undefined ? `  ${s.seconds} s` : ''}${s.note ? `  (${s.note})` : ''}`);
  }
  console.log(`${passes} passed, ${failures} failed`);
  process.exitCode = failures > 0 ? 1 : 0;
}

await main();
