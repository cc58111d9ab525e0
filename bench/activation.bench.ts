// activation.ms: what activating Qwen Coder costs in the real extension host (code-server 4.139.1 =
// VS Code 1.139.1), installed from the .vsix that `npm run package` makes.
//
// One code-server serves several fresh windows in a row: each (re)load of the workbench starts a
// new extension host process, so every sample is a cold host (VS Code keeps no compiled-code cache
// for extensions; the OS file cache is warm, as it is for any second start of VS Code). In each host
// a runner extension activating on `*` (bench/host/activation-host.ts) calls
// `vscode.extensions.getExtension('qwen-coder.qwen-coder').activate()` before `onStartupFinished`
// would, and times what VS Code itself counts as activation (Running Extensions shows
// codeLoadingTime + activateCallTime): loading the main bundle (out/extension.js) and the
// activate() call. Both are synchronous, so other extensions activating at the same moment cannot
// land inside them. A host where Qwen Coder was already active is not a sample. Reported beside the
// figure, not in it: what the first use costs after that, once (loading out/core.js, starting it).
//
// The machine is shared with other work (load often above 10 on 2 cores), which stretches wall
// time while the thread waits for a core: the figure is the thread's CPU time, wall time beside it.
//
// Env: QWEN_BENCH_BUDGET_MS (set by bench/run.mjs; default 30000) no new window unless it should
//      end within it (the first always runs); QWEN_BENCH_ACTIVATION_RUNS most windows (default 3);
//      QWEN_BENCH_VSIX a package to use instead of packaging, or QWEN_BENCH_VSIX_TICKET a file
//      where bench/run.mjs will write {"vsix": path} (code-server and Chromium start meanwhile);
//      QWEN_BENCH_PROFILE=dir writes a CPU
//      profile of each activation there (diagnostics; the profiler slows what it watches).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext } from 'playwright-core';

const repo = process.cwd();
const RUNS = Number(process.env.QWEN_BENCH_ACTIVATION_RUNS || 3);
const BUDGET_MS = Number(process.env.QWEN_BENCH_BUDGET_MS || 30_000);

const load = <T>(rel: string): Promise<T> => import(pathToFileURL(join(repo, rel)).href) as Promise<T>;

interface Cost { ms: number; cpuMs: number }
interface Sample {
  pid: number; node: string; version: string; wasActive: boolean; hostUptimeMs: number; perThread: boolean;
  load?: Cost; call?: Cost; whole: { ms: number; processCpuMs: number }; firstUse?: { load?: Cost; call?: Cost }; bundleBytes?: Record<string, number>; error?: string;
}
interface Server { url: string; stop(): Promise<void> }
interface Harness {
  isInstalled(): boolean;
  ensureCodeServer(): Promise<unknown>;
  installVsix(vsix: string, o: { tools?: unknown; scratch: string }): Promise<string>;
  writeUserSettings(scratch: string, settings?: Record<string, unknown>): void;
  startCodeServer(o: { tools?: unknown; scratch: string; smokeDriver?: boolean; env?: Record<string, string> }): Promise<Server>;
  launchBrowser(profileDir: string): Promise<BrowserContext>;
  workbenchUrl(server: Server, o: { folder?: string; payload?: [string, string][] }): string;
  remoteUri(server: Server, absPath: string): string;
  makeWorkspace(prefix?: string): string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The package bench/run.mjs is making for this run: it writes {vsix} or {error} to the ticket when done. */
async function ticket(file: string): Promise<string> {
  const end = Date.now() + 300_000;
  while (!existsSync(file)) {
    if (Date.now() > end) throw new Error('bench/run.mjs made no package within 300 s');
    await sleep(100);
  }
  const t = JSON.parse(readFileSync(file, 'utf8')) as { vsix?: string; error?: string };
  if (!t.vsix) throw new Error(`bench/run.mjs could not package: ${t.error}`);
  return t.vsix;
}
const cpuOf = (s: Sample) => s.load!.cpuMs + s.call!.cpuMs;
const wallOf = (s: Sample) => s.load!.ms + s.call!.ms;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function main(): Promise<void> {
  const started = Date.now();
  const h = { ...(await load<object>('test/vscode/install.mjs')), ...(await load<object>('test/vscode/code-server.mjs')), ...(await load<object>('test/vscode/workspace.mjs')) } as Harness;
  if (!h.isInstalled()) {
    console.log('BENCH_SKIP the test VS Code is not installed (node test/vscode/install.mjs)');
    return;
  }
  const hostJs = join(repo, 'out', 'bench', 'host', 'activation-host.js');
  if (!existsSync(hostJs)) throw new Error(`${hostJs} is missing: run node esbuild.mjs`);
  const tools = await h.ensureCodeServer();

  const mark = (what: string) => console.log(`+${((Date.now() - started) / 1000).toFixed(1)} s ${what}`);
  const cleanups: (() => unknown)[] = [];
  const samples: Sample[] = [];
  const pids = new Set<number>();
  let windows = 0;
  try {
    const scratch = mkdtempSync(join(tmpdir(), 'qwen-bench-activation-'));
    cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
    const ws = h.makeWorkspace('qwen-bench-ws-');
    cleanups.push(() => rmSync(ws, { recursive: true, force: true }));
    const runner = join(scratch, 'runner');
    const out = join(scratch, 'activations.jsonl');
    writeFileSync(out, '');
    mkdirSync(runner);
    writeFileSync(join(runner, 'package.json'), JSON.stringify({
      name: 'qwen-bench-runner', publisher: 'qwen-bench', version: '0.0.0', engines: { vscode: '^1.101.0' },
      main: './host.js', activationEvents: ['*'],
    }));
    copyFileSync(hostJs, join(runner, 'host.js'));
    h.writeUserSettings(scratch);

    // Packaging, code-server and Chromium need nothing from each other until the first window:
    // the package is installed with the CLI into the running server's extensions folder, which
    // every new extension host scans when it starts.
    const packaging = (async () => {
      let vsix = process.env.QWEN_BENCH_VSIX ?? (process.env.QWEN_BENCH_VSIX_TICKET ? await ticket(process.env.QWEN_BENCH_VSIX_TICKET) : undefined);
      if (!vsix) {
        const { packageToTemp } = await load<{ packageToTemp(): Promise<{ vsix: string; cleanup(): void }> }>('test/vscode/package-temp.mjs');
        const pkg = await packageToTemp();
        cleanups.push(pkg.cleanup);
        vsix = pkg.vsix;
        mark('packaged');
      }
      await h.installVsix(vsix, { tools, scratch });
      mark('installed');
    })();
    // The smoke-test driver option is what makes the workbench honour a development-path payload.
    const starting = h.startCodeServer({ tools, scratch, smokeDriver: true, env: { QWEN_BENCH_OUT: out } }).then((s) => (cleanups.push(() => s.stop()), s));
    const browsing = h.launchBrowser(join(scratch, 'browser')).then((c) => (cleanups.push(() => c.close()), c));
    // Meanwhile the workbench loads once without the runner, so that the first sample's window does
    // not also pay for the browser's and code-server's cold start (their caches: every sample is
    // still a new extension host process, and VS Code keeps no compiled code for extensions).
    const warming = Promise.all([starting, browsing]).then(async ([server, context]) => {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(h.workbenchUrl(server, { folder: ws }), { waitUntil: 'domcontentloaded' });
      await page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000 });
      mark('workbench loaded once (warm-up, no sample)');
      return page;
    });
    const settled = await Promise.allSettled([packaging, starting, browsing, warming]);
    const failed = settled.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    const [server, page] = [await starting, await warming];
    mark('packaged and installed, code-server and browser started');
    const url = h.workbenchUrl(server, { folder: ws, payload: [['extensionDevelopmentPath', h.remoteUri(server, runner)]] });

    const lines = () => readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Sample);
    let lastWindowMs = 0;
    for (let i = 0; i < RUNS; i++) {
      // Start another window only when it should end within the budget.
      if (i > 0 && Date.now() - started + lastWindowMs > BUDGET_MS) break;
      const w0 = Date.now();
      if (i === 0) await page.goto(url, { waitUntil: 'domcontentloaded' });
      else await page.reload({ waitUntil: 'domcontentloaded' });
      windows++;
      const end = Date.now() + 90_000;
      while (lines().length < windows) {
        if (Date.now() > end) throw new Error(`window ${windows}: the runner reported nothing within 90 s`);
        await sleep(100);
      }
      const s = lines()[windows - 1]!;
      if (s.error) throw new Error(`activation failed: ${s.error}`);
      if (pids.has(s.pid)) throw new Error(`window ${windows} reused extension host ${s.pid}: not a fresh host`);
      mark(`window ${windows}: host ${s.pid} (Node ${s.node}), ${s.hostUptimeMs.toFixed(0)} ms after it started: ${s.wasActive ? 'already active, not counted' : `load ${s.load!.cpuMs.toFixed(1)} ms CPU (${s.load!.ms.toFixed(1)} wall), activate() call ${s.call!.cpuMs.toFixed(1)} ms CPU (${s.call!.ms.toFixed(1)} wall); whole extension.activate() ${s.whole.ms.toFixed(1)} ms wall; then the first use: ${s.firstUse?.load ? `core.js load ${s.firstUse.load.cpuMs.toFixed(1)} ms CPU, startCore() ${s.firstUse.call?.cpuMs.toFixed(1) ?? '?'} ms CPU` : 'not measured'}`}`);
      pids.add(s.pid);
      if (!s.wasActive) samples.push(s);
      lastWindowMs = Date.now() - w0;
    }
  } finally {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => {});
  }
  if (samples.length === 0) throw new Error('no window could time the activation');
  const f = (x: number) => x.toFixed(1);
  const list = (g: (s: Sample) => number) => samples.map((s) => f(g(s))).join(' / ');
  const perThread = samples.every((s) => s.perThread);
  const kb = (file: string) => { const b = samples[0]!.bundleBytes?.[file]; return b === undefined ? 'size unknown' : `${Math.round(b / 1024)} KB as installed`; };
  const used = samples.filter((s) => s.firstUse?.load && s.firstUse.call);
  const firstUseCpu = (s: Sample) => s.firstUse!.load!.cpuMs + s.firstUse!.call!.cpuMs;
  const firstUse = used.length
    ? `${f(median(used.map(firstUseCpu)))} ms CPU (median; ${used.map((s) => `${f(firstUseCpu(s))}: load ${f(s.firstUse!.load!.cpuMs)} + start ${f(s.firstUse!.call!.cpuMs)}`).join(' / ')})`
    : 'not measured';
  console.log(`BENCH_RESULT ${JSON.stringify({
    'activation.ms': {
      value: Math.round(median(samples.map(cpuOf)) * 10) / 10,
      unit: 'ms',
      note: `CPU time of ${perThread ? 'the extension host thread (process.threadCpuUsage)' : 'the extension host process'} for what VS Code counts as activation (codeLoadingTime + activateCallTime): loading Qwen Coder's main bundle (out/extension.js), installed from the packaged .vsix, and calling its activate(), in a fresh extension host of code-server 4.139.1 / VS Code ${samples[0]!.version} (Node ${samples[0]!.node}), before onStartupFinished; median (lower middle) of ${samples.length} host${samples.length === 1 ? '' : 's'}: ${list(cpuOf)} ms (load ${list((s) => s.load!.cpuMs)}, call ${list((s) => s.call!.cpuMs)}). Wall time of the same: ${list(wallOf)} ms, and of the whole extension.activate() (also awaiting the context's storage while other extensions start): ${list((s) => s.whole.ms)} ms, on this shared 2-core machine (load ${loadAvg()}). ${windows} window${windows === 1 ? '' : 's'} of one code-server, each (re)load a new extension host process, after one load of the workbench without the runner (warms the browser's and code-server's caches; not a sample). Activation loads only out/extension.js (${kb('extension.js')}); the first command, chat view or completion then loads the rest once (out/core.js, ${kb('core.js')}: client, zod, chat, edits, completions), not counted here: ${firstUse}.`,
    },
  })}`);
}

const loadAvg = () => loadavg()[0]!.toFixed(1);

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
