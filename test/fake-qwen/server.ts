// A faithful OpenAI-compatible test server on 127.0.0.1: replays recorded DashScope, AI/ML API,
// maxtoken and vLLM streams and every error body they send, over real sockets, ugly parts included.
// Used by the client's unit tests, the integration and UI tests (through cli.ts) and the bench.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { checkQwenRules } from './rules';
import { SCENARIOS, type ScenarioHandler } from './scenarios';
import { aggregate, dashscopeStream, splitEvents } from './sse';
import { fixturesDir, loadFixture } from './fixtures';

export interface RecordedRequest {
  index: number;
  method: string;
  /** path without the query */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** parsed JSON body (undefined when empty or not JSON) */
  body: any;
  rawBody: string;
  /** the scenario that answered */
  scenario: string;
  params: Record<string, string>;
  /** 1 for the first request with this scenario and body, 2 for its first retry… */
  attempt: number;
  receivedAt: number;
  /** which connection carried it (1, 2, … in the order they were opened): tells kept-alive reuse from new handshakes */
  connection: number;
  /** SSE events written so far */
  eventsWritten: number;
  /** who ended the exchange: the server finished (or destroyed) it, or the client went away first */
  closedBy?: 'server' | 'client';
}

export interface Delivery {
  /** write this many bytes at a time */
  split?: number;
  /** ms between writes */
  delay?: number;
  /** after this many events, write nothing more and keep the connection open */
  stallAfter?: number;
  /** after this many events, destroy the socket */
  dropAfter?: number;
  /** rewrite line ends as CRLF */
  crlf?: boolean;
}

export type ScenarioReply =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; body: string; contentType?: string; headers?: Record<string, string> }
  | ({ sse: string } & Delivery)
  | ({ text: string; reasoning?: string; model?: string } & Delivery);

/** A scenario name (with optional ?params), a handler, or a canned reply. */
export type ScenarioSpec = string | ScenarioHandler | ScenarioReply;

export interface ScenarioContext {
  record: RecordedRequest;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  body: any;
  /** the request asked for a stream */
  stream: boolean;
  model: string;
  params: URLSearchParams;
  attempt: number;
  lastUserText: string;
  readonly clientClosed: boolean;
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  text(status: number, body: string, contentType: string, headers?: Record<string, string>): void;
  /** streams SSE text (or lazily produced events); marker parameters add delivery options */
  sse(raw: string | Iterable<string>, delivery?: Delivery): Promise<void>;
  /** a recording: streamed when the request streams, folded into one chat.completion when not */
  fixture(name: string, delivery?: Delivery): Promise<void>;
  /** any text as a DashScope answer (streamed or not, like fixture) */
  reply(text: string, opts?: { reasoning?: string } & Delivery): Promise<void>;
  destroy(): void;
  waitForClose(): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface FakeQwenOptions {
  /** 0 (default) picks a free port */
  port?: number;
  host?: string;
  /** serve https with this key and certificate (fixtures/tls holds a test pair for fake-qwen.test, localhost, 127.0.0.1) */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** when set, requests must carry `Authorization: Bearer <apiKey>` or get DashScope's 401 */
  apiKey?: string;
  /** answers requests that choose nothing else (default: echo) */
  defaultScenario?: ScenarioSpec;
  /** GET /models answer */
  models?: string[];
  /** ms between events of the default echo answer, so a UI visibly streams (default 0) */
  echoDelayMs?: number;
  /** extra named scenarios (the CLI loads them from a module with --scenarios) */
  scenarios?: Record<string, ScenarioHandler>;
}

export interface FakeQwen {
  /** base URL to give the client, e.g. http://127.0.0.1:PORT/v1 */
  url: string;
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** answers the next `times` requests (default: every request until cleared with undefined) */
  setScenario(spec: ScenarioSpec | undefined, opts?: { times?: number }): void;
  lastRequest(): RecordedRequest | undefined;
  /** resolves when request number `count` (default: the next one) has arrived */
  waitForRequest(opts?: { count?: number; timeoutMs?: number }): Promise<RecordedRequest>;
  /** resolves when the exchange of `rec` is over, saying who ended it */
  waitForClose(rec: RecordedRequest, timeoutMs?: number): Promise<'server' | 'client'>;
  /** forgets requests, attempt counts and set scenarios */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_MODELS = ['qwen3-coder-plus', 'qwen3-coder-flash', 'qwen3-max', 'qwen-plus', 'qwen-turbo', 'qwq-plus'];

const MARKER = /\[\[scenario:([A-Za-z0-9_.-]+)(\?[^\]\s]*)?\]\]/;

function lastUserText(body: any): string {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'user') continue;
    if (typeof m.content === 'string') return m.content;
    if (Array.isArray(m.content)) return m.content.map((p: any) => (typeof p?.text === 'string' ? p.text : '')).join('');
    return '';
  }
  return '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function deliveryFromParams(p: URLSearchParams): Delivery {
  const num = (k: string) => (p.has(k) ? Number(p.get(k)) : undefined);
  const d: Delivery = {};
  if (p.has('split')) d.split = num('split');
  if (p.has('delay')) d.delay = num('delay');
  if (p.has('stallAfter')) d.stallAfter = num('stallAfter');
  if (p.has('dropAfter')) d.dropAfter = num('dropAfter');
  if (p.has('crlf')) d.crlf = p.get('crlf') !== '0';
  return d;
}

export async function startFakeQwen(opts: FakeQwenOptions = {}): Promise<FakeQwen> {
  const connectionIds = new WeakMap<object, number>();
  let connectionsSeen = 0;
  const connectionOf = (socket: object): number => {
    const known = connectionIds.get(socket);
    if (known !== undefined) return known;
    connectionIds.set(socket, ++connectionsSeen);
    return connectionsSeen;
  };
  fixturesDir(); // fail early and clearly when the fixtures cannot be found
  const scenarios: Record<string, ScenarioHandler> = {};
  for (const [name, s] of Object.entries(SCENARIOS)) scenarios[name] = s.run;
  Object.assign(scenarios, opts.scenarios ?? {});

  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const waiters: { count: number; resolve: (r: RecordedRequest) => void }[] = [];
  const closeWaiters = new Map<RecordedRequest, ((by: 'server' | 'client') => void)[]>();
  let queued: { spec: ScenarioSpec; times: number } | undefined;

  const resolveSpec = (spec: ScenarioSpec): { name: string; params: URLSearchParams; handler: ScenarioHandler } => {
    if (typeof spec === 'function') return { name: 'custom', params: new URLSearchParams(), handler: spec };
    if (typeof spec === 'string') {
      const q = spec.indexOf('?');
      const name = q < 0 ? spec : spec.slice(0, q);
      const params = new URLSearchParams(q < 0 ? '' : spec.slice(q + 1));
      const handler = scenarios[name];
      if (!handler) {
        return { name: 'unknown-scenario', params, handler: (ctx) => ctx.json(400, { error: { code: 'fake_unknown_scenario', message: `fake-qwen has no scenario "${name}"`, type: 'invalid_request_error' } }) };
      }
      return { name, params, handler };
    }
    return { name: 'reply', params: new URLSearchParams(), handler: replyHandler(spec) };
  };

  const pick = (body: any): { name: string; params: URLSearchParams; handler: ScenarioHandler } => {
    if (queued) {
      const spec = queued.spec;
      if (Number.isFinite(queued.times) && --queued.times <= 0) queued = undefined;
      return resolveSpec(spec);
    }
    const m = MARKER.exec(lastUserText(body));
    if (m) return resolveSpec(m[1]! + (m[2] ?? ''));
    if (opts.defaultScenario !== undefined) return resolveSpec(opts.defaultScenario);
    return resolveSpec(opts.echoDelayMs ? `echo?delay=${opts.echoDelayMs}` : 'echo');
  };

  const finish = (rec: RecordedRequest, by: 'server' | 'client') => {
    if (rec.closedBy) return;
    rec.closedBy = by;
    for (const w of closeWaiters.get(rec) ?? []) w(by);
    closeWaiters.delete(rec);
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const isChat = req.method === 'POST' && path.endsWith('/chat/completions');
    const isModels = req.method === 'GET' && path.endsWith('/models');
    // A queued named scenario is a chat answer: the model list a client fetches meanwhile (the chat's
    // picker does when its view opens) neither gets nor uses it up. Replies and handlers answer every path.
    const forThis = queued !== undefined && !(isModels && typeof queued.spec === 'string');
    const chosen = isChat || forThis ? pick(body) : { name: isModels ? 'models' : 'not-found', params: new URLSearchParams(), handler: undefined };
    const key = `${chosen.name}|${chosen.params.toString()}|${rawBody}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const rec: RecordedRequest = {
      index: requests.length,
      method: req.method ?? '',
      path,
      headers: req.headers,
      body,
      rawBody,
      scenario: chosen.name,
      params: Object.fromEntries(chosen.params),
      attempt,
      receivedAt: Date.now(),
      connection: connectionOf(req.socket),
      eventsWritten: 0,
    };
    requests.push(rec);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (requests.length >= waiters[i]!.count) {
        waiters[i]!.resolve(requests[waiters[i]!.count - 1]!);
        waiters.splice(i, 1);
      }
    }
    let clientClosed = false;
    let serverDestroyed = false;
    res.on('close', () => {
      if (res.writableFinished || serverDestroyed) finish(rec, 'server');
      else {
        clientClosed = true;
        finish(rec, 'client');
      }
    });

    const requestId = `${Date.now().toString(16)}-${rec.index}`;
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      if (res.headersSent || res.destroyed) return;
      const text = JSON.stringify(payload);
      res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...headers });
      res.end(text);
    };

    if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
      json(401, { error: { message: 'Incorrect API key provided. ', type: 'invalid_request_error', param: null, code: 'invalid_api_key' }, request_id: requestId });
      return;
    }
    if (!chosen.handler) {
      if (isModels) {
        json(200, { object: 'list', data: (opts.models ?? DEFAULT_MODELS).map((id) => ({ id, object: 'model', created: 1763000000, owned_by: 'qwen' })) });
      } else json(404, { detail: 'Not Found' });
      return;
    }
    if (isChat) {
      const violation = checkQwenRules(body, requestId);
      if (violation) {
        json(violation.status, violation.body);
        return;
      }
    }

    const markerDelivery = deliveryFromParams(chosen.params);
    const write = (buf: Buffer | string): Promise<void> => {
      if (res.destroyed) return Promise.resolve();
      if (res.write(buf)) return Promise.resolve();
      return new Promise((r) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          r();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    };
    const waitForClose = () => new Promise<void>((r) => (res.destroyed || clientClosed ? r() : res.once('close', () => r())));

    const sse = async (raw: string | Iterable<string>, delivery: Delivery = {}) => {
      const d = { ...delivery, ...markerDelivery };
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/event-stream;charset=UTF-8', 'cache-control': 'no-cache', 'x-request-id': requestId });
      const events = typeof raw === 'string' ? splitEvents(raw) : raw;
      const simple = !d.split && !d.delay && d.stallAfter === undefined && d.dropAfter === undefined && !d.crlf;
      for (const ev of events) {
        if (clientClosed || res.destroyed) return;
        if (d.stallAfter !== undefined && rec.eventsWritten >= d.stallAfter) {
          await waitForClose();
          return;
        }
        if (d.dropAfter !== undefined && rec.eventsWritten >= d.dropAfter) {
          // Let what was written reach the client first, as a real cut connection would.
          const sock = res.socket;
          for (let i = 0; i < 100 && sock && sock.writableLength > 0; i++) await sleep(1);
          await sleep(5);
          serverDestroyed = true;
          sock?.destroy();
          return;
        }
        if (simple) {
          await write(ev);
        } else {
          const bytes = Buffer.from(d.crlf ? ev.replace(/\r?\n/g, '\r\n') : ev);
          const step = d.split && d.split > 0 ? d.split : bytes.length;
          for (let i = 0; i < bytes.length; i += step) {
            await write(bytes.subarray(i, i + step));
            // let the bytes leave as their own segment
            if (d.split) await new Promise((r) => setImmediate(r));
          }
          if (d.delay) await sleep(d.delay);
        }
        rec.eventsWritten++;
      }
      if (!res.destroyed) res.end();
    };

    const fromStream = async (raw: string, delivery: Delivery = {}) => {
      if (body?.stream === true) return sse(raw, delivery);
      const agg = aggregate(raw);
      json(agg.status, agg.body);
    };

    const ctx: ScenarioContext = {
      record: rec,
      req,
      res,
      body,
      stream: body?.stream === true,
      model: typeof body?.model === 'string' ? body.model : 'qwen3-coder-plus',
      params: chosen.params,
      attempt,
      lastUserText: lastUserText(body),
      get clientClosed() {
        return clientClosed;
      },
      json,
      text: (status, text, contentType, headers = {}) => {
        if (res.headersSent) return;
        res.writeHead(status, { 'content-type': contentType, ...headers });
        res.end(text);
      },
      sse,
      fixture: (name, delivery) => fromStream(loadFixture(name), delivery),
      reply: (text, o = {}) => fromStream(dashscopeStream(typeof body?.model === 'string' ? body.model : 'qwen3-coder-plus', text, { reasoning: o.reasoning }), o),
      destroy: () => {
        serverDestroyed = true;
        res.socket?.destroy();
      },
      waitForClose,
      sleep,
    };
    await chosen.handler(ctx);
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'fake_server_error', message: String(err?.stack ?? err) } }));
      } else res.destroy();
    });
  };
  const server = opts.tls ? https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, listener) : http.createServer(listener);
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // with TLS the plain socket is seen on 'connection' too; 'secureConnection' needs no extra bookkeeping

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host ?? '127.0.0.1';
  const origin = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    port,
    requests,
    setScenario(spec, o = {}) {
      queued = spec === undefined ? undefined : { spec, times: o.times ?? Infinity };
    },
    lastRequest: () => requests[requests.length - 1],
    waitForRequest({ count, timeoutMs = 5000 } = {}) {
      const want = count ?? requests.length + 1;
      if (requests.length >= want) return Promise.resolve(requests[want - 1]!);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`fake-qwen: request ${want} did not arrive within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count: want, resolve: (r) => (clearTimeout(t), resolve(r)) });
      });
    },
    waitForClose(rec, timeoutMs = 5000) {
      if (rec.closedBy) return Promise.resolve(rec.closedBy);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`fake-qwen: request ${rec.index} still open after ${timeoutMs} ms`)), timeoutMs);
        const list = closeWaiters.get(rec) ?? [];
        list.push((by) => (clearTimeout(t), resolve(by)));
        closeWaiters.set(rec, list);
      });
    },
    reset() {
      requests.length = 0;
      attempts.clear();
      queued = undefined;
    },
    close() {
      return new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };
}

function replyHandler(r: ScenarioReply): ScenarioHandler {
  return (ctx) => {
    if ('json' in r) return ctx.json(r.status ?? 200, r.json, r.headers);
    if ('body' in r) return ctx.text(r.status ?? 200, r.body, r.contentType ?? 'text/plain', r.headers);
    if ('sse' in r) return ctx.sse(r.sse, r);
    return ctx.reply(r.text, r);
  };
}

export { SCENARIOS } from './scenarios';
