// Loaded inside the real extension host by bench/hoststall.bench.ts (extensionTestsPath of the
// extension under development): streams a 100,000-chunk answer into the chat view and records the
// largest event-loop stall of the extension host meanwhile.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { Session } from 'node:inspector';
import * as vscode from 'vscode';
import type { QwenTestApi } from '../../src/extension';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<QwenTestApi | undefined>('qwen-coder.qwen-coder');
  const api = await ext!.activate();
  if (!api) throw new Error('the extension did not return its test API (not in test mode?)');
  const cfg = vscode.workspace.getConfiguration('qwen');
  await cfg.update('provider', 'custom', vscode.ConfigurationTarget.Global);
  await cfg.update('baseUrl', process.env.QWEN_BENCH_URL, vscode.ConfigurationTarget.Global);
  await cfg.update('model', 'qwen3-coder-plus', vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('qwen.openChat');
  await new Promise((r) => setTimeout(r, 1000));
  // After start-up, which needs both cores and is not measured (see hoststall.bench.ts).
  const pinned = pinOthers(process.env.QWEN_BENCH_PIN_OTHERS);

  const chunks = Number(process.env.QWEN_BENCH_CHUNKS || 100_000);
  // The floor: the same host, view open, nothing streaming (code-server's own timers, port
  // finder, the collector), for as long again as a stream takes.
  const idle = await watchStalls(() => new Promise((r) => setTimeout(r, Number(process.env.QWEN_BENCH_IDLE_MS || 3000))));
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // QWEN_BENCH_PROFILE=file: a CPU profile of the extension host during the stream, to find stalls.
  const profilePath = process.env.QWEN_BENCH_PROFILE;
  const session = profilePath ? new Session() : undefined;
  if (session) {
    session.connect();
    await new Promise((r) => session.post('Profiler.enable', () => session.post('Profiler.start', r)));
  }
  const t0 = performance.now();
  // The profile's clock (monotonic microseconds), to find the stalls in it.
  const t0Us = Number(process.hrtime.bigint() / 1000n);
  // A 1 ms ticker: the largest gap between ticks beyond its period is the longest stall.
  let last = performance.now();
  let maxGap = 0;
  let maxGapAt = 0;
  // The stalls over 8 ms, [start ms, length ms, main-thread CPU ms during it], and the garbage collections over 2 ms: whether the
  // worst moments are the collector's or ours.
  const stalls: [number, number, number][] = [];
  const gcs: [number, number, number, number][] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const d = (e as unknown as { detail?: { kind?: number; flags?: number } }).detail;
      if (e.duration > 2) gcs.push([Math.round(e.startTime - t0), Math.round(e.duration * 10) / 10, d?.kind ?? 0, d?.flags ?? 0]);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  // The main thread's own CPU time across each gap tells a stall spent working (ours, the
  // collector's, VS Code's) from one spent waiting for a core this shared machine gave elsewhere.
  let lastCpu = threadCpuMs();
  let maxBusy = 0;
  let maxBusyAt = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpu = threadCpuMs();
    const gap = now - last - 1;
    const busy = Math.min(gap, cpu - lastCpu);
    if (gap > maxGap) {
      maxGap = gap;
      maxGapAt = last - t0;
    }
    if (busy > maxBusy) {
      maxBusy = busy;
      maxBusyAt = last - t0;
    }
    if (gap > 8) stalls.push([Math.round(last - t0), Math.round(gap * 10) / 10, Math.round(busy * 10) / 10]);
    last = now;
    lastCpu = cpu;
  }, 1);
  histogram.enable();
  await api.chat.ask(`[[scenario:long?chunks=${chunks}]] Stream a very long answer.`, { chips: [], text: '' });
  const ms = performance.now() - t0;
  histogram.disable();
  clearInterval(ticker);
  gcObserver.disconnect();
  if (session && profilePath) {
    await new Promise<void>((r) => session.post('Profiler.stop', (_e, res) => { writeFileSync(profilePath, JSON.stringify((res as { profile: unknown }).profile)); r(); }));
    session.disconnect();
  }
  const turn = api.chat.turns().at(-1)!;
  const result = {
    maxStallMs: maxGap,
    maxStallAtMs: maxGapAt,
    maxBusyStallMs: maxBusy,
    maxBusyStallAtMs: maxBusyAt,
    histogramMaxMs: histogram.max / 1e6 - 1,
    p99Ms: histogram.percentile(99) / 1e6 - 1,
    streamMs: ms,
    answerChars: turn.answer.length,
    status: turn.status,
    usage: turn.usage,
    stalls: stalls.sort((a, b) => b[1] - a[1]).slice(0, 12),
    stallsOver8Ms: stalls.length,
    gcs: gcs.sort((a, b) => b[1] - a[1]).slice(0, 12),
    idleMaxStallMs: idle.maxStallMs,
    idleMaxBusyStallMs: idle.maxBusyStallMs,
    idleStalls: idle.stalls,
    pinned,
    heapMb: Object.fromEntries(getHeapSpaceStatistics().map((h) => [h.space_name, [Math.round(h.space_used_size / 1e5) / 10, Math.round(h.space_size / 1e5) / 10]])),
    ...(profilePath ? { profileT0Us: t0Us } : {}),
  };
  writeFileSync(process.env.QWEN_BENCH_OUT!, JSON.stringify(result));
  console.log(`[host-stall] ${JSON.stringify(result)}`);
  if (turn.status !== 'done') throw new Error(`the stream did not finish: ${turn.status} ${turn.error?.message ?? ''}`);
}

/** The longest gap of a 1 ms ticker, and the gaps over 8 ms, while `during` runs. */
async function watchStalls(during: () => Promise<unknown>): Promise<{ maxStallMs: number; maxBusyStallMs: number; stalls: [number, number, number][] }> {
  const t0 = performance.now();
  let last = t0;
  let lastCpu = threadCpuMs();
  let maxStallMs = 0;
  let maxBusyStallMs = 0;
  const stalls: [number, number, number][] = [];
  const ticker = setInterval(() => {
    const now = performance.now();
    const cpu = threadCpuMs();
    const gap = now - last - 1;
    const busy = Math.min(gap, cpu - lastCpu);
    maxStallMs = Math.max(maxStallMs, gap);
    maxBusyStallMs = Math.max(maxBusyStallMs, busy);
    if (gap > 8) stalls.push([Math.round(last - t0), Math.round(gap * 10) / 10, Math.round(busy * 10) / 10]);
    last = now;
    lastCpu = cpu;
  }, 1);
  await during();
  clearInterval(ticker);
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return { maxStallMs: r1(maxStallMs), maxBusyStallMs: r1(maxBusyStallMs), stalls: stalls.sort((a, b) => b[1] - a[1]).slice(0, 6) };
}

/** CPU time of this (the extension host's main) thread in ms; the whole process's before Node 23.9. */
function threadCpuMs(): number {
  const p = process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage };
  const u = p.threadCpuUsage ? p.threadCpuUsage() : process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Keeps every process the bench started (code-server, Chromium, the fake server), except this
 * extension host, to `others`, and lets this host use `host` (taskset CPU lists).
 */
function pinOthers(spec: string | undefined): boolean {
  if (!spec) return false;
  const { root, others, host } = JSON.parse(spec) as { root: number; others: string; host: string };
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree: number[] = [];
  for (let queue = [root]; queue.length; ) {
    const pid = queue.pop()!;
    tree.push(pid);
    queue = queue.concat(children.get(pid) ?? []);
  }
  try {
    for (const pid of tree) if (pid !== process.pid) execFileSync('taskset', ['-a', '-c', '-p', others, String(pid)], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-c', '-p', host, String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
