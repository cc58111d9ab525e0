// Agent turns in real Chromium, driven like the extension host drives them: tool rows in plain
// words (English and Chinese), approvals, the running task's status line and Stop, Continue, Undo
// task, the Ask / Agent switch, tool rows updated in place, and tool output that stays text.
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { ChatPage } from './support/browser';
import { chatPageHooks } from './support/suite';
import { repoRoot, type ViewServer } from './support/server';
import type { Browser } from 'playwright-core';
import type { Turn } from '../../src/protocol/messages';
import { agentTurn, streamingTurn, toolPart, viewState } from './fixtures';

/** One row of every tool in every state a user meets, with what each row must say. */
const ROWS: { part: Turn['parts'][number]; en: string; zh: string }[] = [
  { part: toolPart('r1', 'read_file', { file_path: 'src/app.ts', limit: 200 }, 'done', { facts: { path: 'src/app.ts', startLine: 1, endLine: 200, totalLines: 512 }, result: '1\timport x' }),
    en: 'Read src/app.ts, lines 1–200', zh: '读取 src/app.ts，第 1–200 行' },
  { part: toolPart('r2', 'list_directory', { path: 'src' }, 'done', { facts: { path: 'src/', entries: 12 } }),
    en: 'Listed src/ (12 entries)', zh: '列出 src/（12 项）' },
  { part: toolPart('r3', 'glob', { pattern: '**/*.ts' }, 'done', { facts: { entries: 8 } }),
    en: 'Found 8 files matching **/*.ts', zh: '找到 8 个匹配 **/*.ts 的文件' },
  { part: toolPart('r4', 'grep_search', { pattern: 'parseUser' }, 'done', { facts: { matches: 14, files: 5 } }),
    en: 'Searched for parseUser: 14 matches in 5 files', zh: '搜索 parseUser：5 个文件中 14 处匹配' },
  { part: toolPart('r5', 'grep_search', { pattern: 'TODO' }, 'running'),
    en: 'Searching for TODO', zh: '正在搜索 TODO' },
  { part: toolPart('r6', 'edit', { file_path: 'src/app.ts', old_string: 'a', new_string: 'b' }, 'pending', { facts: { path: 'src/app.ts', added: 6, removed: 2 } }),
    en: 'Edit src/app.ts (+6 \u22122): waiting for you', zh: '编辑 src/app.ts（+6 \u22122）：等待你的确认' },
  { part: toolPart('r7', 'edit', { file_path: 'src/app.ts', old_string: 'a', new_string: 'b' }, 'done', { facts: { path: 'src/app.ts', added: 6, removed: 2 } }),
    en: 'Edited src/app.ts (+6 \u22122)', zh: '已编辑 src/app.ts（+6 \u22122）' },
  { part: toolPart('r8', 'write_file', { file_path: 'src/new.ts', content: '…' }, 'done', { facts: { path: 'src/new.ts', added: 40, removed: 0, created: true } }),
    en: 'Created src/new.ts (+40)', zh: '已新建 src/new.ts（+40）' },
  { part: toolPart('r9', 'edit', { file_path: 'src/app.ts', old_string: 'a', new_string: 'b' }, 'denied', { facts: { path: 'src/app.ts', added: 6, removed: 2 }, result: 'The user rejected this edit.' }),
    en: 'Edit src/app.ts: rejected', zh: '编辑 src/app.ts：已拒绝' },
  { part: toolPart('r10', 'run_shell_command', { command: 'npm test', directory: 'src/' }, 'pending', { facts: { command: 'npm test', directory: 'src/' } }),
    en: 'Run npm test in src/: waiting for you', zh: '在 src/ 中运行 npm test：等待你的确认' },
  { part: toolPart('r11', 'run_shell_command', { command: 'npm test' }, 'done', { facts: { command: 'npm test', exitCode: 1 }, result: 'FAIL test/a.test.ts' }),
    en: 'Ran npm test: exit 1', zh: '运行 npm test：退出码 1' },
  { part: toolPart('r12', 'run_shell_command', { command: 'npm test' }, 'done', { facts: { command: 'npm test', exitCode: null, timedOut: true } }),
    en: 'Ran npm test: timed out', zh: '运行 npm test：超时' },
  { part: toolPart('r13', 'run_shell_command', { command: 'rm -rf build' }, 'denied', { facts: { command: 'rm -rf build' } }),
    en: 'Skipped rm -rf build', zh: '已跳过 rm -rf build' },
  { part: toolPart('r14', 'run_shell_command', { command: 'npm run build' }, 'interrupted'),
    en: 'Run npm run build: interrupted', zh: '运行 npm run build：已中断' },
  { part: toolPart('r15', 'foo', {}, 'done', { result: 'ok' }),
    en: 'Called foo', zh: '已调用 foo' },
  { part: toolPart('r16', 'read_file', { file_path: 'src/missing.ts' }, 'error', { result: '\nError: src/missing.ts does not exist.\nRead a file that exists.' }),
    en: 'Read src/missing.ts: failed', zh: '读取 src/missing.ts：失败' },
  { part: toolPart('r17', 'read_file', "{file_path: 'src/a.ts'", 'error', { result: 'Error: the arguments are not valid JSON.' }),
    en: 'Call read_file: failed', zh: '调用 read_file：失败' },
];

const STATUS_ICON: Record<string, string> = { done: 'check', running: 'loading', pending: 'clock', denied: 'circle-slash', error: 'error', interrupted: 'debug-disconnect' };

describe('webview: agent turns (Chromium)', function () {
  this.timeout(60_000);
  let view: ChatPage;
  chatPageHooks({ check: 'csp' }, (v) => (view = v));

  const page = () => view.page;
  const turn = (id: string) => page().locator(`.turn[data-turn-id="${id}"]`);
  const row = (callId: string) => page().locator(`.tool-call[data-call-id="${callId}"]`);

  async function init(overrides: Parameters<typeof viewState>[0] = {}, locale: 'en' | 'zh-cn' = 'en'): Promise<void> {
    await view.send({ type: 'init', locale, state: viewState(overrides) });
    await view.frames();
    await view.clearPosted();
  }

  /** The sentence of each row, in order (paths and commands are elements inside it). */
  const sentences = (id: string) => turn(id).locator('.tool-summary').allTextContents();

  it('words every tool and state in plain English, with its status icon, from a restored conversation', async () => {
    await init({ turns: [agentTurn('t1', 'Fix the failing test', ROWS.map((r) => r.part))] });
    assert.deepEqual(await sentences('t1'), ROWS.map((r) => r.en));
    for (const r of ROWS) {
      const p = r.part as Extract<typeof r.part, { kind: 'toolCall' }>;
      assert.equal(await row(p.id).getAttribute('data-status'), p.status);
      assert.equal(await row(p.id).locator(`.tool-icon .codicon-${STATUS_ICON[p.status]}`).count(), 1, `${p.id} shows the ${p.status} icon`);
    }
    // Paths are links, commands and patterns are code.
    assert.deepEqual(await row('r1').locator('.tool-summary button.tool-path').allTextContents(), ['src/app.ts']);
    assert.deepEqual(await row('r4').locator('.tool-summary code').allTextContents(), ['parseUser']);
    assert.deepEqual(await row('r11').locator('.tool-summary code').allTextContents(), ['npm test']);
    // A failure shows the first line of what the model was told; a rejection does not need to.
    assert.equal(await row('r16').locator('.tool-error').textContent(), 'Error: src/missing.ts does not exist.');
    assert.equal(await row('r9').locator('.tool-error').count(), 0);
    // Only waiting rows have buttons.
    assert.equal(await turn('t1').locator('[data-tool-decision]').count(), 4, 'Accept/Reject on r6, Run/Skip on r10');
    assert.equal(await turn('t1').locator('.tool-call').count(), ROWS.length);
  });

  it('words them in Simplified Chinese too', async () => {
    await init({ turns: [agentTurn('t1', '修复失败的测试', ROWS.map((r) => r.part))] }, 'zh-cn');
    assert.deepEqual(await sentences('t1'), ROWS.map((r) => r.zh));
    assert.deepEqual(await row('r10').getByRole('button').filter({ hasText: /运行|跳过/ }).allTextContents(), ['运行', '跳过']);
    assert.match((await row('r10').locator('.tool-approval').textContent()) ?? '', /命令所做的更改不会被“撤销智能体任务”撤销。/);
  });

  it('shows the arguments and the result on demand, as pretty JSON or the raw text when invalid', async () => {
    await init({ turns: [agentTurn('t1', 'q', ROWS.map((r) => r.part))] });
    const details = row('r11').locator('.tool-details');
    assert.equal(await details.isVisible(), false, 'closed at first');
    const toggle = row('r11').getByRole('button', { name: 'Show details' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await details.isVisible(), true);
    assert.equal(await row('r11').getByRole('button', { name: 'Hide details' }).getAttribute('aria-expanded'), 'true');
    assert.equal(await details.locator('.tool-input').textContent(), '{\n  "command": "npm test"\n}');
    assert.equal(await details.locator('.tool-output').textContent(), 'FAIL test/a.test.ts');
    // Invalid JSON: its own text, and a label saying so. A click on the row's text opens it too.
    await row('r17').locator('.tool-summary').click();
    assert.equal(await row('r17').locator('.tool-input').textContent(), "{file_path: 'src/a.ts'");
    assert.deepEqual(await row('r17').locator('.tool-details-label').allTextContents(), ['Input (not valid JSON)', 'Output']);
    assert.deepEqual(await view.posted(), [], 'opening details tells the host nothing');
  });

  it('a file path is a link that asks the host to open it', async () => {
    await init({ turns: [agentTurn('t1', 'q', ROWS.map((r) => r.part))] });
    await row('r8').getByRole('button', { name: 'src/new.ts' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'openPath', path: 'src/new.ts' }]);
    assert.equal(await row('r8').locator('.tool-details').isVisible(), false, 'the link does not toggle the row');
  });

  it('a waiting command shows the exact command and folder with Run / Skip; Run approves once and disables both', async () => {
    const command = 'npm test -- --grep "parse user" && echo "done with a very long line that must wrap rather than overflow the sidebar at all"';
    await init({ streaming: true, mode: 'agent', turns: [streamingTurn('t1', 'run the tests', { mode: 'agent', steps: 2, parts: [
      { kind: 'text', text: 'Running the tests.' },
      toolPart('c1', 'run_shell_command', { command, directory: 'packages/core', description: 'Run the unit tests' }, 'pending', { facts: { command, directory: 'packages/core' } }),
    ] })] });
    const approval = row('c1').getByRole('group', { name: 'Run this command?' });
    assert.equal(await approval.locator('.tool-command').textContent(), command);
    assert.equal(await approval.locator('.tool-folder').textContent(), 'Folder: packages/core');
    assert.equal(await approval.locator('.tool-description').textContent(), 'Run the unit tests');
    assert.equal(await approval.locator('.tool-hint').textContent(), 'Changes made by commands are not undone by Undo Agent Task.');
    // It wraps onto several lines inside the row, never past the row's edge (layout, not pixels exact).
    const box = await approval.locator('.tool-command').evaluate((el) => {
      const r = el.getBoundingClientRect();
      const row = el.closest('.tool-call')!.getBoundingClientRect();
      return { inside: r.right <= row.right + 0.5, lines: r.height / parseFloat(getComputedStyle(el).lineHeight || '16') };
    });
    assert.ok(box.inside, 'the command stays inside its row');
    assert.ok(box.lines >= 2, `a long command wraps (${box.lines.toFixed(1)} lines)`);
    const run = approval.getByRole('button', { name: 'Run', exact: true });
    const skip = approval.getByRole('button', { name: 'Skip', exact: true });
    await run.click();
    assert.deepEqual(await view.posted(), [{ type: 'toolDecision', turnId: 't1', callId: 'c1', approve: true }]);
    assert.equal(await run.isDisabled(), true);
    assert.equal(await skip.isDisabled(), true);
    await run.click({ force: true });
    await skip.click({ force: true });
    assert.equal((await view.postedOfType('toolDecision')).length, 1, 'one decision, whatever else is clicked');

    // The host moves it on: running, then done; the buttons go.
    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('c1', 'run_shell_command', { command }, 'running', { facts: { command } }) });
    // the page applies it in its own task: wait for the buttons to go, rather than look at once
    await row('c1').locator('[data-tool-decision]').first().waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await row('c1').locator('[data-tool-decision]').count(), 0);
    assert.equal(await row('c1').locator('.codicon-loading').count(), 1);
  });

  it('a command in the first workspace folder itself ("." from the host) does not name the folder', async () => {
    await init({ streaming: true, mode: 'agent', turns: [streamingTurn('t1', 'check', { mode: 'agent', parts: [
      toolPart('c1', 'run_shell_command', { command: 'node check.js' }, 'pending', { facts: { command: 'node check.js', directory: '.' } }),
    ] })] });
    assert.equal((await row('c1').locator('.tool-summary').innerText()).replace(/\s+/g, ' ').trim(), 'Run node check.js: waiting for you');
    assert.equal(await row('c1').locator('.tool-folder').textContent(), 'Folder: the first workspace folder');
  });

  it('a waiting edit offers Accept / Reject with the diff hint; Reject denies', async () => {
    await init({ streaming: true, turns: [streamingTurn('t1', 'fix it', { mode: 'agent', parts: [
      toolPart('e1', 'edit', { file_path: 'src/app.ts', old_string: 'a', new_string: 'b' }, 'pending', { facts: { path: 'src/app.ts', added: 1, removed: 1 } }),
    ] })] });
    const approval = row('e1').getByRole('group', { name: 'Apply this change?' });
    assert.equal(await approval.locator('.tool-hint').textContent(), 'The proposed change is open as a diff in the editor.');
    await approval.getByRole('button', { name: 'Reject' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'toolDecision', turnId: 't1', callId: 'e1', approve: false }]);
    assert.equal(await approval.getByRole('button', { name: 'Accept' }).isDisabled(), true);
    // A facts update of the still-waiting row keeps the choice made.
    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('e1', 'edit', { file_path: 'src/app.ts' }, 'pending', { facts: { path: 'src/app.ts', added: 2, removed: 1 } }) });
    assert.equal(await row('e1').getByRole('button', { name: 'Accept' }).isDisabled(), true);
    assert.match((await row('e1').locator('.tool-summary').textContent()) ?? '', /\+2 \u22121/);
  });

  it('while a task runs, a status line shows its step, cost and tokens with Stop, also while it waits for the user', async () => {
    await init({ mode: 'agent' });
    const bar = page().getByRole('region', { name: 'Agent task' });
    assert.equal(await bar.isVisible(), false, 'no task, no status line');
    await view.send({ type: 'turnStart', turn: streamingTurn('t1', 'Fix the failing test', { mode: 'agent' }) });
    assert.equal(await bar.isVisible(), true);
    await view.send({ type: 'agentProgress', turnId: 't1', steps: 3, usage: { promptTokens: 45_000, completionTokens: 1_200, totalTokens: 46_200, cachedTokens: 30_000 }, costUsd: 0.0087 });
    assert.equal(await bar.locator('.agent-bar-state').textContent(), 'Working… · Step 3 · $0.0087');
    assert.equal(await bar.locator('.agent-bar-usage').textContent(), '45,000 in · 1,200 out · 30,000 cached');

    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('c1', 'run_shell_command', { command: 'npm test' }, 'pending') });
    assert.equal(await bar.locator('.agent-bar-state').textContent(), 'Waiting for you · Step 3 · $0.0087');
    await page().waitForFunction(() => document.querySelector('[aria-live="polite"]')?.textContent === 'Waiting for your approval: Run npm test: waiting for you');
    // In view whatever the scroll: it is outside the scrolling conversation.
    assert.equal(await bar.evaluate((el) => !el.closest('.conversation')), true);

    await bar.getByRole('button', { name: 'Stop the task' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'stop' }]);
    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('c1', 'run_shell_command', { command: 'npm test' }, 'denied') });
    await view.send({ type: 'turnEnd', turnId: 't1', finishReason: 'cancelled' });
    await view.frames();
    assert.equal(await bar.isVisible(), false, 'gone once the task ends');
    // The finished turn keeps the totals: steps, tokens (cached included) and cost.
    assert.equal(await turn('t1').locator('.turn-footer .usage').textContent(), '3 steps · 45,000 in · 1,200 out · 30,000 cached · $0.0087');
    assert.equal(await row('c1').locator('.tool-summary').textContent(), 'Skipped npm test');
  });

  it('says why a task stopped by itself, with Continue', async () => {
    const parts = [toolPart('c1', 'read_file', { file_path: 'a.ts' }, 'done', { facts: { path: 'a.ts' } })];
    const cases = [
      ['maxSteps', 'Stopped after 25 steps (qwen.agent.maxSteps).', '已在 25 步后停止（qwen.agent.maxSteps）。'],
      ['loop', 'Stopped: the model repeated the same call three times.', '已停止：模型连续三次发出了相同的调用。'],
      ['maxCost', 'Stopped: the task would pass your cost limit (qwen.agent.maxCostUsd).', '已停止：继续执行将超出你设定的费用上限（qwen.agent.maxCostUsd）。'],
      ['interrupted', 'Interrupted by a window reload.', '任务因窗口重新加载而中断。'],
    ] as const;
    for (const [stop, en, zh] of cases) {
      await init({ turns: [agentTurn('t1', 'q', parts, { agentStop: stop, steps: 25 })] });
      assert.equal(await turn('t1').locator('.agent-stop').textContent(), en);
      await init({ turns: [agentTurn('t1', 'q', parts, { agentStop: stop, steps: 25 })] }, 'zh-cn');
      assert.equal(await turn('t1').locator('.agent-stop').textContent(), zh);
    }
    await init({ turns: [agentTurn('t1', 'q', parts, { agentStop: 'loop' })] });
    await turn('t1').getByRole('button', { name: 'Continue' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'continue', turnId: 't1' }]);

    // A live task that the host ends with a stop reason says so too.
    await view.send({ type: 'turnStart', turn: streamingTurn('t2', 'next', { mode: 'agent' }) });
    await view.send({ type: 'agentProgress', turnId: 't2', steps: 25 });
    await view.send({ type: 'turnEnd', turnId: 't2', finishReason: 'maxSteps' });
    await view.frames();
    assert.equal(await turn('t2').locator('.agent-stop').textContent(), 'Stopped after 25 steps (qwen.agent.maxSteps).');
    assert.equal(await turn('t2').getByRole('button', { name: 'Continue' }).count(), 1);
  });

  it('a reload mid-task shows its rows as interrupted, with Continue', async () => {
    await init({ turns: [agentTurn('t1', 'q', [
      { kind: 'text', text: 'Reading first.' },
      toolPart('c1', 'read_file', { file_path: 'a.ts' }, 'done', { facts: { path: 'a.ts', startLine: 1, endLine: 10 } }),
      toolPart('c2', 'edit', { file_path: 'a.ts' }, 'interrupted', { facts: { path: 'a.ts' } }),
    ], { status: 'stopped', finishReason: 'cancelled', agentStop: 'interrupted' })] });
    assert.deepEqual(await sentences('t1'), ['Read a.ts, lines 1–10', 'Edit a.ts: interrupted']);
    assert.equal(await turn('t1').locator('.agent-stop').textContent(), 'Interrupted by a window reload.');
    assert.equal(await turn('t1').getByRole('button', { name: 'Continue' }).count(), 1);
  });

  it('older tool results shortened: a visible note', async () => {
    await init();
    await view.send({ type: 'turnStart', turn: streamingTurn('t1', 'long task', { mode: 'agent' }) });
    assert.equal(await turn('t1').locator('.turn-notes').textContent(), '');
    await view.send({ type: 'agentProgress', turnId: 't1', steps: 40, compacted: 12 });
    assert.equal(await turn('t1').locator('.turn-notes').textContent(), 'Older tool results were shortened to fit the model’s context window.');
    // Kept with the turn: a conversation reopened later still says so.
    await init({ turns: [{ ...agentTurn('t1', 'long task', []), compacted: 12 }] });
    assert.equal(await turn('t1').locator('.turn-notes').textContent(), 'Older tool results were shortened to fit the model’s context window.');
  });

  it('Undo task appears on the last task that changed files, posts undoTask and disables itself', async () => {
    const read = toolPart('c1', 'read_file', { file_path: 'a.ts' }, 'done', { facts: { path: 'a.ts' } });
    const edited = toolPart('c2', 'edit', { file_path: 'a.ts' }, 'done', { facts: { path: 'a.ts', added: 1, removed: 1 } });
    const rejected = toolPart('c3', 'edit', { file_path: 'b.ts' }, 'denied', { facts: { path: 'b.ts' } });
    await init({ turns: [agentTurn('t1', 'read only', [read, rejected])] });
    assert.equal(await page().getByRole('button', { name: 'Undo task' }).count(), 0, 'nothing changed, nothing to undo');
    await init({ turns: [agentTurn('t1', 'first', [read, edited]), agentTurn('t2', 'second', [edited]), { ...agentTurn('t3', 'an ordinary question', []), mode: undefined, steps: undefined }] });
    assert.equal(await turn('t1').getByRole('button', { name: 'Undo task' }).count(), 0, 'only the last task can be undone');
    const undo = turn('t2').getByRole('button', { name: 'Undo task' });
    assert.equal(await undo.getAttribute('title'), 'Undo Agent Task: put back every file this task changed');
    await undo.click();
    assert.deepEqual(await view.posted(), [{ type: 'undoTask', turnId: 't2' }]);
    assert.equal(await undo.isDisabled(), true);
  });

  it('the composer switches between Ask and Agent, by mouse and keyboard, and follows the host', async () => {
    await init();
    const group = page().getByRole('radiogroup', { name: 'Mode' });
    const ask = group.getByRole('radio', { name: 'Ask' });
    const agent = group.getByRole('radio', { name: 'Agent' });
    const input = page().getByRole('combobox', { name: 'Ask Qwen' });
    assert.equal(await ask.getAttribute('aria-checked'), 'true');
    assert.equal(await input.getAttribute('placeholder'), 'Ask about your code… (@ to add a file)');
    await agent.click();
    assert.deepEqual(await view.posted(), [{ type: 'setMode', mode: 'agent' }]);
    assert.equal(await agent.getAttribute('aria-checked'), 'true');
    assert.equal(await input.getAttribute('placeholder'), 'Describe a task for the agent…');
    await view.clearPosted();
    await agent.focus();
    await page().keyboard.press('ArrowLeft');
    assert.deepEqual(await view.posted(), [{ type: 'setMode', mode: 'ask' }]);
    assert.equal(await ask.evaluate((el) => el === document.activeElement), true, 'focus follows the choice');
    assert.deepEqual([await ask.getAttribute('tabindex'), await agent.getAttribute('tabindex')], ['0', '-1'], 'one tab stop');
    await view.clearPosted();
    await view.send({ type: 'mode', mode: 'agent' });
    assert.equal(await agent.getAttribute('aria-checked'), 'true');
    assert.equal(await ask.getAttribute('aria-checked'), 'false');
    assert.equal(await input.getAttribute('placeholder'), 'Describe a task for the agent…');
    assert.deepEqual(await view.posted(), [], 'the host\'s word is not echoed back');
    await init({ mode: 'agent' }, 'zh-cn');
    assert.equal(await page().getByRole('radio', { name: '智能体' }).getAttribute('aria-checked'), 'true');
    assert.equal(await page().getByRole('combobox', { name: '向 Qwen 提问' }).getAttribute('placeholder'), '描述要交给智能体的任务…');
  });

  it('toolCall updates a row in place; text after a new row streams into a new block after it', async () => {
    await init();
    await view.send({ type: 'turnStart', turn: streamingTurn('t1', 'task', { mode: 'agent' }) });
    const blocks = () => turn('t1').locator('.answer-body > .markdown, .answer-body > .tool-call').evaluateAll((els) =>
      els.map((e) => (e.classList.contains('tool-call') ? `tool:${e.querySelector('.tool-summary')!.textContent}` : `text:${e.textContent!.trim()}`)));
    // A tool call before any text: no empty block is left above it.
    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('c1', 'glob', { pattern: '*.md' }, 'running') });
    await view.send({ type: 'delta', turnId: 't1', text: 'Found the docs.' });
    await view.streamed();
    assert.deepEqual(await blocks(), ['tool:Finding files matching *.md', 'text:Found the docs.']);
    await view.send({ type: 'delta', turnId: 't1', text: ' Reading one.' });
    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('c2', 'read_file', { file_path: 'README.md' }, 'running') });
    await view.send({ type: 'delta', turnId: 't1', text: 'It says hello.' });
    await view.streamed();
    assert.deepEqual(await blocks(), ['tool:Finding files matching *.md', 'text:Found the docs. Reading one.', 'tool:Reading README.md', 'text:It says hello.']);
    // Updates replace the rows where they are, keeping an opened row open.
    await row('c1').getByRole('button', { name: 'Show details' }).click();
    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('c1', 'glob', { pattern: '*.md' }, 'done', { facts: { entries: 3 }, result: 'README.md\nCHANGELOG.md\ndocs/x.md' }) });
    await view.send({ type: 'toolCall', turnId: 't1', part: toolPart('c2', 'read_file', { file_path: 'README.md' }, 'done', { facts: { path: 'README.md', startLine: 1, endLine: 40 } }) });
    await view.send({ type: 'delta', turnId: 't1', text: ' The end.' });
    await view.send({ type: 'turnEnd', turnId: 't1', finishReason: 'stop' });
    await view.frames();
    assert.deepEqual(await blocks(), ['tool:Found 3 files matching *.md', 'text:Found the docs. Reading one.', 'tool:Read README.md, lines 1–40', 'text:It says hello. The end.']);
    assert.equal(await row('c1').locator('.tool-output').isVisible(), true, 'still open');
    assert.equal(await turn('t1').locator('.tool-call').count(), 2);

    // What the view built equals what the host stores: reopened from those parts, it reads the same.
    await init({ turns: [agentTurn('t1', 'task', [
      toolPart('c1', 'glob', { pattern: '*.md' }, 'done', { facts: { entries: 3 } }),
      { kind: 'text', text: 'Found the docs. Reading one.' },
      toolPart('c2', 'read_file', { file_path: 'README.md' }, 'done', { facts: { path: 'README.md', startLine: 1, endLine: 40 } }),
      { kind: 'text', text: 'It says hello. The end.' },
    ])] });
    assert.deepEqual(await blocks(), ['tool:Found 3 files matching *.md', 'text:Found the docs. Reading one.', 'tool:Read README.md, lines 1–40', 'text:It says hello. The end.']);
  });

  it('tool output, arguments, paths and commands are shown as text, never as HTML', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    await init({ turns: [agentTurn('t1', 'q', [
      toolPart('h1', 'read_file', { file_path: `src/${evil}.ts` }, 'done', { facts: { path: `src/${evil}.ts` }, result: evil }),
      toolPart('h2', 'run_shell_command', { command: `echo '${evil}'` }, 'pending', { facts: { command: `echo '${evil}'` } }),
      toolPart('h3', 'grep_search', { pattern: evil }, 'error', { result: evil }),
      toolPart('h4', evil, evil, 'done', { result: evil }),
    ])] });
    for (const id of ['h1', 'h2', 'h3', 'h4']) await row(id).getByRole('button', { name: 'Show details' }).click();
    await page().waitForTimeout(200);
    assert.equal(await page().evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, 'nothing ran');
    assert.equal(await turn('t1').locator('img, b').count(), 0, 'no element came from tool text');
    assert.equal(await row('h1').locator('.tool-output').textContent(), evil);
    assert.equal(await row('h1').locator('.tool-path').textContent(), `src/${evil}.ts`);
    assert.equal(await row('h2').locator('.tool-command').textContent(), `echo '${evil}'`);
    assert.equal(await row('h3').locator('.tool-error').textContent(), evil);
    assert.equal(await row('h4').locator('.tool-summary').textContent(), `Called ${evil}`);
    assert.equal(await row('h4').locator('.tool-input').textContent(), evil);
  });
});

describe('webview: agent screenshot (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: ViewServer;
  chatPageHooks({}, (_v, s, b) => {
    server = s;
    browser = b;
  });

  for (const [theme, width] of [['dark', 420], ['light', 420], ['dark', 260]] as const) {
    it(`an agent task waiting for a command, ${theme} theme, ${width}px (test-results/screenshots/webview-agent-${theme}-${width}.png)`, async () => {
      const view = await ChatPage.open(browser, server, { theme, width, height: 900 });
      await view.send({ type: 'init', locale: 'en', state: viewState({ mode: 'agent', streaming: true, turns: [streamingTurn('t1', 'The parser test fails on empty input. Find out why and fix it.', { mode: 'agent', model: 'qwen3-coder-plus', parts: [
        { kind: 'text', text: 'I\'ll start by finding the parser and its test.' },
        toolPart('c1', 'grep_search', { pattern: 'parseUser' }, 'done', { facts: { matches: 14, files: 5 }, result: 'src/parser.ts:12: export function parseUser(' }),
        toolPart('c2', 'read_file', { file_path: 'src/parser.ts', limit: 200 }, 'done', { facts: { path: 'src/parser.ts', startLine: 1, endLine: 200 } }),
        { kind: 'text', text: '`parseUser` reads `input[0]` before checking the length. I\'ll guard it.' },
        toolPart('c3', 'edit', { file_path: 'src/parser.ts' }, 'done', { facts: { path: 'src/parser.ts', added: 6, removed: 2 } }),
        toolPart('c4', 'write_file', { file_path: 'test/parser.empty.test.ts' }, 'done', { facts: { path: 'test/parser.empty.test.ts', added: 24, created: true } }),
        toolPart('c5', 'run_shell_command', { command: 'npm test -- --grep parser', directory: 'packages/core', description: 'Run the parser tests' }, 'pending', { facts: { command: 'npm test -- --grep parser', directory: 'packages/core' } }),
      ] })] }) });
      await view.send({ type: 'agentProgress', turnId: 't1', steps: 5, usage: { promptTokens: 48_210, completionTokens: 1_312, totalTokens: 49_522, cachedTokens: 31_744 }, costUsd: 0.0187 });
      await view.frames(3);
      await view.page.waitForTimeout(200); // codicon font
      const dir = join(repoRoot(), 'test-results', 'screenshots');
      mkdirSync(dir, { recursive: true });
      await view.page.screenshot({ path: join(dir, `webview-agent-${theme}-${width}.png`) });
      if (theme === 'dark' && width === 420) await view.page.screenshot({ path: '/tmp/agent-view.png' });
      const spill = await view.page.evaluate(() => {
        const c = document.querySelector('.conversation')!;
        return { page: document.documentElement.scrollWidth - window.innerWidth, conversation: c.scrollWidth - c.clientWidth };
      });
      assert.deepEqual(spill, { page: 0, conversation: 0 }, 'nothing spills sideways');
      assert.deepEqual(view.errors, []);
      await view.close();
    });
  }
});
