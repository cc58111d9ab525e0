// The floor for bench/firsttext.bench.ts (baseline.first_text_ms): a minimal extension that, on its
// command, does the least possible to put a model's first chunk on screen: it fetches from the same
// local server, reveals its own webview beside the request, and posts the first chunk it reads.
// No client, no parsing, no batching, no markdown: what VS Code's own pipeline costs.
import * as vscode from 'vscode';

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline';">
</head><body><div id="baseline"></div><script>
const vscode = acquireVsCodeApi();
const root = document.getElementById('baseline');
window.addEventListener('message', (e) => { const p = document.createElement('p'); p.textContent = e.data; root.append(p); });
vscode.postMessage('ready');
</script></body></html>`;

export function activate(context: vscode.ExtensionContext): void {
  let panel: vscode.WebviewPanel | undefined;
  let ready: Promise<unknown> = Promise.resolve();
  context.subscriptions.push(
    vscode.commands.registerCommand('qwenBaseline.run', async () => {
      const response = fetch(`${process.env.QWEN_BENCH_URL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'qwen3-coder-plus', stream: true, messages: [{ role: 'user', content: 'Explain this.' }] }),
      });
      if (!panel) {
        panel = vscode.window.createWebviewPanel('qwenBaseline', 'Baseline', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, { enableScripts: true, retainContextWhenHidden: true });
        const p = panel;
        ready = new Promise((r) => p.webview.onDidReceiveMessage(r));
        panel.webview.html = PAGE;
        panel.onDidDispose(() => (panel = undefined));
      } else panel.reveal(vscode.ViewColumn.Beside, true);
      const reader = (await response).body!.getReader();
      const first = await reader.read();
      await ready;
      void panel?.webview.postMessage(new TextDecoder().decode(first.value));
      while (!(await reader.read()).done) { /* the rest is not shown */ }
    }),
  );
}
