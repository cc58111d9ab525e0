// The one runner behind `npm run bench` (after `node esbuild.mjs`).
//
// Convention for bench files: write bench/NAME.bench.ts; esbuild bundles it to out/bench/NAME.bench.js.
// This runner starts each as its own `node --expose-gc` child process (so one bench's heap and JIT
// state cannot colour another's) with the repo root as working directory. A bench prints anything
// it likes, and finally ONE line:
//     BENCH_RESULT {"figure.name": {"value": 1.23, "unit": "µs", "note": "how it was measured"}, ...}
// with figure names exactly as in CONTRACT.md, or `BENCH_SKIP <reason>` when it cannot run here
// (its previous figures are then kept). Figures are merged into bench/results.json, a table is
// printed, and the whole run must stay well under two minutes.
//
// Usage: node bench/run.mjs [name-filter ...]   e.g. `node bench/run.mjs client` runs only client.bench.js
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'bench');
const resultsFile = join(root, 'bench', 'results.json');
const PER_BENCH_TIMEOUT_MS = 100_000;

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

function runOne(file) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, ['--expose-gc', join(outDir, file)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(`  [${file}] ${String(d).replace(/\n(?=.)/g, `\n  [${file}] `)}`);
    });
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), PER_BENCH_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = out.split('\n');
      const result = lines.filter((l) => l.startsWith('BENCH_RESULT ')).pop();
      const skip = lines.filter((l) => l.startsWith('BENCH_SKIP')).pop();
      const ms = Date.now() - t0;
      if (result) {
        try {
          resolve({ file, ms, figures: JSON.parse(result.slice('BENCH_RESULT '.length)) });
        } catch (e) {
          resolve({ file, ms, error: `unreadable BENCH_RESULT: ${e.message}` });
        }
      } else if (skip) resolve({ file, ms, skipped: skip.slice('BENCH_SKIP'.length).trim() || 'skipped' });
      else resolve({ file, ms, error: `exit ${code ?? signal}${err ? `: ${err.trim().split('\n').slice(-5).join(' | ')}` : ''}` });
    });
  });
}

const started = Date.now();
const previous = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {};
const merged = { ...previous };
const outcomes = [];
for (const file of files) {
  console.log(`bench: ${file}`);
  const r = await runOne(file);
  outcomes.push(r);
  if (r.figures) {
    for (const [key, fig] of Object.entries(r.figures)) {
      if (!fig || typeof fig.value !== 'number' || !Number.isFinite(fig.value)) {
        r.error = `figure ${key} has no finite value`;
        continue;
      }
      merged[key] = { value: fig.value, unit: String(fig.unit ?? ''), note: String(fig.note ?? '') };
    }
  }
}
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
for (const o of outcomes) {
  const status = o.error ? `FAILED: ${o.error}` : o.skipped ? `skipped: ${o.skipped}` : 'ok';
  console.log(`${o.file.padEnd(28)} ${(o.ms / 1000).toFixed(1).padStart(6)} s  ${status}`);
}
console.log(`bench: ${((Date.now() - started) / 1000).toFixed(1)} s in all; wrote ${resultsFile}`);
process.exit(outcomes.some((o) => o.error) ? 1 : 0);

function fmt(v) {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
