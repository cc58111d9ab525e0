// The chat view's own logic in real Chromium, driven like the extension host drives it, with
// assertions on what a user sees and on the messages the host receives.
import * as assert from 'node:assert/strict';
import type { ChatPage } from './support/browser';
import { chatPageHooks } from './support/suite';
import type { Turn } from '../../src/protocol/messages';
import { doneTurn, fileChip, selectionChip, streamingTurn, viewState } from './fixtures';

describe('webview: chat view (Chromium)', function () {
  this.timeout(60_000);
  let view: ChatPage;
  chatPageHooks({ check: 'csp' }, (v) => (view = v));

  const page = () => view.page;
  const input = () => page().getByRole('combobox', { name: 'Ask Qwen' });

  async function init(overrides: Parameters<typeof viewState>[0] = {}, locale: 'en' | 'zh-cn' = 'en'): Promise<void> {
    await view.send({ type: 'init', locale, state: viewState(overrides) });
    await view.frames();
    await view.clearPosted();
  }

  it('says ready once loaded, then shows the empty conversation with its hint', async () => {
    assert.deepEqual(await view.posted(), [{ type: 'ready' }]);
    await init();
    assert.equal(await page().locator('.empty h2').textContent(), 'Ask Qwen about your code');
    assert.match((await page().locator('.empty p').textContent()) ?? '', /Type @ to add another file/);
    assert.equal(await page().locator('.title').textContent(), 'Streaming parser');
  });

  it('speaks Simplified Chinese when the host says so', async () => {
    await init({ conversationId: null }, 'zh-cn');
    assert.equal(await page().locator('html').getAttribute('lang'), 'zh-CN');
    assert.equal(await page().locator('.empty h2').textContent(), '向 Qwen 询问你的代码');
    assert.equal(await page().getByRole('combobox', { name: '向 Qwen 提问' }).getAttribute('placeholder'), '询问你的代码…（输入 @ 添加文件）');
    assert.equal(await page().locator('.input-hint').textContent(), 'Enter 发送，Shift+Enter 换行');
  });

  it('with no key, the empty view offers only Set API Key (and the walkthrough), and each click says so to the host', async () => {
    await init({ needsApiKey: true });
    const empty = page().locator('.empty');
    assert.match((await empty.locator('p').textContent()) ?? '', /needs a key for the provider you chose/);
    assert.deepEqual(await empty.locator('button.text-button').allTextContents(), ['Set an API key to start chatting.']);
    assert.equal(await empty.locator('.starters').count(), 0, 'no prompts to send without a key');
    assert.equal(await empty.locator('.shortcuts').count(), 0);
    await page().getByRole('button', { name: 'Set an API key to start chatting.' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'errorAction', action: 'setApiKey' }]);
    await view.clearPosted();
    await page().getByRole('button', { name: 'Get started with Qwen Coder' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'openWalkthrough' }]);
  });

  it('with a key, the empty view offers starter prompts and the main keys; a prompt fills the input and sends nothing', async () => {
    await init({ needsApiKey: false });
    const empty = page().locator('.empty');
    assert.equal(await empty.getByRole('button', { name: 'Set an API key to start chatting.' }).count(), 0);
    assert.deepEqual(await empty.getByRole('group', { name: 'Try asking' }).getByRole('button').allTextContents(), [
      'Explain the code I have selected',
      'Find bugs in the current file',
      'Write unit tests for the selected function',
    ]);
    const shortcuts = await empty.locator('.shortcuts').evaluate((dl) =>
      Array.from(dl.querySelectorAll('dt')).map((dt) => `${dt.textContent}: ${Array.from(dt.nextElementSibling!.querySelectorAll('kbd')).map((k) => k.textContent).join(' ')}`));
    assert.deepEqual(shortcuts, ['Explain Selection: Ctrl+Alt+Q E', 'Edit Inline: Ctrl+Alt+K', 'Fix Selection: Ctrl+Alt+Q F', 'Generate Tests: Ctrl+Alt+Q T']);
    await empty.getByRole('button', { name: 'Find bugs in the current file' }).click();
    assert.equal(await input().inputValue(), 'Find bugs in the current file');
    assert.equal(await input().evaluate((el) => el === document.activeElement), true, 'the input has focus, to send or change');
    assert.deepEqual(await view.posted(), [], 'nothing is sent until the user presses Enter');
    await page().keyboard.press('Enter');
    assert.deepEqual(await view.posted(), [{ type: 'send', text: 'Find bugs in the current file', contextIds: [] }]);
    await view.clearPosted();
    await init({ needsApiKey: false });
    await page().getByRole('button', { name: 'Get started with Qwen Coder' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'openWalkthrough' }]);
  });

  it('the empty view speaks Chinese too, with and without a key', async () => {
    await init({ needsApiKey: true }, 'zh-cn');
    assert.equal(await page().getByRole('button', { name: '请先设置 API 密钥再开始对话。' }).count(), 1);
    assert.equal(await page().getByRole('button', { name: 'Qwen Coder 入门' }).count(), 1);
    await init({ needsApiKey: false }, 'zh-cn');
    assert.deepEqual(await page().getByRole('group', { name: '试着问问' }).getByRole('button').allTextContents(), ['解释我选中的代码', '找出当前文件中的 bug', '为选中的函数编写单元测试']);
    assert.match((await page().locator('.empty .shortcuts').textContent()) ?? '', /解释选中内容Ctrl\+Alt\+Q/);
  });

  it('Enter sends (with the context chips), Shift+Enter adds a line, an empty box sends nothing', async () => {
    await init({ context: [selectionChip, fileChip] });
    await input().click();
    await page().keyboard.press('Enter');
    await page().keyboard.type('Why does this');
    await page().keyboard.press('Shift+Enter');
    await page().keyboard.type('overflow? 为什么');
    assert.equal(await input().inputValue(), 'Why does this\noverflow? 为什么');
    await page().keyboard.press('Enter');
    assert.deepEqual(await view.posted(), [{ type: 'send', text: 'Why does this\noverflow? 为什么', contextIds: ['ctx-sel', 'ctx-file'] }]);
    assert.equal(await input().inputValue(), '');
  });

  it('does not send on the Enter that confirms an IME composition', async () => {
    await init();
    await input().fill('你好');
    await input().dispatchEvent('keydown', { key: 'Enter', isComposing: true, keyCode: 229 });
    assert.deepEqual(await view.posted(), []);
    assert.equal(await input().inputValue(), '你好');
  });

  it('turns Send into Stop while streaming; Stop posts stop and the partial answer stays', async () => {
    await init();
    await view.send({ type: 'turnStart', turn: streamingTurn('t1', 'Explain') });
    await view.send({ type: 'delta', turnId: 't1', text: 'The first half of the answer' });
    await view.frames();
    assert.equal(await page().getByRole('button', { name: 'Send', exact: true }).count(), 0);
    await page().getByRole('button', { name: 'Stop generating' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'stop' }]);

    await view.send({ type: 'turnEnd', turnId: 't1', finishReason: 'cancelled' });
    await view.frames();
    assert.equal((await view.text('.turn[data-turn-id="t1"] .markdown')).trim(), 'The first half of the answer');
    assert.equal((await view.text('.turn[data-turn-id="t1"] .turn-notes')).trim(), 'Stopped');
    assert.equal(await page().getByRole('button', { name: 'Stop generating' }).count(), 0);
    assert.equal(await page().getByRole('button', { name: 'Send', exact: true }).count(), 1);
  });

  it('announces to screen readers when an answer completes', async () => {
    await init();
    await view.send({ type: 'turnStart', turn: streamingTurn('t1', 'q') });
    await view.send({ type: 'delta', turnId: 't1', text: 'Done.' });
    await view.send({ type: 'turnEnd', turnId: 't1', finishReason: 'stop' });
    const live = page().locator('[aria-live="polite"]');
    await page().waitForFunction(() => document.querySelector('[aria-live="polite"]')?.textContent === 'Answer complete.');
    assert.equal(await live.getAttribute('aria-atomic'), 'true');
  });

  it('code block buttons post copy, insert and apply with the exact code and language', async () => {
    const code = 'const s = "a < b && c";\nconsole.log(s);';
    await init({ turns: [doneTurn('t1', 'code', `Try:\n\n\`\`\`ts\n${code}\n\`\`\`\n`)] });
    const block = page().locator('.code-block');
    assert.equal(await block.getAttribute('aria-label'), 'ts code block');
    for (const [name, action] of [['Copy', 'copy'], ['Insert at cursor', 'insert'], ['Apply to file', 'apply']] as const) {
      await block.getByRole('button', { name }).click();
      const last = (await view.posted()).pop();
      assert.deepEqual(last, { type: 'codeAction', action, code, language: 'ts' });
    }
    assert.equal(await block.getByRole('button', { name: 'Copied' }).count(), 1, 'Copy confirms');
  });

  it('shows an error in its turn, one sentence with its actions, which post errorAction', async () => {
    await init();
    await view.send({ type: 'turnStart', turn: streamingTurn('t1', 'q') });
    await view.send({
      type: 'turnError',
      turnId: 't1',
      error: { message: 'The provider flagged this conversation as inappropriate.', actions: ['removeFlagged', 'retry', 'openSettings'] },
    });
    await view.frames();
    const error = page().getByRole('group', { name: 'Error' });
    assert.equal((await error.locator('.error-message').textContent())?.trim(), 'The provider flagged this conversation as inappropriate.');
    assert.deepEqual(await error.getByRole('button').allTextContents(), ['Remove the flagged message', 'Retry', 'Open Settings']);
    await error.getByRole('button', { name: 'Remove the flagged message' }).click();
    await error.getByRole('button', { name: 'Retry' }).click();
    assert.deepEqual(await view.posted(), [
      { type: 'errorAction', action: 'removeFlagged', turnId: 't1' },
      { type: 'errorAction', action: 'retry', turnId: 't1' },
    ]);
    assert.equal(await page().getByRole('button', { name: 'Send', exact: true }).count(), 1, 'no longer streaming');
  });

  it('lists conversations, newest first; opens and deletes them', async () => {
    await init();
    const history = page().locator('button[aria-controls="history"]');
    assert.equal(await history.getAttribute('aria-label'), 'Show conversation history');
    await history.click();
    assert.equal(await history.getAttribute('aria-label'), 'Back to the conversation');
    assert.equal(await history.getAttribute('aria-expanded'), 'true');
    const titles = await page().locator('.history-title').allTextContents();
    assert.deepEqual(titles, ['Streaming parser', '解释一下这个正则表达式', 'Fix flaky test in CI']);
    assert.equal(await page().locator('.history-open[aria-current="true"] .history-title').textContent(), 'Streaming parser');

    await page().getByRole('button', { name: 'Delete conversation: Fix flaky test in CI' }).click();
    assert.equal(await page().locator('.history-title').count(), 2);
    await page().getByRole('button', { name: 'Open conversation: 解释一下这个正则表达式' }).click();
    assert.deepEqual(await view.posted(), [
      { type: 'deleteConversation', id: 'c3' },
      { type: 'openConversation', id: 'c2' },
    ]);
    assert.equal(await page().locator('.history').isHidden(), true, 'back to the conversation');

    await history.click();
    await page().keyboard.press('Escape');
    assert.equal(await page().locator('.history').isHidden(), true);
    assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('aria-controls')), 'history', 'focus returns to the button');
  });

  it('New Chat and Copy as Markdown post their messages', async () => {
    await init();
    await page().getByRole('button', { name: 'New Chat' }).click();
    await page().getByRole('button', { name: 'Copy conversation as Markdown' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'newChat' }, { type: 'copyConversation' }]);
  });

  it('names the model that answered when the turn started without one (a custom server\'s default)', async () => {
    await init();
    await view.send({ type: 'turnStart', turn: { ...streamingTurn('t1', 'q'), model: undefined } });
    assert.equal(await page().locator('.turn .model-name').count(), 0);
    await view.send({ type: 'delta', turnId: 't1', text: 'Done.' });
    await view.send({ type: 'turnEnd', turnId: 't1', finishReason: 'stop', model: 'Qwen/Qwen2.5-Coder-7B-Instruct' });
    await page().locator('.turn .model-name').waitFor();
    assert.deepEqual(await page().locator('.turn .model-name').allTextContents(), ['Qwen/Qwen2.5-Coder-7B-Instruct']);
  });

  it('shows usage and cost under each answer', async () => {
    await init({
      turns: [
        doneTurn('t1', 'q1', 'a1'),
        doneTurn('t2', 'q2', 'a2', { usage: { promptTokens: 20_000, completionTokens: 1500, totalTokens: 21_500, reasoningTokens: 900 }, costUsd: null }),
      ],
    });
    assert.deepEqual(await page().locator('.usage').allTextContents(), [
      '1,234 in · 567 out · 512 cached · $0.0021',
      '20,000 in · 1,500 out · 900 thinking · price unknown',
    ]);
  });

  it('regenerates the last answer, and edits and resends the last question', async () => {
    await init({ turns: [doneTurn('t1', 'first', 'a1'), doneTurn('t2', 'second question', 'a2')] });
    assert.equal(await page().locator('.turn[data-turn-id="t1"]').getByRole('button', { name: 'Regenerate' }).count(), 0, 'only the last turn');
    await page().locator('.turn[data-turn-id="t2"]').getByRole('button', { name: 'Regenerate' }).click();
    await page().locator('.turn[data-turn-id="t2"]').getByRole('button', { name: 'Edit and resend' }).click();
    const editor = page().getByRole('textbox', { name: 'Edit question' });
    assert.equal(await editor.inputValue(), 'second question');
    await editor.fill('the second question, better');
    await editor.press('Enter');
    assert.deepEqual(await view.posted(), [
      { type: 'regenerate', turnId: 't2' },
      { type: 'editAndResend', turnId: 't2', text: 'the second question, better' },
    ]);

    // The host restarts that turn: it is replaced, not duplicated.
    await view.send({ type: 'turnStart', turn: streamingTurn('t2', 'the second question, better') });
    await view.frames();
    assert.equal(await page().locator('.turn').count(), 2);
    assert.equal(await view.text('.turn[data-turn-id="t2"] .question-text'), 'the second question, better');
  });

  it('Escape cancels editing a question', async () => {
    await init({ turns: [doneTurn('t1', 'keep me', 'a1')] });
    await page().getByRole('button', { name: 'Edit and resend' }).click();
    await page().keyboard.type(' changed');
    await page().keyboard.press('Escape');
    assert.equal(await view.text('.question-text'), 'keep me');
    assert.deepEqual(await view.posted(), []);
  });

  it('offers Continue for an answer cut off at the length limit', async () => {
    await init({ turns: [doneTurn('t1', 'q', 'A long answer that', { finishReason: 'length' })] });
    assert.equal((await view.text('.turn-notes')).trim(), 'The answer was cut off at the length limit.');
    await page().getByRole('button', { name: 'Continue' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'continue', turnId: 't1' }]);
  });

  it('shows removable context chips; removing one posts removeContext and keeps focus in the row', async () => {
    await init({ context: [selectionChip, fileChip] });
    assert.deepEqual(await page().locator('.composer .chip-label').allTextContents(), ['parser.ts:12-40', 'parser.ts']);
    await page().getByRole('button', { name: 'Remove context: parser.ts:12-40' }).click();
    assert.deepEqual(await page().locator('.composer .chip-label').allTextContents(), ['parser.ts']);
    assert.deepEqual(await view.posted(), [{ type: 'removeContext', id: 'ctx-sel' }]);
    assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Remove context: parser.ts');
  });

  it('@ asks the host for files and adds the chosen one, by keyboard', async () => {
    await init();
    await input().click();
    await page().keyboard.type('look at @par');
    const requests = await view.postedOfType('requestMentions');
    assert.deepEqual(requests.map((r) => r.query), ['', 'p', 'pa', 'par']);
    const last = requests[requests.length - 1]!;
    await view.send({
      type: 'mentionCandidates',
      requestId: last.requestId,
      items: [
        { id: 'f:src/parser.ts', kind: 'file', label: 'parser.ts', detail: 'src/parser.ts' },
        { id: 'e:src/parse-args.ts', kind: 'editor', label: 'parse-args.ts', detail: 'src/cli/parse-args.ts' },
      ],
    });
    const listbox = page().getByRole('listbox', { name: 'Files to add as context' });
    await listbox.waitFor();
    assert.deepEqual(await listbox.locator('.mention-label').allTextContents(), ['parser.ts', 'parse-args.ts']);
    await page().keyboard.press('ArrowDown');
    assert.equal(await input().getAttribute('aria-activedescendant'), 'mention-1');
    await page().keyboard.press('Enter');
    assert.deepEqual((await view.posted()).pop(), { type: 'addMention', id: 'e:src/parse-args.ts', kind: 'editor' });
    assert.equal(await input().inputValue(), 'look at ');
    assert.equal(await listbox.isHidden(), true);

    // A stale answer (an older request) is ignored.
    await view.send({ type: 'mentionCandidates', requestId: requests[0]!.requestId, items: [{ id: 'x', kind: 'file', label: 'x.ts' }] });
    await view.frames();
    assert.equal(await listbox.isHidden(), true);
  });

  it('asks before sending a very large context, and answers the host', async () => {
    await init();
    await view.send({ type: 'ask', requestId: 'r1', question: { kind: 'largeContext', tokens: 182_000, costUsd: 0.36, contextWindow: 262_144 } });
    const dialog = page().getByRole('alertdialog');
    assert.equal(
      (await dialog.locator('.confirm-text').textContent())?.trim(),
      'This request is about 182,000 tokens (about $0.360); the model’s window is 262,144 tokens. Send it?',
    );
    assert.equal(await page().evaluate(() => document.activeElement?.textContent), 'Send anyway');
    await page().keyboard.press('Enter');
    await view.send({ type: 'ask', requestId: 'r2', question: { kind: 'largeContext', tokens: 90_000, costUsd: null } });
    // Escape once the second question is on screen with its button focused, as a person would press it
    await page().waitForFunction(() => /90,000/.test(document.querySelector('[role="alertdialog"] .confirm-text')?.textContent ?? '') && document.activeElement?.textContent === 'Send anyway');
    await page().keyboard.press('Escape');
    assert.deepEqual(await view.posted(), [
      { type: 'answer', requestId: 'r1', answer: { kind: 'largeContext', send: true } },
      { type: 'answer', requestId: 'r2', answer: { kind: 'largeContext', send: false } },
    ]);
    assert.equal(await dialog.count(), 0);
  });

  it('notes when earlier history was left out', async () => {
    await init();
    await view.send({ type: 'turnStart', turn: streamingTurn('t9', 'q') });
    await view.send({ type: 'historyTrimmed', turnId: 't9', droppedTurns: 3 });
    await view.frames();
    assert.equal((await view.text('.turn[data-turn-id="t9"] .trimmed')).trim(), 'Earlier messages were left out to fit the model’s context window (3 turns).');
  });

  it('picks the model and switches thinking and its budget in the view', async () => {
    await init();
    await page().getByRole('combobox', { name: 'Model' }).selectOption('qwen3-max');
    const thinking = page().getByRole('button', { name: 'Thinking' });
    assert.equal(await thinking.getAttribute('aria-pressed'), 'false');
    assert.equal(await page().getByRole('combobox', { name: 'Thinking budget' }).isHidden(), true, 'no budget while off');
    await thinking.click();
    assert.equal(await thinking.getAttribute('aria-pressed'), 'true');
    await page().getByRole('combobox', { name: 'Thinking budget' }).selectOption('8192');
    assert.deepEqual(await view.posted(), [
      { type: 'selectModel', model: 'qwen3-max' },
      { type: 'setThinking', enabled: true, budget: null },
      { type: 'setThinking', enabled: true, budget: 8192 },
    ]);
    const budgets = await page().locator('.budget-select option').allTextContents();
    assert.ok(!budgets.includes('65,536 tokens'), 'no budget above the model maximum');

    await view.send({ type: 'thinking', thinking: { capability: 'none', enabled: false, budget: null, maxBudget: null } });
    assert.equal(await thinking.isHidden(), true, 'hidden for models that cannot think');
  });

  it('keeps the draft across a reload of the view (VS Code state)', async () => {
    await init();
    await input().fill('half-written question');
    await page().waitForTimeout(400);
    // The stand-in keeps setState's value like VS Code does; a rebuild (init again) restores it.
    await view.send({ type: 'init', locale: 'en', state: viewState() });
    assert.equal(await input().inputValue(), 'half-written question');
  });

  it('focusInput focuses the box (and may prefill it)', async () => {
    await init();
    await page().getByRole('button', { name: 'New Chat' }).focus();
    await view.send({ type: 'focusInput', text: 'Explain selection' });
    await view.frames();
    assert.equal(await page().evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Ask Qwen');
    assert.equal(await input().inputValue(), 'Explain selection');
  });

  it('every control has an accessible name, and the whole view works from the keyboard', async () => {
    await init({ context: [selectionChip], turns: [doneTurn('t1', 'q', '```js\nx()\n```\n')] });
    const unnamed = await page().evaluate(() =>
      [...document.querySelectorAll('button, select, textarea, input, [role="option"], summary')]
        .filter((e) => !(e as HTMLElement).hidden && !e.closest('[hidden]'))
        .filter((e) => !(e.getAttribute('aria-label') || e.textContent?.trim() || e.getAttribute('aria-labelledby')))
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    assert.deepEqual(unnamed, []);

    // Tab from the top reaches every button in order, including the code block's.
    await page().locator('body').focus();
    const reached: string[] = [];
    for (let i = 0; i < 20; i++) {
      await page().keyboard.press('Tab');
      reached.push(await page().evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.tagName ?? ''));
    }
    for (const name of ['Show conversation history', 'New Chat', 'Copy', 'Apply to file', 'Edit and resend', 'Regenerate', 'Remove context: parser.ts:12-40', 'Ask Qwen', 'Model', 'Thinking', 'Send']) {
      assert.ok(reached.includes(name), `Tab reaches ${name} (${reached.join(' | ')})`);
    }
  });

  it('shows a host notice as a status line', async () => {
    await init();
    await view.send({ type: 'notice', text: 'Conversation copied as Markdown.' });
    const status = page().getByRole('status');
    assert.equal(await status.textContent(), 'Conversation copied as Markdown.');
  });

  it('shows a tool call as a row with its name and status, between the text around it', async () => {
    const parts: Turn['parts'] = [
      { kind: 'text', text: 'Let me read the file.' },
      { kind: 'toolCall', id: 'c1', name: 'readFile', args: '{"path":"src/a.ts"}', status: 'done', result: 'export const a = 1;' },
      { kind: 'toolCall', id: 'c2', name: 'runTests', args: '{}', status: 'denied' },
      { kind: 'text', text: 'It exports **a**.' },
    ];
    await init({ turns: [doneTurn('t1', 'what does a.ts export?', '', { parts })] });
    const body = page().locator('.turn[data-turn-id="t1"] .answer-body');
    assert.deepEqual(await body.locator(':scope > *').evaluateAll((els) => els.map((e) => e.className)), ['markdown', 'tool-call', 'tool-call', 'markdown']);
    assert.deepEqual(await body.locator('.tool-summary').allTextContents(), ['Called readFile', 'Call runTests: not run']);
    assert.deepEqual(await body.locator('.tool-status').allTextContents(), ['Done', 'Not allowed']);
    assert.equal((await body.locator('.markdown').last().textContent())?.trim(), 'It exports a.');

    // Text streamed after a tool call is a block of its own, after the row.
    await view.send({ type: 'turnStart', turn: streamingTurn('t2', 'go on', { parts: [{ kind: 'text', text: 'Before.' }, { kind: 'toolCall', id: 'c3', name: 'search', args: '{}', status: 'running' }] }) });
    await view.send({ type: 'delta', turnId: 't2', text: 'After.' });
    await view.send({ type: 'turnEnd', turnId: 't2', finishReason: 'stop' });
    await view.frames();
    const second = page().locator('.turn[data-turn-id="t2"] .answer-body');
    assert.deepEqual(await second.locator(':scope > *').evaluateAll((els) => els.map((e) => e.className)), ['markdown', 'tool-call', 'markdown']);
    assert.deepEqual((await second.locator('.markdown').allTextContents()).map((s) => s.trim()), ['Before.', 'After.']);
    assert.equal(await second.locator('.tool-status').textContent(), 'Running');
  });
});

describe('webview: chat view stays alive (Chromium)', function () {
  this.timeout(60_000);
  let view: ChatPage;
  chatPageHooks({}, (v) => (view = v));

  const page = () => view.page;

  it('shows a chip for a file under a long Chinese path (its id is far over 256 characters)', async () => {
    // 300 CJK characters of folders, as a project under ~/项目/… would have; percent-encoded in
    // the document URI, each is 9 characters.
    const folders = Array.from({ length: 4 }, (_, i) => `第${i}层项目文件夹`.repeat(10).slice(0, 74));
    const rel = `${folders.join('/')}/解析器.ts`;
    const uri = `file:///home/user/${folders.map(encodeURIComponent).join('/')}/${encodeURIComponent('解析器.ts')}`;
    assert.ok(rel.length >= 300 && uri.length > 2000);
    await view.send({
      type: 'init',
      locale: 'en',
      state: viewState({ context: [{ id: `file:${uri}`, kind: 'file', label: '解析器.ts', detail: rel, tokens: 120 }] }),
    });
    await view.frames();
    assert.deepEqual(await page().locator('.composer .chip-label').allTextContents(), ['解析器.ts']);
    assert.equal(await page().locator('.empty h2').textContent(), 'Ask Qwen about your code');
    await view.clearPosted();
    await page().getByRole('button', { name: 'Remove context: 解析器.ts' }).click();
    assert.deepEqual(await view.posted(), [{ type: 'removeContext', id: `file:${uri}` }]);
  });

  it('a message that fails validation asks the host for fresh state; the view then works', async () => {
    await view.clearPosted();
    // An init the view cannot accept (a turn id of the wrong type).
    await view.send({ type: 'init', locale: 'en', state: viewState({ turns: [{ ...doneTurn('t1', 'q', 'a'), id: 42 } as never] }) });
    await view.waitForPosted('resync');
    assert.ok((await view.postedOfType('log')).some((m) => /invalid message dropped/.test(m.message)), 'logged for the host');
    // The host answers with a fresh init: the view works.
    await view.send({ type: 'init', locale: 'en', state: viewState({ turns: [doneTurn('t1', 'first question', 'first answer')] }) });
    await view.frames();
    assert.equal((await view.text('.turn[data-turn-id="t1"] .markdown')).trim(), 'first answer');
    assert.equal(await page().getByRole('alert').count(), 0, 'no error line');

    // Later, a delta that fails: fresh state again, and the stream goes on.
    await view.clearPosted();
    await view.send({ type: 'delta', turnId: 't1' });
    await view.waitForPosted('resync');
    await view.send({ type: 'state', state: viewState({ turns: [doneTurn('t1', 'first question', 'fresh answer')] }) });
    await view.frames();
    assert.equal((await view.text('.turn[data-turn-id="t1"] .markdown')).trim(), 'fresh answer');
  });

  it('a turn the host had to cut says so, in English and Chinese', async () => {
    const kept = 'x'.repeat(2000);
    await view.send({ type: 'init', locale: 'en', state: viewState({ turns: [doneTurn('t1', 'everything', kept, { truncatedAt: 2_000_000 })] }) });
    await view.frames();
    assert.match(await view.text('.turn[data-turn-id="t1"] .turn-notes'), /too long to keep whole: only its first 2,000,000 characters are kept/);
    await view.send({ type: 'init', locale: 'zh-cn', state: viewState({ turns: [doneTurn('t1', 'everything', kept, { truncatedAt: 2_000_000 })] }) });
    await view.frames();
    assert.match(await view.text('.turn[data-turn-id="t1"] .turn-notes'), /这个回答太长，无法完整保留：只保留了前 2,000,000 个字符。/);
  });

  it('when the fresh state fails too, shows an error line instead of an empty panel', async () => {
    const bad = { type: 'init', locale: 'zh-cn', state: { ...viewState(), turns: 'not a list' } };
    await view.send(bad);
    await view.waitForPosted('resync');
    await view.send(bad);
    const alert = page().getByRole('alert');
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /聊天视图无法显示/);
    // It offers to try again, which asks once more; a good answer then clears the line.
    await view.clearPosted();
    await alert.getByRole('button').click();
    assert.deepEqual(await view.posted(), [{ type: 'resync' }]);
    await view.send({ type: 'init', locale: 'zh-cn', state: viewState() });
    await view.frames();
    assert.equal(await page().getByRole('alert').count(), 0);
    assert.equal(await page().locator('.empty h2').textContent(), '向 Qwen 询问你的代码');
  });
});
