// Loaded inside the real extension host by bench/activation.bench.ts (as the tests entry of a tiny
// runner extension, while Qwen Coder itself is installed from its .vsix as a user has it): times
// the first `activate()` of the extension, which loads its bundle and runs its activate function.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension('qwen-coder.qwen-coder');
  if (!ext) throw new Error('qwen-coder.qwen-coder is not installed in this host');
  // Already active would mean something activated it first and the time below would be empty.
  const wasActive = ext.isActive;
  const t0 = performance.now();
  await ext.activate();
  const ms = performance.now() - t0;
  const out = process.env.QWEN_BENCH_OUT;
  if (out) writeFileSync(out, JSON.stringify({ ms, wasActive, version: vscode.version, mode: ext.extensionKind }));
  console.log(`[activation] ${ms.toFixed(1)} ms (was active before: ${wasActive})`);
}
