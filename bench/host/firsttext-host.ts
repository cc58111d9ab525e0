// The runner extension of bench/firsttext.bench.ts, loaded as the development extension (the
// workbench takes one) beside Qwen Coder installed from its .vsix; it carries the baseline's
// command (bench/host/baseline-ext.ts) too. It runs the commands the bench asks for, one at a time, and records the
// moment (Date.now(), the clock the webview pages read too) just before each is executed.
// The bench writes one JSON line per command to $QWEN_BENCH_CTL; this appends one line per command
// done to $QWEN_BENCH_OUT.
import { appendFileSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { activate as activateBaseline } from './baseline-ext';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const say = (m: string) => appendFileSync(process.env.QWEN_BENCH_LOG!, `${new Date().toISOString()} ${m}\n`);

/** One development extension: the runner, and beside it the baseline's command (a workbench takes one). */
export function activate(context: vscode.ExtensionContext): void {
  activateBaseline(context);
  say('runner activated');
  loop().catch((e) => say(`runner failed: ${(e as Error)?.stack ?? e}`));
}

async function loop(): Promise<void> {
  const ctl = process.env.QWEN_BENCH_CTL!;
  const out = process.env.QWEN_BENCH_OUT!;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return void appendFileSync(out, JSON.stringify({ error: 'no folder open' }) + '\n');
  // The settings (provider, server, model) are in the user settings the bench wrote.
  const qwen = vscode.extensions.getExtension('qwen-coder.qwen-coder');
  say(`Qwen Coder ${qwen ? 'found' : 'MISSING'}; baseline ${vscode.extensions.getExtension('qwen-bench.qwen-bench-baseline') ? 'found' : 'MISSING'}; ${vscode.extensions.all.filter((e) => !e.id.startsWith('vscode.')).map((e) => e.id).join(', ')}; baseUrl ${vscode.workspace.getConfiguration('qwen').get('baseUrl')}`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'src/math.ts'));
  let done = 0;
  for (;;) {
    const lines = readFileSync(ctl, 'utf8').split('\n').filter(Boolean);
    if (lines.length <= done) {
      await sleep(20);
      continue;
    }
    const cmd = JSON.parse(lines[done]!) as { kind: 'chat' | 'baseline' | 'stop' };
    done++;
    say(`command ${done}: ${cmd.kind}`);
    if (cmd.kind === 'stop') return;
    try {
      let t0: number;
      if (cmd.kind === 'chat') {
        // Untimed: the editor and selection Explain reads.
        const ed = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
        ed.selection = new vscode.Selection(4, 0, 8, 1);
        await sleep(50);
        t0 = Date.now();
        await vscode.commands.executeCommand('qwen.explainSelection');
      } else {
        t0 = Date.now();
        await vscode.commands.executeCommand('qwenBaseline.run');
      }
      const ms = Date.now() - t0;
      // When Qwen posted the turn's first messages to its view (absent for the baseline).
      const posts = cmd.kind === 'chat' ? await vscode.commands.executeCommand('qwen.internal.postTimes').then(undefined, () => undefined) : undefined;
      appendFileSync(out, JSON.stringify({ kind: cmd.kind, t0, ms, posts }) + '\n');
    } catch (e) {
      appendFileSync(out, JSON.stringify({ kind: cmd.kind, error: String((e as Error)?.stack ?? e) }) + '\n');
    }
  }
}
