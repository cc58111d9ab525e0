// Requests honour the configured proxy: CONNECT tunnels for https (through https-proxy-agent),
// absolute-form requests for plain http, NO_PROXY and loopback bypass, proxy authentication.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as A from '../../fake-qwen/fixtures/answers.mjs';
import { fixturesDir } from '../../fake-qwen/fixtures';
import { startFakeQwen, type FakeQwen } from '../../fake-qwen/server';
import { QwenClient, chooseProxy, matchesNoProxy, type ClientConfig } from '../../../src/qwen';
import { ask, run, textOf } from './helpers';

/** A forward proxy that knows the made-up host fake-qwen.test (no DNS does): proof the request went through it. */
interface TestProxy {
  url: string;
  connects: string[];
  forwards: string[];
  close(): Promise<void>;
}

async function startProxy(targetPort: number, auth?: string): Promise<TestProxy> {
  const connects: string[] = [];
  const forwards: string[] = [];
  const sockets = new Set<net.Socket>();
  const authorized = (h: http.IncomingHttpHeaders) => !auth || h['proxy-authorization'] === `Basic ${Buffer.from(auth).toString('base64')}`;
  const server = http.createServer((req, res) => {
    // absolute-form: GET http://fake-qwen.test:PORT/v1/... HTTP/1.1
    forwards.push(`${req.method} ${req.url}`);
    if (!authorized(req.headers)) {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="test"' }).end();
      return;
    }
    const u = new URL(req.url!);
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    const up = http.request({ host: '127.0.0.1', port: targetPort, method: req.method, path: u.pathname + u.search, headers }, (upRes) => {
      res.writeHead(upRes.statusCode!, upRes.headers);
      upRes.pipe(res);
    });
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url!);
    sockets.add(client);
    if (!authorized(req.headers)) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host] = req.url!.split(':');
    if (host !== 'fake-qwen.test') {
      client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
      return;
    }
    const up = net.connect(targetPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://${auth ? `${auth}@` : ''}127.0.0.1:${port}`,
    connects,
    forwards,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('qwen client: proxy', () => {
  const dir = join(fixturesDir(), 'tls');
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  let tlsServer: FakeQwen;
  let plainServer: FakeQwen;
  let proxy: TestProxy;
  let base: string;

  before(async () => {
    tlsServer = await startFakeQwen({ tls: { key: readFileSync(join(dir, 'key.pem')), cert } });
    plainServer = await startFakeQwen();
    proxy = await startProxy(tlsServer.port);
    base = `https://fake-qwen.test:${tlsServer.port}/v1`;
  });
  after(async () => {
    await proxy.close();
    await tlsServer.close();
    await plainServer.close();
  });

  const client = (c: Partial<ClientConfig>) => new QwenClient({ provider: 'custom', baseUrl: base, apiKey: 'sk-proxy-test-123456', ca: cert, maxRetries: 0, ...c });

  it('https through a local CONNECT proxy (the host exists only for the proxy)', async () => {
    const r = await run(client({ proxy: proxy.url }), ask('[[scenario:explain-code]]', 'qwen3-coder-plus'));
    assert.equal(r.error, undefined);
    assert.equal(textOf(r.events), A.EXPLAIN_CODE);
    assert.deepEqual(proxy.connects, [`fake-qwen.test:${tlsServer.port}`]);
    assert.equal(tlsServer.lastRequest()!.headers.authorization, 'Bearer sk-proxy-test-123456', 'the key travelled inside the tunnel');
  });

  it('keeps the tunnel alive: one CONNECT serves a client\'s next requests; retire() closes it', async () => {
    const c = client({ proxy: proxy.url });
    const before = proxy.connects.length;
    for (let i = 0; i < 3; i++) {
      const r = await run(c, ask(`[[scenario:explain-code]] request ${i}`, 'qwen3-coder-plus'));
      assert.equal(r.error, undefined);
      assert.equal(textOf(r.events), A.EXPLAIN_CODE);
    }
    assert.equal(proxy.connects.length, before + 1, 'three requests, one tunnel');
    c.retire();
    const r = await run(c, ask('[[scenario:explain-code]] after retire', 'qwen3-coder-plus'));
    assert.equal(r.error, undefined, 'a retired client still answers');
    assert.equal(proxy.connects.length, before + 2, 'on a new tunnel: the idle one was closed');
    c.dispose();
  });

  it('without the proxy the same URL does not resolve (so the proxy really carried it)', async () => {
    const r = await run(client({}), ask('hi', 'm'));
    assert.equal(r.error!.kind, 'network');
    assert.match(r.error!.code!, /ENOTFOUND|EAI_AGAIN/);
  });

  it('HTTPS_PROXY from the environment applies when no proxy is configured; NO_PROXY excludes hosts', async () => {
    const saved = { ...process.env };
    try {
      process.env.HTTPS_PROXY = proxy.url;
      const before = proxy.connects.length;
      const r = await run(client({}), ask('hi', 'm'));
      assert.equal(r.error, undefined);
      assert.equal(proxy.connects.length, before + 1);
      process.env.NO_PROXY = 'localhost,.test';
      const direct = await run(client({}), ask('hi', 'm'));
      assert.equal(direct.error!.kind, 'network', 'NO_PROXY sent it direct, where the name does not resolve');
      assert.equal(proxy.connects.length, before + 1);
    } finally {
      for (const k of ['HTTPS_PROXY', 'NO_PROXY']) if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it('config.noProxy (VS Code setting) overrides the environment', async () => {
    const r = await run(client({ proxy: proxy.url, noProxy: ['fake-qwen.test'] }), ask('hi', 'm'));
    assert.equal(r.error!.kind, 'network');
  });

  it('proxy authentication: credentials in the proxy URL pass, none gets a proxy error', async () => {
    const authProxy = await startProxy(tlsServer.port, 'alice:s3cret');
    try {
      const ok = await run(client({ proxy: authProxy.url }), ask('hi', 'm'));
      assert.equal(ok.error, undefined);
      const noAuth = authProxy.url.replace('alice:s3cret@', '');
      const r = await run(client({ proxy: noAuth }), ask('hi', 'm'));
      assert.equal(r.error!.kind, 'proxy');
      assert.equal(r.error!.action, 'checkProxy');
      assert.ok(!r.error!.message.includes('s3cret'));
    } finally {
      await authProxy.close();
    }
  });

  it('plain http goes through the proxy as an absolute-form request', async () => {
    const httpProxy = await startProxy(plainServer.port);
    try {
      const c = new QwenClient({ provider: 'custom', baseUrl: `http://fake-qwen.test:${plainServer.port}/v1`, proxy: httpProxy.url, maxRetries: 0 });
      const r = await run(c, ask('[[scenario:explain-zh]]', 'qwen3-coder-plus'));
      assert.equal(r.error, undefined);
      assert.equal(textOf(r.events), A.EXPLAIN_ZH);
      assert.deepEqual(httpProxy.forwards, [`POST http://fake-qwen.test:${plainServer.port}/v1/chat/completions`]);
    } finally {
      await httpProxy.close();
    }
  });

  it('loopback servers are never proxied', async () => {
    const c = new QwenClient({ provider: 'custom', baseUrl: plainServer.url, proxy: 'http://127.0.0.1:9' });
    const r = await run(c, ask('hi', 'm'));
    assert.equal(r.error, undefined);
  });

  it('chooses proxies like curl does', () => {
    const u = new URL('https://dashscope-intl.aliyuncs.com/compatible-mode/v1');
    assert.equal(chooseProxy(u, {}, {}), undefined);
    assert.equal(chooseProxy(u, {}, { HTTPS_PROXY: 'http://p:3128' })?.display, 'http://p:3128');
    assert.equal(chooseProxy(u, {}, { https_proxy: 'p2:8080' })?.display, 'http://p2:8080', 'scheme-less proxy values');
    assert.equal(chooseProxy(u, { proxy: 'http://mine:1' }, { HTTPS_PROXY: 'http://p:3128' })?.display, 'http://mine:1');
    assert.equal(chooseProxy(new URL('http://x.example/v1'), {}, { HTTPS_PROXY: 'http://p:3128' }), undefined, 'HTTPS_PROXY is for https');
    assert.equal(chooseProxy(u, {}, { HTTPS_PROXY: 'http://p:3128', NO_PROXY: '.aliyuncs.com' }), undefined);
    assert.equal(chooseProxy(new URL('http://localhost:11434/v1'), { proxy: 'http://p:1' }), undefined);
    assert.ok(matchesNoProxy(u, ['*']));
    assert.ok(matchesNoProxy(u, ['aliyuncs.com']));
    assert.ok(matchesNoProxy(u, ['*.aliyuncs.com']));
    assert.ok(matchesNoProxy(u, ['dashscope-intl.aliyuncs.com:443']));
    assert.ok(!matchesNoProxy(u, ['dashscope-intl.aliyuncs.com:8443']));
    assert.ok(!matchesNoProxy(u, ['cs.com']));
    assert.ok(!matchesNoProxy(u, ['']));
  });
});
