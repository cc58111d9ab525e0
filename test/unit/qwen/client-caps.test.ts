// A hostile server's endless line, huge answer or huge delta: each ends at a size cap with one
// clear error that keeps what arrived, so memory stays bounded whatever the server sends.
import * as assert from 'node:assert/strict';
import { BEFORE_ENDLESS_LINE, BEFORE_HUGE_DELTA } from '../../fake-qwen/hostile';
import { describeError } from '../../../src/qwen';
import { ask, assertOneSentence, clientFor, guard, run, textOf, useFakeQwen } from './helpers';

describe('qwen client: size caps', () => {
  const fake = useFakeQwen();

  it('an endless SSE line ends at the line cap with too-large, keeping what arrived', async () => {
    const t0 = Date.now();
    const r = await run(clientFor(fake.server), ask('[[scenario:endless-line]]'), { signal: guard(8000) });
    assert.equal(r.error?.kind, 'too-large', r.error?.message);
    assert.equal(r.error.code, 'line');
    assert.equal(r.error.partial?.text, BEFORE_ENDLESS_LINE);
    assert.equal(textOf(r.events), BEFORE_ENDLESS_LINE);
    assert.match(r.error.message, /kept/);
    assertOneSentence(r.error.message);
    assert.equal(r.error.retryable, false, 'a hostile answer is not asked for again by itself');
    assert.equal(await fake.server.waitForClose(fake.server.requests[0]!), 'client', 'the client hung up');
    assert.ok(Date.now() - t0 < 5000, `ended in ${Date.now() - t0} ms`);
  });

  it('a lowered line cap is honoured', async () => {
    const r = await run(clientFor(fake.server, { maxLineChars: 100_000 }), ask('[[scenario:endless-line?mb=1]]'), { signal: guard(5000) });
    assert.equal(r.error?.kind, 'too-large');
    assert.equal(r.error.code, 'line');
  });

  it('a whole answer past the answer cap ends with too-large, keeping what arrived up to the cap', async () => {
    const cap = 256 * 1024;
    const r = await run(clientFor(fake.server, { maxAnswerChars: cap }), ask('[[scenario:huge?mb=2]]'), { signal: guard(8000) });
    assert.equal(r.error?.kind, 'too-large', r.error?.message);
    assert.equal(r.error.code, 'answer');
    const kept = r.error.partial!.text;
    assert.ok(kept.length > 0 && kept.length <= cap, `kept ${kept.length} characters`);
    assert.equal(textOf(r.events), kept);
    assert.match(r.error.message, /kept/);
    assertOneSentence(r.error.message);
  });

  it('one delta bigger than the answer cap ends the stream and is not accumulated', async () => {
    const r = await run(clientFor(fake.server, { maxAnswerChars: 256 * 1024 }), ask('[[scenario:huge-delta?mb=1]]'), { signal: guard(8000) });
    assert.equal(r.error?.kind, 'too-large', r.error?.message);
    assert.equal(r.error.partial?.text, BEFORE_HUGE_DELTA);
    assert.equal(textOf(r.events), BEFORE_HUGE_DELTA, 'the huge delta never reaches the caller');
  });

  it('a delta within the caps is accepted whole', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:huge-delta?mb=1]]'), { signal: guard(8000) });
    assert.equal(r.error, undefined);
    assert.equal(r.result!.text.length, BEFORE_HUGE_DELTA.length + 1024 * 1024);
  });

  it('the default caps let a large ordinary answer through', async () => {
    const r = await run(clientFor(fake.server), ask('[[scenario:huge?mb=5]]'), { signal: guard(15000) });
    assert.equal(r.error, undefined);
    assert.ok(r.result!.text.length > 4 * 1024 * 1024);
  });

  it('the too-large sentence exists in Simplified Chinese', () => {
    const partial = { text: 'x', reasoning: '', toolCalls: [] };
    for (const code of ['line', 'answer']) {
      const zh = describeError({ kind: 'too-large', code, sizeLimit: 4 * 1024 * 1024, host: 'h.example', partial }, 'zh-cn');
      assert.match(zh, /[\u4e00-\u9fff]/);
      assert.match(zh, /已保留/);
      assert.match(zh, /4 MB/);
      assert.match(describeError({ kind: 'too-large', code, sizeLimit: 4 * 1024 * 1024, host: 'h.example', partial }), /4 MB/);
    }
  });
});
