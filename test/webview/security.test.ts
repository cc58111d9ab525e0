// Model output is untrusted. Hostile answers, streamed and reopened, in real Chromium under the
// real CSP: nothing runs, nothing loads, no link navigates, nothing dresses up as our UI.
// The tracking pixel is served by the page's own origin, which the CSP allows for images: only
// the sanitizer stands between it and a request, and that is what is being tested.
import * as assert from 'node:assert/strict';
import type { ChatPage } from './support/browser';
import { chatPageHooks } from './support/suite';
import { chunk } from './support/corpus';
import type { ViewServer } from './support/server';
import { doneTurn, streamingTurn, viewState } from './fixtures';

describe('webview: hostile answers (Chromium)', function () {
  this.timeout(60_000);
  let server: ViewServer;
  let view: ChatPage;
  chatPageHooks({ init: true }, (v, s) => {
    view = v;
    server = s;
  });

  const hostile = (origin: string) =>
    [
      'Here is the fix. <script>window.__pwned = "script"</script>',
      '',
      '<img src=x onerror="window.__pwned = \'onerror\'">',
      '',
      '[click me](javascript:window.__pwned=\'js-link\') and [data](data:text/html,<script>alert(1)</script>) and [vb](vbscript:msgbox)',
      '',
      `![tracker](${origin}/track.png?md) and <img src="${origin}/track.png?html">`,
      '',
      `[a real-looking link](${origin}/track.png?link "title") [case](JaVaScRiPt:window.__pwned='case') <a href="${origin}/track.png?rawlink">raw</a>`,
      '',
      `<iframe src="${origin}/track.png?iframe"></iframe><object data="${origin}/track.png?object"></object><embed src="${origin}/track.png?embed">`,
      '',
      `<svg onload="window.__pwned='svg'"><image href="${origin}/track.png?svg"/></svg><math><mi xlink:href="javascript:window.__pwned='math'">m</mi></math>`,
      '',
      `<style>body { display: none } .x { background: url(${origin}/track.png?style) }</style><link rel="stylesheet" href="${origin}/track.png?linkcss">`,
      '',
      `<div style="background:url(${origin}/track.png?inline)" onclick="window.__pwned='click'">styled</div>`,
      '',
      `<form action="${origin}/track.png?form"><button formaction="javascript:window.__pwned='form'">Go</button><input autofocus onfocus="window.__pwned='focus'"></form>`,
      '',
      '<details open ontoggle="window.__pwned=\'toggle\'"><summary>s</summary>d</details>',
      '',
      `<meta http-equiv="refresh" content="0;url=${origin}/track.png?meta"><base href="${origin}/evil/">`,
      '',
      '<button class="icon-button" data-code-action="apply">Apply</button> <span class="code-block codicon codicon-copy hljs-keyword">fake chrome</span>',
      '',
      '<javascript:window.__pwned=\'autolink\'>',
      '',
      '```html',
      '<script>window.__pwned = "code"</script>',
      '```',
      '',
      'The end.',
    ].join('\n');

  async function assertHarmless(turnId: string): Promise<void> {
    await view.page.waitForTimeout(300); // time for an onerror, a load or a navigation to happen
    const md = view.page.locator(`.turn[data-turn-id="${turnId}"] .answer-body .markdown`);
    assert.match((await md.textContent()) ?? '', /The end\./, 'the answer rendered');
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined, 'nothing executed');
    assert.deepEqual(await view.violations(), [], 'nothing even tried to get past the CSP');
    assert.deepEqual(view.errors, []);
    assert.deepEqual(server.requests.filter((r) => r.startsWith('/track')), [], 'the tracking server received no request');
    assert.equal(view.page.url(), server.viewUrl(), 'the page never navigated');

    const dom = await md.evaluate((root) => {
      const all = [...root.querySelectorAll('*')];
      return {
        tags: [...new Set(all.map((e) => e.tagName.toLowerCase()))].sort(),
        handlers: all.flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName}.${a.name}`)),
        styled: all.filter((e) => e.hasAttribute('style')).length,
        hrefs: [...root.querySelectorAll('[href]')].map((e) => e.getAttribute('href')!),
        // Our own code-block frame carries data-*; sanitized markup never can (nor the class).
        dataAttrs: all.filter((e) => !e.closest('.code-header') && !e.matches('.code-block')).flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('data-')).map((a) => a.name)),
        fakeButtons: [...root.querySelectorAll('button')].filter((b) => !b.closest('.code-header')).length,
        classes: [...new Set(all.filter((e) => !e.closest('.code-block') && !(e.parentElement === root && e.matches('.md-group, .md-open'))).flatMap((e) => [...e.classList]))].sort(),
      };
    });
    for (const tag of ['script', 'img', 'iframe', 'object', 'embed', 'svg', 'math', 'style', 'link', 'meta', 'base', 'form', 'input', 'details']) {
      assert.ok(!dom.tags.includes(tag), `no <${tag}> (got ${dom.tags.join(', ')})`);
    }
    assert.deepEqual(dom.handlers, []);
    assert.equal(dom.styled, 0);
    assert.deepEqual(dom.hrefs, [`${server.origin}/track.png?link`], 'only the http(s) link keeps its href');
    assert.deepEqual(dom.dataAttrs, []);
    assert.equal(dom.fakeButtons, 0, 'no button outside our own code-block header');
    assert.deepEqual(dom.classes.filter((c) => !/^(language-|md-image$)/.test(c)), [], 'no borrowed UI classes');

    // The script inside the code block is shown, as text.
    assert.match((await md.locator('.code-block code').first().textContent()) ?? '', /<script>window.__pwned = "code"<\/script>/);
    // Raw HTML is shown as what it is: text.
    assert.match((await md.textContent()) ?? '', /<iframe src=/);
    // The image is only its alt text.
    assert.equal(await md.locator('.md-image').first().textContent(), 'tracker');
  }

  it('streamed in 4-character chunks: nothing runs, loads or navigates', async () => {
    await view.send({ type: 'turnStart', turn: streamingTurn('h1', 'fix it') });
    await view.sendAll(chunk(hostile(server.origin), 4).map((c) => ({ type: 'delta', turnId: 'h1', text: c })));
    await view.frames(3);
    // Midway (open blocks are rendered too), then finished.
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
    await view.send({ type: 'turnEnd', turnId: 'h1', finishReason: 'stop' });
    await view.frames();
    await assertHarmless('h1');
  });

  it('reopened from history (one-shot render): the same', async () => {
    await view.send({ type: 'state', state: viewState({ turns: [doneTurn('h2', 'fix it', hostile(server.origin))] }) });
    await view.frames();
    await assertHarmless('h2');
  });

  it('reasoning is rendered through the same gate', async () => {
    await view.send({ type: 'turnStart', turn: streamingTurn('h3', 'think') });
    await view.sendAll([
      { type: 'delta', turnId: 'h3', reasoning: `<img src=x onerror="window.__pwned='reasoning'"> ![](${server.origin}/track.png?reasoning)\n\n` },
      { type: 'delta', turnId: 'h3', text: 'The end.' },
    ]);
    await view.send({ type: 'turnEnd', turnId: 'h3', finishReason: 'stop' });
    await view.frames();
    await view.page.waitForTimeout(300);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
    assert.equal(await view.page.locator('.reasoning img').count(), 0);
    assert.deepEqual(server.requests.filter((r) => r.startsWith('/track')), []);
  });

  it('a click on a link asks the host to open it and never navigates; a javascript: link does nothing', async () => {
    await view.send({ type: 'state', state: viewState({ turns: [doneTurn('h4', 'links', hostile(server.origin))] }) });
    await view.frames();
    await view.clearPosted();
    const md = view.page.locator('.turn[data-turn-id="h4"] .markdown');
    await md.getByText('a real-looking link').click();
    await md.getByText('click me').click();
    await md.getByText('case', { exact: true }).click();
    await view.page.waitForTimeout(200);
    assert.deepEqual(await view.posted(), [{ type: 'openLink', href: `${server.origin}/track.png?link` }]);
    assert.equal(view.page.url(), server.viewUrl());
    assert.deepEqual(server.requests.filter((r) => r.startsWith('/track')), []);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned), undefined);
  });

  it('Trusted Types are enforced: a raw HTML string cannot reach the DOM', async () => {
    const error = await view.page.evaluate(() => {
      try {
        document.body.insertAdjacentHTML('beforeend', '<img src=x onerror="window.__pwned=1">');
        return 'assigned';
      } catch (e) {
        return (e as Error).name;
      }
    });
    assert.equal(error, 'TypeError');
    await view.page.waitForTimeout(100);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined);
    assert.ok((await view.violations()).some((v) => v.startsWith('require-trusted-types-for')));
  });

  it('drops invalid host messages (logged, never acted on) and keeps working', async () => {
    await view.clearPosted();
    await view.sendAll([
      { type: 'turnStart', turn: { id: 'x', question: 'q', status: 'streaming', parts: [{ kind: 'text', text: 42 }] } },
      { type: 'delta', turnId: 'x' },
      { type: 'eval', code: 'window.__pwned = 1' },
      { type: 'state', state: { turns: '<img src=x onerror=alert(1)>' } },
      'not even an object',
    ]);
    await view.frames();
    assert.equal(await view.page.locator('.turn').count(), 0, 'nothing was rendered from them');
    const logs = await view.postedOfType('log');
    assert.equal(logs.length, 5);
    assert.ok(logs.every((l) => l.level === 'warn' && l.message.startsWith('invalid message dropped')));
    assert.match(logs[0]!.message, /'turnStart'.*parts/);
    assert.match(logs[2]!.message, /'eval'/);

    await view.send({ type: 'turnStart', turn: streamingTurn('ok', 'still there?') });
    await view.send({ type: 'delta', turnId: 'ok', text: 'Yes.' });
    await view.send({ type: 'turnEnd', turnId: 'ok', finishReason: 'stop' });
    await view.frames();
    assert.equal((await view.text('.turn[data-turn-id="ok"] .markdown')).trim(), 'Yes.');
  });
});
