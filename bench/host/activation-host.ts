// The main module of a tiny runner extension that bench/activation.bench.ts loads as a development
// extension, activating on `*` (as soon as an extension host starts, before `onStartupFinished`
// would activate Qwen Coder by itself). It activates Qwen Coder, installed from its .vsix as a
// user has it, and appends what that cost to $QWEN_BENCH_OUT: one JSON line per extension host.
//
// What is timed is what VS Code itself calls an extension's activation time (Running Extensions
// shows codeLoadingTime + activateCallTime): loading the main bundle, out/extension.js (read, compile, run its top level)
// and the call of its activate(). Both are synchronous, so nothing else the host does (other
// extensions activating at startup) can land inside them; they are timed around the host's own
// CommonJS loader call for the bundle, and around the activate it returns. The whole
// `extension.activate()` (which also awaits the ExtensionContext's storage from the workbench,
// while other extensions run) is recorded beside them, and so is the first use after it (loading
// out/core.js and starting it), which is not activation.
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import Module from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';

interface Cost { ms: number; cpuMs: number }

/** This thread's CPU (Node ≥ 23.9; code-server 4.139 runs Node 24), else the process's. */
const cpuNow: () => NodeJS.CpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process) ?? (() => process.cpuUsage());
const perThread = typeof (process as { threadCpuUsage?: unknown }).threadCpuUsage === 'function';

function timed<T>(fn: () => T): [T, Cost] {
  const c0 = cpuNow();
  const t0 = performance.now();
  const v = fn();
  const ms = performance.now() - t0;
  const c = cpuNow();
  return [v, { ms, cpuMs: (c.user - c0.user + c.system - c0.system) / 1000 }];
}

export async function activate(): Promise<void> {
  const out = process.env.QWEN_BENCH_OUT;
  const ext = vscode.extensions.getExtension('qwen-coder.qwen-coder');
  if (!ext) {
    if (out) appendFileSync(out, JSON.stringify({ pid: process.pid, error: 'qwen-coder.qwen-coder is not installed in this host' }) + '\n');
    return;
  }
  // Already active would mean something activated it first: there would be nothing left to time.
  const wasActive = ext.isActive;
  const hostUptimeMs = process.uptime() * 1000;

  let load: Cost | undefined;
  let call: Cost | undefined;
  const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const originalLoad = M._load;
  M._load = function (this: unknown, request: string, ...rest: [unknown, boolean]) {
    if (load || typeof request !== 'string' || !request.startsWith(ext.extensionPath)) return originalLoad.call(this, request, ...rest);
    const [exports, cost] = timed(() => originalLoad.call(this, request, ...rest));
    load = cost;
    if (!exports || typeof exports !== 'object') return exports;
    return new Proxy(exports as object, {
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        if (key !== 'activate' || typeof v !== 'function') return v;
        return function (this: unknown, ...args: unknown[]) {
          const [r, c] = timed(() => v.apply(this, args));
          call = c;
          return r;
        };
      },
    });
  };

  // Diagnostics (QWEN_BENCH_PROFILE=dir): a CPU profile of the activation, for finding what it spends.
  const profiler = process.env.QWEN_BENCH_PROFILE ? await startProfile() : undefined;
  let error: string | undefined;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    await ext.activate();
  } catch (e) {
    error = String((e as Error)?.stack ?? e);
  } finally {
    M._load = originalLoad;
  }
  const wholeMs = performance.now() - t0;
  const wc = process.cpuUsage(c0);
  if (profiler) await profiler(join(process.env.QWEN_BENCH_PROFILE!, `activation-${process.pid}.cpuprofile`));
  if (!wasActive && !error && (!load || !call)) error = 'the bundle was not loaded through the CommonJS loader as expected: no load/activate split';
  const firstUse = !wasActive && !error ? await timeFirstUse(ext.extensionPath, M, originalLoad) : undefined;
  const result = {
    pid: process.pid,
    node: process.version,
    version: vscode.version,
    wasActive,
    hostUptimeMs,
    perThread,
    load,
    call,
    whole: { ms: wholeMs, processCpuMs: (wc.user + wc.system) / 1000 },
    firstUse,
    bundleBytes: Object.fromEntries(['extension.js', 'core.js'].map((f) => [f, fileSize(join(ext.extensionPath, 'out', f))])),
    error,
  };
  if (out) appendFileSync(out, JSON.stringify(result) + '\n');
  console.log(`[activation] ${JSON.stringify(result)}`);
}

export function deactivate(): void {}

const fileSize = (p: string): number | undefined => (existsSync(p) ? statSync(p).size : undefined);

type Loader = (this: unknown, request: string, parent: unknown, isMain: boolean) => unknown;

/**
 * Not activation, recorded beside it: what the first use then costs, once. Activation loads only
 * out/extension.js; the first command, chat view or completion loads out/core.js (the client,
 * zod, chat, edits, completions) and calls its startCore(). Timed the same way, around the
 * loader call and around startCore(); the first use here is a command that only reads state.
 */
async function timeFirstUse(extensionPath: string, M: { _load: Loader }, originalLoad: Loader): Promise<{ load?: Cost; call?: Cost } | undefined> {
  const r: { load?: Cost; call?: Cost } = {};
  M._load = function (this: unknown, request: string, parent: unknown, isMain: boolean) {
    const from = (parent as { filename?: string } | undefined)?.filename ?? '';
    if (r.load || request !== './core.js' || !from.startsWith(extensionPath)) return originalLoad.call(this, request, parent, isMain);
    const [exports, cost] = timed(() => originalLoad.call(this, request, parent, isMain));
    r.load = cost;
    const start = (exports as { startCore?: (...a: unknown[]) => unknown }).startCore;
    if (typeof start !== 'function') return exports;
    return {
      ...(exports as object),
      startCore: (...args: unknown[]) => {
        const [v, c] = timed(() => start(...args));
        r.call = c;
        return v;
      },
    };
  };
  try {
    await vscode.commands.executeCommand('qwen.internal.pendingEdits');
  } catch {
    return undefined;
  } finally {
    M._load = originalLoad;
  }
  return r.load ? r : undefined;
}

async function startProfile(): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  return async (file) => {
    const { profile } = await post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
