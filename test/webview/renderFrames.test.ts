// Regression: text arriving across animation frames (a line split between two frames) must end in
// exactly the DOM of a one-shot render, for the recorded answers users really get.
import * as assert from 'node:assert/strict';
import type { ChatPage } from './support/browser';
import { chatPageHooks } from './support/suite';
import { doneTurn, streamingTurn, viewState } from './fixtures';
import { loadFixture } from '../fake-qwen/fixtures';
import { dataPayloads } from '../fake-qwen/sse';

/** The content deltas of a recording, as the client delivers them. */
function contentDeltas(name: string): string[] {
  const out: string[] = [];
  for (const p of dataPayloads(loadFixture(name))) {
    if (p === '[DONE]') continue;
    const c = (JSON.parse(p) as { choices?: { delta?: { content?: string | null } }[] }).choices?.[0]?.delta?.content;
    if (c) out.push(c);
  }
  return out;
}

describe('webview: streaming across frames (Chromium)', function () {
  this.timeout(120_000);
  let view: ChatPage;
  chatPageHooks({ init: true }, (v) => (view = v));

  const answerHtml = (turnId: string) =>
    view.page.evaluate((id) => {
      const md = document.querySelector(`.turn[data-turn-id="${id}"] .answer-body .markdown`)!;
      const groups = md.querySelectorAll(':scope > .md-group');
      return groups.length ? [...groups].map((g) => g.innerHTML).join('') : md.innerHTML;
    }, turnId);

  for (const fixture of ['dashscope-qwen-plus-thinking-zh', 'dashscope-qwen3-coder-plus-explain-zh']) {
    for (const perFrame of [1, 3]) {
      it(`${fixture}: ${perFrame} chunk(s) per frame ends as the one-shot render`, async () => {
        const deltas = contentDeltas(fixture);
        const text = deltas.join('');
        await view.send({ type: 'turnStart', turn: streamingTurn('s', 'q') });
        for (let i = 0; i < deltas.length; i += perFrame) {
          await view.send({ type: 'delta', turnId: 's', text: deltas.slice(i, i + perFrame).join('') });
          await view.frames(1);
        }
        await view.send({ type: 'turnEnd', turnId: 's', finishReason: 'stop' });
        await view.frames();
        const streamed = await answerHtml('s');
        await view.send({ type: 'state', state: viewState({ turns: [doneTurn('o', 'q', text)] }) });
        await view.frames();
        const oneShot = await answerHtml('o');
        if (streamed !== oneShot) {
          let k = 0;
          while (k < streamed.length && streamed[k] === oneShot[k]) k++;
          assert.fail(`differs at ${k}:\nstreamed: ${JSON.stringify(streamed.slice(Math.max(0, k - 150), k + 200))}\none-shot: ${JSON.stringify(oneShot.slice(Math.max(0, k - 150), k + 200))}`);
        }
      });
    }
  }
});
