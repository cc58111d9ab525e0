// Streaming render in real Chromium: what users see while an answer streams and after.
import * as assert from 'node:assert/strict';
import type { ChatPage } from './support/browser';
import { chatPageHooks } from './support/suite';
import { chunk, generateAnswer } from './support/corpus';
import { doneTurn, partsOf, streamingTurn, viewState } from './fixtures';

describe('webview: streaming render (Chromium)', function () {
  this.timeout(60_000);
  let view: ChatPage;
  chatPageHooks({ init: true, check: 'errors' }, (v) => (view = v));

  /** The answer's rendered HTML with the streaming renderer's containers taken out. */
  const answerHtml = (turnId: string) =>
    view.page.evaluate((id) => {
      const md = document.querySelector(`.turn[data-turn-id="${id}"] .answer-body .markdown`)!;
      const groups = md.querySelectorAll(':scope > .md-group');
      return groups.length ? [...groups].map((g) => g.innerHTML).join('') : md.innerHTML;
    }, turnId);

  it('streams a long answer in 4-character chunks to exactly the DOM of a one-shot render', async () => {
    const text = generateAnswer(24_000, 11);
    const messages = chunk(text, 4).map((c) => ({ type: 'delta', turnId: 's1', text: c }));
    await view.send({ type: 'turnStart', turn: streamingTurn('s1', 'Walk me through it') });
    for (let i = 0; i < messages.length; i += 500) await view.sendAll(messages.slice(i, i + 500));
    await view.send({ type: 'turnEnd', turnId: 's1', finishReason: 'stop' });
    await view.frames();
    const streamed = await answerHtml('s1');

    await view.send({ type: 'state', state: viewState({ turns: [doneTurn('o1', 'Walk me through it', text)] }) });
    await view.frames();
    const oneShot = await answerHtml('o1');
    assert.ok(oneShot.length > 20_000);
    assert.equal(streamed, oneShot);
  });

  it('shows streamed text as it arrives, Chinese intact, and renders markdown of closed blocks', async () => {
    await view.send({ type: 'turnStart', turn: streamingTurn('s2', '你好') });
    const first = '第一段：流式输出的**中文**不会被截断。\n\n';
    await view.sendAll(chunk(first + '第二段还在写', 4).map((c) => ({ type: 'delta', turnId: 's2', text: c })));
    // the first delta is on screen at once; the rest waits one frame cadence (45 ms)
    await view.streamed();
    const md = view.page.locator('.turn[data-turn-id="s2"] .markdown');
    const visible = await md.textContent();
    assert.ok(visible?.startsWith('第一段：流式输出的中文不会被截断。'), visible ?? '');
    assert.ok(visible?.includes('第二段还在写'), visible ?? '');
    assert.equal(await md.locator('strong').first().textContent(), '中文');
    assert.equal(await view.page.locator('.turn[data-turn-id="s2"]').getAttribute('aria-busy'), 'true');
  });

  it('writes an open code fence straight into its block and highlights it once it closes', async () => {
    await view.send({ type: 'turnStart', turn: streamingTurn('s3', 'code?') });
    const open = 'Here:\n\n```python\ndef add(a, b):\n    return a + b\n';
    await view.sendAll(chunk(open, 4).map((c) => ({ type: 'delta', turnId: 's3', text: c })));
    await view.streamed();
    const block = view.page.locator('.turn[data-turn-id="s3"] .code-block');
    assert.equal(await block.count(), 1);
    assert.equal(await block.locator('.code-language').textContent(), 'python');
    assert.equal(await block.locator('code').textContent(), 'def add(a, b):\n    return a + b\n');
    assert.equal(await block.locator('code [class^="hljs-"]').count(), 0, 'not highlighted while open');

    await view.sendAll(chunk('```\n\nDone.', 4).map((c) => ({ type: 'delta', turnId: 's3', text: c })));
    await view.streamed();
    assert.equal(await block.locator('code').textContent(), 'def add(a, b):\n    return a + b');
    assert.ok((await block.locator('code .hljs-keyword').count()) >= 2, 'highlighted after closing');
    assert.match((await view.text('.turn[data-turn-id="s3"] .markdown')) ?? '', /Done\.$/);
  });

  it('renders a block that closes and the next one started in the same frame each as its own', async () => {
    // One frame closes a paragraph and brings enough of the next for it to render at once: both
    // go through one sanitizer pass, and must come out as two separate renders would.
    await view.send({ type: 'turnStart', turn: streamingTurn('s8', 'pair') });
    await view.sendAll([{ type: 'delta', turnId: 's8', text: 'First with **bold** and `code`.\n\n- a list item that is long enough\n- and' }]);
    await view.frames();
    const md = view.page.locator('.turn[data-turn-id="s8"] .markdown');
    assert.equal(await md.locator('.md-group > p > strong').textContent(), 'bold');
    assert.equal(await md.locator('.md-open > ul > li').first().textContent(), 'a list item that is long enough');
    assert.equal(await md.locator('.md-group div:not([class])').count(), 0, 'no separator left behind');

    // A raw tag the model left open may leak into what follows when parsed together; the closed
    // block is then sanitized alone, so the open one is not made bold.
    await view.send({ type: 'turnStart', turn: streamingTurn('s9', 'leak') });
    await view.sendAll([{ type: 'delta', turnId: 's9', text: 'Loud <b>start\n\nThe next paragraph is long enough to render' }]);
    await view.frames();
    const md9 = view.page.locator('.turn[data-turn-id="s9"] .markdown');
    assert.equal(await md9.locator('.md-group b').first().textContent(), 'start');
    assert.equal(await md9.locator('.md-open b').count(), 0);
    assert.match((await md9.locator('.md-open p').textContent()) ?? '', /^The next paragraph/);
  });

  it('shows a long streaming code block line for line, exactly as the final one', async () => {
    const lines = Array.from({ length: 37 }, (_, i) => `${i % 5 ? '    ' : ''}line_${i} = "值 ${i}"  # ${'x'.repeat(i % 7)}`);
    const code = lines.join('\n') + '\n';
    await view.send({ type: 'turnStart', turn: streamingTurn('s7', 'long code') });
    await view.sendAll(chunk('```python\n' + code, 4).map((c) => ({ type: 'delta', turnId: 's7', text: c })));
    await view.frames();
    const block = view.page.locator('.turn[data-turn-id="s7"] .code-block');
    assert.equal(await block.locator('code').textContent(), code, 'every character, in order');
    const streamingHeight = await block.locator('pre').evaluate((el) => el.getBoundingClientRect().height);

    await view.sendAll([{ type: 'delta', turnId: 's7', text: '```\n' }]);
    await view.send({ type: 'turnEnd', turnId: 's7', finishReason: 'stop' });
    await view.frames();
    assert.equal(await block.locator('code').textContent(), code.slice(0, -1));
    const finalHeight = await block.locator('pre').evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(Math.abs(finalHeight - streamingHeight) < 2, `same ${lines.length} lines while streaming (${streamingHeight}px) and after (${finalHeight}px)`);
  });

  it('shows reasoning live in its own open section, apart from the answer, then collapses it', async () => {
    await view.send({ type: 'turnStart', turn: streamingTurn('s4', 'Why?') });
    await view.sendAll([
      { type: 'delta', turnId: 's4', reasoning: 'The user asks why. ' },
      { type: 'delta', turnId: 's4', reasoning: '先检查边界条件。' },
    ]);
    await view.streamed();
    const details = view.page.locator('.turn[data-turn-id="s4"] details.reasoning');
    assert.equal(await details.getAttribute('open'), '');
    assert.equal((await details.locator('.reasoning-body').textContent())?.trim(), 'The user asks why. 先检查边界条件。');
    assert.equal(await details.locator('summary').textContent(), 'Thinking…');
    assert.equal(await view.text('.turn[data-turn-id="s4"] .answer-body .markdown'), '');

    await view.sendAll([{ type: 'delta', turnId: 's4', text: 'Because the index is never checked.' }]);
    await view.send({ type: 'turnEnd', turnId: 's4', finishReason: 'stop' });
    await view.frames();
    assert.equal(await details.getAttribute('open'), null, 'collapsed once the answer is complete');
    assert.equal(await details.locator('summary').textContent(), 'Thinking');
    assert.equal((await view.text('.turn[data-turn-id="s4"] .answer-body .markdown')).trim(), 'Because the index is never checked.');

    // Keyboard only: focus the summary and press Enter to open it again.
    await details.locator('summary').focus();
    await view.page.keyboard.press('Enter');
    assert.equal(await details.getAttribute('open'), '');
  });

  it('puts the first text and the first reasoning of a turn on screen at once; the frame cadence applies from the second update', async () => {
    // Manual frames: requestAnimationFrame only queues, and the test runs the queue with the
    // timestamp it chooses. Messages are dispatched synchronously, so "on screen" below means
    // in the DOM before any frame ran.
    await view.page.evaluate(() => {
      const w = window as unknown as { __frames: FrameRequestCallback[]; __deliver(m: unknown): number; __runFrames(at: number): void };
      w.__frames = [];
      window.requestAnimationFrame = (cb) => w.__frames.push(cb);
      w.__deliver = (m) => {
        window.dispatchEvent(new MessageEvent('message', { data: m }));
        return performance.now();
      };
      w.__runFrames = (at) => {
        const due = w.__frames.splice(0);
        for (const cb of due) cb(at);
      };
    });
    /** __deliver returns the page's clock right after the message was handled */
    type W = { __deliver(m: unknown): number; __runFrames(at: number): void };
    const deliver = (m: unknown) => view.page.evaluate((x) => (window as unknown as W).__deliver(x), m);
    const runFrames = (at: number) => view.page.evaluate((t) => (window as unknown as W).__runFrames(t), at);
    const shown = (sel: string) => view.page.evaluate((s) => document.querySelector(s)?.textContent ?? '', sel);
    const answer = '.turn[data-turn-id="f1"] .answer-body .markdown';
    const reasoning = '.turn[data-turn-id="f1"] .reasoning-body .markdown';

    await deliver({ type: 'turnStart', turn: streamingTurn('f1', 'first words') });
    await deliver({ type: 'delta', turnId: 'f1', reasoning: 'Thinking it over' });
    assert.equal((await shown(reasoning)).trim(), 'Thinking it over', 'the first reasoning is on screen before any frame');
    await deliver({ type: 'delta', turnId: 'f1', reasoning: ' some more' });
    assert.equal((await shown(reasoning)).trim(), 'Thinking it over', 'the second waits for a frame');
    const rendered = await deliver({ type: 'delta', turnId: 'f1', text: 'The answer starts here' });
    assert.equal((await shown(answer)).trim(), 'The answer starts here', 'the first text is on screen before any frame');
    await deliver({ type: 'delta', turnId: 'f1', text: ' and goes on' });
    assert.equal((await shown(answer)).trim(), 'The answer starts here', 'the second text waits for a frame');
    // A frame within 45 ms of the last render still waits (the cadence); one after it renders.
    await runFrames(rendered + 1);
    assert.equal((await shown(answer)).trim(), 'The answer starts here', 'within the cadence: not yet');
    await runFrames(rendered + 100);
    assert.equal((await shown(answer)).trim(), 'The answer starts here and goes on');

    // The next turn's first text is at once again, however recent the last render.
    await deliver({ type: 'turnEnd', turnId: 'f1', finishReason: 'stop' });
    await deliver({ type: 'turnStart', turn: streamingTurn('f2', 'again') });
    await deliver({ type: 'delta', turnId: 'f2', text: 'Second turn' });
    assert.equal((await shown('.turn[data-turn-id="f2"] .answer-body .markdown')).trim(), 'Second turn');

    // The host sends a new turn with its first words in it (one message, one frame): they are on
    // screen before any frame too, and what follows keeps the cadence.
    await deliver({ type: 'turnEnd', turnId: 'f2', finishReason: 'stop' });
    const withWords = await deliver({ type: 'turnStart', turn: { ...streamingTurn('f3', 'third'), parts: [{ kind: 'text', text: 'Words that came with the turn' }] } });
    const third = '.turn[data-turn-id="f3"] .answer-body .markdown';
    assert.equal((await shown(third)).trim(), 'Words that came with the turn', 'the turn\'s first words are on screen before any frame');
    await deliver({ type: 'delta', turnId: 'f3', text: ', then more' });
    assert.equal((await shown(third)).trim(), 'Words that came with the turn', 'the next text waits for a frame');
    await runFrames(withWords + 100);
    assert.equal((await shown(third)).trim(), 'Words that came with the turn, then more');
  });

  it('renders at most once per animation frame however many deltas arrive', async () => {
    await view.page.evaluate(() => {
      const w = window as unknown as { __rafCalls: number };
      w.__rafCalls = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => {
        w.__rafCalls++;
        return raf(cb);
      };
    });
    await view.send({ type: 'turnStart', turn: streamingTurn('s5', 'many') });
    const text = generateAnswer(8_000, 5);
    const pieces = chunk(text, 4);
    const t0 = Date.now();
    await view.sendAll(pieces.map((c) => ({ type: 'delta', turnId: 's5', text: c })));
    await view.send({ type: 'turnEnd', turnId: 's5', finishReason: 'stop' });
    await view.frames();
    const elapsedFrames = Math.ceil((Date.now() - t0) / (1000 / 60)) + 2;
    const rafCalls = await view.page.evaluate(() => (window as unknown as { __rafCalls: number }).__rafCalls);
    assert.ok(rafCalls <= elapsedFrames + 3, `${rafCalls} frames requested for ${pieces.length} deltas in ~${elapsedFrames} frames`);
    assert.ok(rafCalls < pieces.length / 10, `${rafCalls} frames requested for ${pieces.length} deltas`);
  });

  it('follows the stream unless the user has scrolled up', async () => {
    await view.send({ type: 'turnStart', turn: streamingTurn('s6', 'long one') });
    const text = generateAnswer(6_000, 9);
    const half = Math.floor(text.length / 2);
    await view.sendAll(chunk(text.slice(0, half), 8).map((c) => ({ type: 'delta', turnId: 's6', text: c })));
    await view.frames(3);
    const gap = () => view.page.evaluate(() => {
      const s = document.querySelector('.conversation')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight;
    });
    assert.ok((await gap()) <= 2, `at the bottom while following (gap ${await gap()})`);

    await view.page.mouse.move(150, 200);
    await view.page.mouse.wheel(0, -600);
    await view.frames(3);
    const top = await view.page.evaluate(() => document.querySelector('.conversation')!.scrollTop);
    await view.sendAll(chunk(text.slice(half), 8).map((c) => ({ type: 'delta', turnId: 's6', text: c })));
    await view.frames(3);
    assert.equal(await view.page.evaluate(() => document.querySelector('.conversation')!.scrollTop), top, 'stays where the user scrolled');
    assert.ok((await gap()) > 600);

    await view.page.mouse.wheel(0, 100_000);
    await view.frames(3);
    await view.sendAll([{ type: 'delta', turnId: 's6', text: '\n\nMore at the end.\n\nAnd more.' }]);
    await view.frames(3);
    assert.ok((await gap()) <= 2, 'follows again once back at the bottom');
  });

  it('a long streamed answer scrolled back to its start shows its first blocks (groups are skipped only while off screen)', async () => {
    const text = generateAnswer(60_000, 5);
    await view.send({ type: 'turnStart', turn: streamingTurn('s9', 'long') });
    for (const piece of chunk(text, 2_000)) {
      await view.send({ type: 'delta', turnId: 's9', text: piece });
      await view.frames(1);
    }
    await view.send({ type: 'turnEnd', turnId: 's9', finishReason: 'stop' });
    await view.frames(3);
    const groups = await view.page.locator('.md-group').count();
    assert.ok(groups >= 5, `the answer spans several groups (${groups})`);
    await view.page.evaluate(() => (document.querySelector('.conversation')!.scrollTop = 0));
    await view.frames(3);
    const first = await view.page.evaluate(() => {
      const scroller = document.querySelector('.conversation')!.getBoundingClientRect();
      const el = document.querySelector('.md-group > *') as HTMLElement;
      const r = el.getBoundingClientRect();
      return { text: el.innerText, height: r.height, inView: r.top >= scroller.top - 1 && r.top < scroller.bottom };
    });
    assert.ok(first.height > 0 && first.inView, `the first block is laid out and on screen (${JSON.stringify(first)})`);
    assert.ok(first.text.trim().length > 0, 'and its text is there to read');
    // Every group still holds its text, on screen or not.
    const texts = await view.page.locator('.md-group').evaluateAll((gs) => gs.map((g) => g.textContent!.length));
    assert.ok(texts.every((n) => n > 0));
  });

  it('a long conversation reopened at its end shows its first question and answer when scrolled back', async () => {
    const turns = Array.from({ length: 30 }, (_, i) => doneTurn(`h${i}`, `Question number ${i}`, generateAnswer(3_000, 100 + i)));
    await view.send({ type: 'state', state: viewState({ turns }) });
    await view.frames(3);
    const atBottom = await view.page.evaluate(() => {
      const s = document.querySelector('.conversation')!;
      return s.scrollHeight - s.scrollTop - s.clientHeight;
    });
    assert.ok(atBottom <= 2, `opens at the end (gap ${atBottom})`);
    await view.page.evaluate(() => (document.querySelector('.conversation')!.scrollTop = 0));
    await view.frames(3);
    const first = await view.page.evaluate(() => {
      const scroller = document.querySelector('.conversation')!.getBoundingClientRect();
      const q = document.querySelector('.turn[data-turn-id="h0"] .question') as HTMLElement;
      const a = document.querySelector('.turn[data-turn-id="h0"] .markdown > *') as HTMLElement;
      const r = q.getBoundingClientRect();
      return { question: q.innerText, answer: a.innerText, inView: r.height > 0 && r.top >= scroller.top - 1 && r.top < scroller.bottom };
    });
    assert.ok(first.inView, 'the first question is laid out and on screen');
    assert.match(first.question, /Question number 0/);
    assert.ok(first.answer.trim().length > 0, 'and its answer is there to read');
  });

  it('continues a cut-off answer in the same turn', async () => {
    await view.send({ type: 'state', state: viewState({ turns: [doneTurn('t1', 'Long list', '1. one\n2. two\n3. thr', { finishReason: 'length' })] }) });
    await view.send({ type: 'turnStart', turn: streamingTurn('t1', 'Long list', { parts: partsOf('1. one\n2. two\n3. thr') }) });
    await view.sendAll([{ type: 'delta', turnId: 't1', text: 'ee\n4. four\n' }]);
    await view.send({ type: 'turnEnd', turnId: 't1', finishReason: 'stop' });
    await view.frames();
    assert.deepEqual(await view.page.locator('.turn[data-turn-id="t1"] .markdown li').allTextContents(), ['one', 'two', 'three', 'four']);
    assert.equal(await view.page.locator('.turn').count(), 1);
  });
});
