// A server's GET /models, shared by the clients of one provider and address: a new client (a
// stored key) asks nothing again, a fresh look replaces the list, failures and empty lists are not
// kept, and one caller giving up does not end the fetch for the others.
import * as assert from 'node:assert/strict';
import { ModelListCache } from '../../../src/qwen/modelLists';
import { clientFor, useFakeQwen } from './helpers';

describe('qwen: shared model lists', () => {
  const fake = useFakeQwen({ models: ['m-one', 'm-two'] });
  const lists = () => fake.server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/models')).length;

  it('a second client of the same provider and address (another key) asks nothing again', async () => {
    const cache = new ModelListCache();
    const a = clientFor(fake.server, { provider: 'custom', apiKey: 'sk-one', modelLists: cache });
    const b = clientFor(fake.server, { provider: 'custom', apiKey: 'sk-two', modelLists: cache });
    const [x, y] = await Promise.all([a.listModels(), a.listModels()]);
    assert.deepEqual(x, ['m-one', 'm-two']);
    assert.deepEqual(y, x);
    assert.deepEqual(await b.listModels(), x);
    assert.equal(lists(), 1, 'one GET /models for three callers and two clients');
    const other = clientFor(fake.server, { provider: 'custom', baseUrl: `${fake.server.origin}/other/v1`, modelLists: cache });
    await other.listModels();
    assert.equal(lists(), 2, 'another address has its own list');
    for (const c of [a, b, other]) c.dispose();
  });

  it('a fresh look asks the server and later callers get its list', async () => {
    const cache = new ModelListCache();
    const c = clientFor(fake.server, { provider: 'custom', modelLists: cache });
    await c.listModels();
    fake.server.setScenario({ json: { object: 'list', data: [{ id: 'm-three' }] } }, { times: 1 });
    assert.deepEqual(await c.listModels({ fresh: true }), ['m-three']);
    assert.deepEqual(await c.listModels(), ['m-three']);
    assert.equal(lists(), 2);
    c.dispose();
  });

  it('a failed or empty list is not kept', async () => {
    const cache = new ModelListCache();
    const c = clientFor(fake.server, { provider: 'custom', modelLists: cache, maxRetries: 0 });
    fake.server.setScenario({ status: 500, json: { error: { message: 'down' } } }, { times: 1 });
    await assert.rejects(c.listModels());
    fake.server.setScenario({ json: { object: 'list', data: [] } }, { times: 1 });
    assert.deepEqual(await c.listModels(), []);
    assert.deepEqual(await c.listModels(), ['m-one', 'm-two']);
    assert.equal(lists(), 3, 'asked again after each');
    c.dispose();
  });

  it("one caller's abort ends its own wait, not the shared fetch", async () => {
    const cache = new ModelListCache();
    const c = clientFor(fake.server, { provider: 'custom', modelLists: cache });
    fake.server.setScenario(async (ctx) => {
      await ctx.sleep(150);
      ctx.json(200, { object: 'list', data: [{ id: 'slow' }] });
    }, { times: 1 });
    const quitter = new AbortController();
    const first = c.listModels({ signal: quitter.signal });
    const second = c.listModels();
    quitter.abort();
    await assert.rejects(first);
    assert.deepEqual(await second, ['slow']);
    assert.deepEqual(cache.peek(`custom ${fake.server.url}`), ['slow']);
    c.dispose();
  });

  it('without a shared cache, every call asks (the client alone, as in the unit tests and the bench)', async () => {
    const c = clientFor(fake.server, { provider: 'custom' });
    await c.listModels();
    await c.listModels();
    assert.equal(lists(), 2);
    c.dispose();
  });
});
