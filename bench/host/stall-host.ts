// Loaded inside the real extension host by bench/hoststall.bench.ts (extensionTestsPath of the
// extension under development): streams a 100,000-chunk answer into the chat view and records the
// largest event-loop stall of the extension host meanwhile.
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
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

  const chunks = Number(process.env.QWEN_BENCH_CHUNKS || 100_000);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  // QWEN_BENCH_PROFILE=file: a CPU profile of the extension host during the stream, to find stalls.
  const profilePath = process.env.QWEN_BENCH_PROFILE;
  const session = profilePath ? new Session() : undefined;
  if (session) {
    session.connect();
    await new Promise((r) => session.post('Profiler.enable', () => session.post('Profiler.start', r)));
  }
  const t0 = performance.now();
  // A 1 ms ticker: the largest gap between ticks beyond its period is the longest stall.
  let last = performance.now();
  let maxGap = 0;
  let maxGapAt = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - last - 1 > maxGap) {
      maxGap = now - last - 1;
      maxGapAt = last - t0;
    }
    last = now;
  }, 1);
  histogram.enable();
  await api.chat.ask(`[[scenario:long?chunks=${chunks}]] Stream a very long answer.`, { chips: [], text: '' });
  const ms = performance.now() - t0;
  histogram.disable();
  clearInterval(ticker);
  if (session && profilePath) {
    await new Promise<void>((r) => session.post('Profiler.stop', (_e, res) => { writeFileSync(profilePath, JSON.stringify((res as { profile: unknown }).profile)); r(); }));
    session.disconnect();
  }
  const turn = api.chat.turns().at(-1)!;
  const result = {
    maxStallMs: maxGap,
    maxStallAtMs: maxGapAt,
    histogramMaxMs: histogram.max / 1e6 - 1,
    p99Ms: histogram.percentile(99) / 1e6 - 1,
    streamMs: ms,
    answerChars: turn.answer.length,
    status: turn.status,
    usage: turn.usage,
  };
  writeFileSync(process.env.QWEN_BENCH_OUT!, JSON.stringify(result));
  console.log(`[host-stall] ${JSON.stringify(result)}`);
  if (turn.status !== 'done') throw new Error(`the stream did not finish: ${turn.status} ${turn.error?.message ?? ''}`);
}
