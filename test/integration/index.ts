// The mocha entry that VS Code loads inside the real extension host (extensionTestsPath).
// Loads out/test/integration/**/*.test.js (the trusted suite) or **/*.untrusted.test.js when the
// folder was opened without trust (QWEN_TEST_TRUST=untrusted), runs them, and writes a JSON
// summary to QWEN_TEST_RESULTS so the outer runner can count passes and failures.
//
// Env: QWEN_TEST_SUITE    comma-separated file names to load (`activation` = activation.test.js)
//      QWEN_TEST_GREP     only tests whose full title matches this regular expression
//      QWEN_TEST_RESULTS  where to write {passes, failures, pending, tests:[…]}
//      QWEN_TEST_TIMEOUT  per-test timeout in ms (default 20000)
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

interface TestRecord {
  title: string;
  file?: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return testFiles(p);
    return name.endsWith('.test.js') ? [p] : [];
  }).sort();
}

function chosenFiles(): string[] {
  const untrusted = process.env.QWEN_TEST_TRUST === 'untrusted';
  const wanted = (process.env.QWEN_TEST_SUITE ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return testFiles(__dirname).filter((f) => {
    const name = basename(f);
    if (name.endsWith('.untrusted.test.js') !== untrusted) return false;
    if (wanted.length === 0) return true;
    const stem = name.replace(/(\.untrusted)?\.test\.js$/, '');
    return wanted.includes(stem) || wanted.includes(name);
  });
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.QWEN_TEST_TIMEOUT || 20_000),
    grep: process.env.QWEN_TEST_GREP ? new RegExp(process.env.QWEN_TEST_GREP) : undefined,
  });
  const files = chosenFiles();
  for (const f of files) mocha.addFile(f);
  // test/vscode/launcher.mjs shows the host's output from this line on.
  console.log(`[qwen-test] start: ${files.length} files in VS Code ${vscode.version} (${vscode.env.appHost}, trusted: ${vscode.workspace.isTrusted})`);

  const records: TestRecord[] = [];
  const t0 = Date.now();
  return new Promise<void>((resolve, reject) => {
    const finish = (failures: number, crash?: unknown) => {
      const summary = {
        suite: process.env.QWEN_TEST_TRUST === 'untrusted' ? 'untrusted' : 'trusted',
        files: files.map((f) => basename(f)),
        passes: records.filter((r) => r.state === 'passed').length,
        failures: records.filter((r) => r.state === 'failed').length + (crash ? 1 : 0),
        pending: records.filter((r) => r.state === 'pending').length,
        durationMs: Date.now() - t0,
        tests: records,
        ...(crash ? { crash: String((crash as Error).stack ?? crash) } : {}),
      };
      const out = process.env.QWEN_TEST_RESULTS;
      if (out) {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, JSON.stringify(summary, null, 2));
      }
      console.log(`[qwen-test] ${summary.passes} passed, ${summary.failures} failed, ${summary.pending} pending (${summary.suite})`);
      if (summary.failures > 0 || failures > 0) reject(new Error(`${summary.failures} tests failed.`));
      else resolve();
    };
    try {
      const runner = mocha.run((failures) => finish(failures));
      const file = (t: Mocha.Test) => (t.file ? basename(t.file) : undefined);
      runner.on('pass', (t) => records.push({ title: t.fullTitle(), file: file(t), state: 'passed', durationMs: t.duration }));
      runner.on('fail', (t, err) => records.push({ title: t.fullTitle(), file: file(t as Mocha.Test), state: 'failed', error: String(err?.stack ?? err) }));
      runner.on('pending', (t) => records.push({ title: t.fullTitle(), file: file(t), state: 'pending' }));
    } catch (err) {
      console.error(err);
      finish(1, err);
    }
  });
}
