// An agent task as a person runs one in the real workbench (code-server, extension installed from
// the .vsix): Qwen: New Agent Task from the palette, the task reads a file, proposes an edit that
// is accepted from the palette (Qwen: Accept Edit), and asks to run a command, approved with the
// row's Run button. Asserts the files on disk, the rows the chat shows, and the requests the
// server received (each tool result included). Screenshots are for the README, never assertions.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { startFakeQwen, type FakeQwen } from '../fake-qwen/server';
import { Workbench } from './driver';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const norm = (s: string) => s.replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

const CALC = 'function add(a, b) {\n  return a - b;\n}\n\nmodule.exports = { add };\n';
const CHECK = "const { add } = require('./src/calc.js');\nrequire('fs').writeFileSync('check-result.txt', String(add(2, 3)));\nconsole.log('add(2, 3) =', add(2, 3));\n";

async function until<T>(what: string, get: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await Promise.resolve(get()).catch((e) => ((last = e), undefined));
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await sleep(150);
  }
}

async function chatFrame(wb: Workbench): Promise<Frame> {
  return until('the chat webview', async () => {
    for (const f of await wb.webviewFrames()) if (await f.locator('textarea.input').count().catch(() => 0)) return f;
    return undefined;
  });
}

/** The rows of the last turn as the chat shows them: their sentence and state. */
function rows(frame: Frame): Promise<Array<{ text: string; status: string; tool: string }>> {
  return frame.evaluate(() => {
    const turn = Array.from(document.querySelectorAll('article.turn')).pop();
    return Array.from(turn?.querySelectorAll<HTMLElement>('.tool-call') ?? []).map((r) => ({
      text: (r.querySelector<HTMLElement>('.tool-summary')?.innerText ?? '').trim(),
      status: r.dataset.status ?? '',
      tool: r.dataset.tool ?? '',
    }));
  });
}

describe('agent mode in the real workbench (installed from the .vsix)', function () {
  this.timeout(240_000);
  let server: FakeQwen;
  let wb: Workbench;
  const disk = (rel: string) => readFileSync(join(wb.folder, rel), 'utf8');

  before(async () => {
    server = await startFakeQwen();
    wb = await Workbench.launch({
      name: 'agent',
      files: { 'src/calc.js': CALC, 'check.js': CHECK },
      settings: { 'qwen.provider': 'custom', 'qwen.baseUrl': server.url, 'qwen.model': 'qwen3-coder-plus', 'files.autoSave': 'off' },
      viewport: { width: 1400, height: 900 },
    });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(`FAILED-${this.currentTest.title}`).catch(() => {});
  });
  after(async () => {
    await wb?.close();
    await server?.close();
  });

  it('New Agent Task reads, edits (accepted from the palette) and runs a command (approved), and the model hears each result', async () => {
    server.setScenario(`agent-demo?file=src/calc.js&old=${encodeURIComponent('return a - b;')}&new=${encodeURIComponent('return a + b;')}&cmd=${encodeURIComponent('node check.js')}`);
    await wb.runCommand('Qwen: New Agent Task');
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill('add() in src/calc.js subtracts. Fix it and run check.js.');
    await input.press('Enter');

    const chat = await chatFrame(wb);
    const waitingEdit = await until('the edit waiting for review', async () => {
      const r = await rows(chat);
      return r.find((x) => x.tool === 'edit' && x.status === 'pending') && r;
    });
    assert.equal(norm(waitingEdit[0]!.text), 'Read src/calc.js, lines 1–5');
    assert.equal(norm(waitingEdit[1]!.text), 'Edit src/calc.js (+1 −1): waiting for you');
    assert.equal(disk('src/calc.js'), CALC, 'nothing is written before Accept');
    await wb.screenshot('agent-edit-waiting');

    // The diff is the active editor: Accept Edit from the palette decides it.
    await wb.runCommand('Qwen: Accept Edit');
    await until('the edit on disk', () => disk('src/calc.js') === CALC.replace('a - b', 'a + b'));

    const waitingCommand = await until('the command waiting for approval', async () => {
      const r = await rows(chat);
      return r.find((x) => x.tool === 'run_shell_command' && x.status === 'pending') && r;
    });
    assert.equal(norm(waitingCommand[1]!.text), 'Edited src/calc.js (+1 −1)');
    assert.equal(norm(waitingCommand[2]!.text), 'Run node check.js: waiting for you', 'the first folder itself is not named');
    assert.equal(existsSync(join(wb.folder, 'check-result.txt')), false, 'nothing runs before approval');
    await wb.screenshot('agent-command-waiting');
    await chat.locator('.tool-call[data-status="pending"] button[data-tool-decision="approve"]').first().click();

    const done = await until('the task to finish', async () => {
      const r = await rows(chat);
      const streaming = await chat.locator('article.turn.streaming').count();
      return streaming === 0 && r.length === 3 && r.every((x) => x.status === 'done') && r;
    }, 60_000);
    assert.equal(norm(done[2]!.text), 'Ran node check.js'); // the exit code is named when it is not 0
    assert.equal(disk('check-result.txt'), '5', 'the command ran, and saw the saved edit');
    const answer = await chat.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('article.turn .answer-body')).pop()?.innerText ?? '');
    assert.match(norm(answer), /Fixed src\/calc\.js and ran the check\. 已修复。/);
    await wb.screenshot('agent-done');

    // What the model was sent: every call's result, in order, after its call.
    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 4);
    const last = posts[3]!.body.messages as Array<{ role: string; content: unknown; tool_call_id?: string; tool_calls?: Array<{ id: string }> }>;
    const text = (c: unknown) => (Array.isArray(c) ? c.map((p: { text: string }) => p.text).join('') : String(c ?? ''));
    const tools = last.filter((m) => m.role === 'tool');
    assert.equal(tools.length, 3);
    assert.equal(text(tools[0]!.content).trimEnd(), CALC.trimEnd(), 'read_file sent the file as it was');
    assert.match(text(tools[1]!.content), /accepted/i);
    assert.match(text(tools[2]!.content), /add\(2, 3\) = 5/);
    const callIds = last.filter((m) => m.role === 'assistant').flatMap((m) => (m.tool_calls ?? []).map((c) => c.id));
    assert.deepEqual(tools.map((m) => m.tool_call_id), callIds);
  });
});
