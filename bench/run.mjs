// The one runner behind `npm run bench` (after `node esbuild.mjs`).
//
// Convention for bench files: write bench/NAME.bench.ts; esbuild bundles it to out/bench/NAME.bench.js.
// This runner starts each as its own `node --expose-gc` child process (so one bench's heap and JIT
// state cannot colour another's) with the repo root as working directory. A bench prints anything
// it likes, and finally ONE line:
//     BENCH_RESULT {"figure.name": {"value": 1.23, "unit": "µs", "note": "how it was measured"}, ...}
// with figure names that never change (the README's benchmark table names them), or `BENCH_SKIP <reason>` when it cannot run here
// (its previous figures are then kept). Figures are merged into bench/results.json, a table is
// printed, and the whole run must stay well under four minutes (CONTRACT).
//
// Time budget: each bench gets QWEN_BENCH_BUDGET_MS, its share (SHARES below, about seconds) of
// the run's budget (QWEN_BENCH_TOTAL_MS, default 141 s: 110 s before firsttext's share was added, 133 s before agent's,
// so that the others' shares stayed as they were), and should size its rounds to it. Benches
// run one at a time, except the groups in TOGETHER, whose members start together: only benches
// whose figures do not depend on having the CPU to themselves, and each figure's note then says
// what ran beside it. The table ends with each bench's wall time and its CPU time (the bench and
// every process it started: code-server, Chromium…, sampled from /proc), because this machine is
// often shared and wall time then says more about the neighbours than about the code.
//
// Benches that measure the package (PACKAGED: activation installs it, vsix weighs it) get one
// package for the run, made once by `npm run package` on a copy of the tree (as each would make it
// alone) and handed over as QWEN_BENCH_VSIX; packaging starts with the run, and a bench that needs
// the package starts when it is ready, except activation, which starts its code-server and
// Chromium meanwhile and waits for a ticket file. Packaging's wall and CPU time are a row of the table.
//
// Usage: node bench/run.mjs [name-filter ...]   e.g. `node bench/run.mjs client` runs only client.bench.js
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'bench');
const resultsFile = join(root, 'bench', 'results.json');
// A safety net for a bench that hangs, well above any budget share (a loaded machine stretches them).
const PER_BENCH_TIMEOUT_MS = 150_000;
const TOTAL_BUDGET_MS = Number(process.env.QWEN_BENCH_TOTAL_MS || 141_000);
// About how many seconds each takes on this machine when it is quiet; scaled to the total budget.
const SHARES = { activation: 22, agent: 8, client: 12, completion: 22, diff: 2, firsttext: 20, hoststall: 30, inline: 3, render: 26, vsix: 5 };
const DEFAULT_SHARE = 10;
// completion spends its 20 s typing at human speed, mostly idle, and its one time figure is CPU
// time; activation's figure is the extension host thread's CPU time (while it mostly waits for a
// workbench to load); vsix's figure is a file size: none needs the machine to itself, so they share it.
const TOGETHER = [['activation', 'completion', 'vsix']];
const PACKAGED = new Set(['activation', 'firsttext', 'vsix']);
const nameOf = (file) => file.replace(/\.bench\.js$/, '');
const shareOf = (file) => SHARES[nameOf(file)] ?? DEFAULT_SHARE;

const filters = process.argv.slice(2);
const files = existsSync(outDir)
  ? readdirSync(outDir)
      .filter((f) => f.endsWith('.bench.js'))
      .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
      .sort()
  : [];
if (files.length === 0) {
  console.error(`bench: nothing to run in ${outDir} (run \`node esbuild.mjs\` first)`);
  process.exit(1);
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/**
 * CPU seconds used by a process and all its descendants (code-server, its extension hosts,
 * Chromium and its renderers…), sampled from /proc every 250 ms: the per-process figures of the
 * last sample each process was seen in, so at most a quarter second of each process's end is
 * missed. Descendants that were orphaned are followed as long as they were seen under the tree
 * once. A sweep costs about 2 ms of CPU. Returns NaN where /proc is missing.
 */
function meterTree(rootPid) {
  const cpu = new Map(); // `${pid}:${starttime}` -> seconds
  const known = new Set([rootPid]);
  const sweep = () => {
    let names;
    try { names = readdirSync('/proc'); } catch { return false; }
    const procs = [];
    for (const name of names) {
      if (name.charCodeAt(0) > 57) continue; // not a pid
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        // The fields after the ")" that closes the command name start at field 3 (state).
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        procs.push({ pid: Number(name), ppid: Number(f[1]), cpu: (Number(f[11]) + Number(f[12])) / CLOCK_TICKS, start: f[19] });
      } catch { /* gone meanwhile */ }
    }
    // Parents come before children only by chance: repeat until no new descendant turns up.
    for (let grew = true; grew; ) {
      grew = false;
      for (const p of procs) if (!known.has(p.pid) && known.has(p.ppid)) { known.add(p.pid); grew = true; }
    }
    for (const p of procs) if (known.has(p.pid)) cpu.set(`${p.pid}:${p.start}`, p.cpu);
    return true;
  };
  const ok = sweep();
  const timer = ok ? setInterval(sweep, 250) : undefined;
  return {
    stop() {
      clearInterval(timer);
      if (!ok) return NaN;
      let total = 0;
      for (const v of cpu.values()) total += v;
      return total;
    },
  };
}

async function runOne(file, budgetMs) {
  let env = {};
  if (nameOf(file) === 'activation') {
    // It starts code-server and Chromium while the package is made, and waits for this ticket.
    const ticket = join(mkdtempSync(join(tmpdir(), 'qwen-bench-ticket-')), 'vsix.json');
    packageDirs.push(dirname(ticket));
    void packageOnce().then((pkg) => writeFileSync(ticket, JSON.stringify({ vsix: pkg.vsix, error: pkg.error })));
    env = { QWEN_BENCH_VSIX_TICKET: ticket };
  } else if (PACKAGED.has(nameOf(file))) {
    const pkg = await packageOnce();
    if (pkg.error) return { file, ms: 0, budgetMs, cpuS: 0, error: `no package: ${pkg.error}` };
    env = { QWEN_BENCH_VSIX: pkg.vsix, QWEN_BENCH_VSIX_FILES: pkg.files ?? '' };
  }
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', join(outDir, file)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env, QWEN_BENCH_BUDGET_MS: String(Math.round(budgetMs)) },
    });
    const meter = meterTree(child.pid);
    let out = '';
    let err = '';
    let partial = '';
    child.stdout.on('data', (d) => {
      out += d;
      // Whole lines only: another bench may be printing at the same time.
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      for (const l of lines) process.stdout.write(`  [${file}] ${l}\n`);
    });
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), PER_BENCH_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (partial) process.stdout.write(`  [${file}] ${partial}\n`);
      const lines = out.split('\n');
      const result = lines.filter((l) => l.startsWith('BENCH_RESULT ')).pop();
      const skip = lines.filter((l) => l.startsWith('BENCH_SKIP')).pop();
      const ms = Date.now() - t0;
      const base = { file, ms, budgetMs, cpuS: meter.stop() };
      if (result) {
        try {
          resolve({ ...base, figures: JSON.parse(result.slice('BENCH_RESULT '.length)) });
        } catch (e) {
          resolve({ ...base, error: `unreadable BENCH_RESULT: ${e.message}` });
        }
      } else if (skip) resolve({ ...base, skipped: skip.slice('BENCH_SKIP'.length).trim() || 'skipped' });
      else resolve({ ...base, error: `exit ${code ?? signal}${err ? `: ${err.trim().split('\n').slice(-5).join(' | ')}` : ''}` });
    });
  });
}

/**
 * One `npm run package` for the run (test/vscode/package-temp.mjs, in a child process so its CPU
 * is metered like a bench's): resolves { vsix, files } or { error }. The copy it packaged in is
 * removed when the run ends.
 */
let packaging;
let packagingRow;
const packageDirs = [];
function packageOnce() {
  packaging ??= new Promise((resolve) => {
    const t0 = Date.now();
    const script = `import(${JSON.stringify(pathToFileURL(join(root, 'test', 'vscode', 'package-temp.mjs')).href)}).then((m) => m.packageToTemp()).then((p) => console.log('PACKAGE ' + JSON.stringify({ vsix: p.vsix, dir: p.dir, files: p.output.match(/\\((\\d+) files?,/)?.[1] })))`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const meter = meterTree(child.pid);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('PACKAGE '));
      const pkg = line ? JSON.parse(line.slice('PACKAGE '.length)) : { error: `exit ${code}: ${out.trim().split('\n').slice(-3).join(' | ')}` };
      if (pkg.dir) packageDirs.push(pkg.dir);
      packagingRow = { file: 'npm run package (shared)', ms: Date.now() - t0, budgetMs: NaN, cpuS: meter.stop(), error: pkg.error };
      console.log(`bench: packaged once for ${[...PACKAGED].join(', ')} in ${((Date.now() - t0) / 1000).toFixed(1)} s${pkg.error ? `: FAILED ${pkg.error}` : ''}`);
      resolve(pkg);
    });
  });
  return packaging;
}

const started = Date.now();
if (files.some((f) => PACKAGED.has(nameOf(f)))) void packageOnce();
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const merged = { ...previous };
const outcomes = [];
// Groups in the files' order: a TOGETHER group where its first member would run.
const groups = [];
for (const file of files) {
  if (groups.some((g) => g.includes(file))) continue;
  const together = TOGETHER.find((t) => t.includes(nameOf(file)));
  groups.push(together ? files.filter((f) => together.includes(nameOf(f))) : [file]);
}
const scale = TOTAL_BUDGET_MS / groups.reduce((n, g) => n + Math.max(...g.map(shareOf)), 0);
for (const group of groups) {
  const budgets = group.map((f) => shareOf(f) * scale);
  console.log(`bench: ${group.map((f, i) => `${f} (budget ${(budgets[i] / 1000).toFixed(1)} s)`).join(' together with ')}`);
  const results = await Promise.all(group.map((f, i) => runOne(f, budgets[i])));
  for (const r of results) {
    outcomes.push(r);
    const beside = group.filter((f) => f !== r.file).map(nameOf);
    if (!r.figures) continue;
    for (const [key, fig] of Object.entries(r.figures)) {
      if (!fig || typeof fig.value !== 'number' || !Number.isFinite(fig.value)) {
        r.error = `figure ${key} has no finite value`;
        continue;
      }
      const note = String(fig.note ?? '') + (beside.length ? ` [bench/run.mjs ran the ${beside.join(', ')} bench at the same time]` : '');
      merged[key] = { value: fig.value, unit: String(fig.unit ?? ''), note };
    }
  }
}
for (const d of packageDirs) rmSync(d, { recursive: true, force: true });
if (packagingRow) outcomes.unshift(packagingRow);
const sorted = Object.fromEntries(Object.entries(merged).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(resultsFile, JSON.stringify(sorted, null, 2) + '\n');

const fresh = new Set(outcomes.flatMap((o) => Object.keys(o.figures ?? {})));
const rows = Object.entries(sorted).map(([k, f]) => [k, fmt(f.value), f.unit, fresh.has(k) ? '' : '(kept)']);
const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i].length), ['figure', 'value', 'unit'][i].length));
console.log('');
console.log(`${'figure'.padEnd(w[0])}  ${'value'.padStart(w[1])}  ${'unit'.padEnd(w[2])}`);
console.log(`${'-'.repeat(w[0])}  ${'-'.repeat(w[1])}  ${'-'.repeat(w[2])}`);
for (const r of rows) console.log(`${r[0].padEnd(w[0])}  ${r[1].padStart(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`.trimEnd());
console.log('');
console.log(`${'bench'.padEnd(24)} ${'wall'.padStart(7)} ${'budget'.padStart(7)} ${'CPU'.padStart(7)}`);
for (const o of outcomes) {
  const status = o.error ? `FAILED: ${o.error}` : o.skipped ? `skipped: ${o.skipped}` : 'ok';
  console.log(`${o.file.padEnd(24)} ${secs(o.ms / 1000)} ${secs(o.budgetMs / 1000)} ${secs(o.cpuS)}  ${status}`);
}
const cpuAll = outcomes.reduce((n, o) => n + o.cpuS, 0);
console.log(`bench: ${((Date.now() - started) / 1000).toFixed(1)} s in all (budget ${TOTAL_BUDGET_MS / 1000} s), ${cpuAll.toFixed(1)} s of CPU (${(cpuAll / 2).toFixed(1)} s of two cores), load average ${loadavg()[0].toFixed(1)} at the end; wrote ${resultsFile}`);
process.exit(outcomes.some((o) => o.error) ? 1 : 0);

function secs(v) {
  return (Number.isFinite(v) ? `${v.toFixed(1)} s` : '?').padStart(7);
}

function fmt(v) {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
