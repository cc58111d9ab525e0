// User-info in qwen.baseUrl (https://user:pass@host/v1) is never sent and never logged: the client
// refuses the address before any request, with a sentence that says where keys go.
import * as assert from 'node:assert/strict';
import { describeError, QwenError } from '../../../src/qwen';
import { ask, assertOneSentence, clientFor, run, useFakeQwen } from './helpers';

describe('qwen client: credentials in the base URL', () => {
  const fake = useFakeQwen();

  const withCreds = () => fake.server.url.replace('http://', 'http://alice:hunter2-pass@');

  it('are refused before any request, without echoing the password, naming where keys go', async () => {
    const logs: string[] = [];
    const r = await run(clientFor(fake.server, { baseUrl: withCreds(), log: (_l, m) => logs.push(m) }), ask('hi'));
    assert.equal(r.error?.kind, 'config');
    assert.equal(r.error.code, 'base-url-credentials');
    assert.equal(fake.server.requests.length, 0, 'nothing was sent');
    assert.match(r.error.message, /Set API Key/);
    assertOneSentence(r.error.message);
    const zh = describeError(r.error, 'zh-cn');
    assert.match(zh, /设置 API 密钥/);
    for (const text of [r.error.message, zh, r.error.serverMessage ?? '', ...logs]) {
      assert.ok(!text.includes('hunter2-pass'), `no password in: ${text}`);
    }
  });

  it('are refused for the model list too', async () => {
    const e = await clientFor(fake.server, { baseUrl: withCreds(), provider: 'custom' }).listModels().catch((x: unknown) => x);
    assert.ok(e instanceof QwenError);
    assert.equal(e.code, 'base-url-credentials');
    assert.equal(fake.server.requests.length, 0);
  });
});
