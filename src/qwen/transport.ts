// Where the bytes go: the https-only rule, proxy choice, and one HTTP request with its timers.
// node:http/https rather than fetch, so we own the socket (abort closes it at once), the proxy
// (CONNECT via https-proxy-agent) and TLS options.
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { HttpsProxyAgent } from 'https-proxy-agent';
import type { ClientConfig } from './types';

export type TransportVerdict =
  | { ok: true }
  | { ok: false; reason: 'insecure-remote-http'; host: string }
  | { ok: false; reason: 'invalid-url'; host: string };

/** True for names and addresses that never leave this machine. */
export function isLoopbackHost(hostname: string): boolean {
  let h = hostname.toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (h.startsWith('::ffff:')) h = h.slice(7);
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * https is always fine; plain http only to loopback. Anything else would send the key unencrypted
 * across a network, which needs the user's say-so (the glue asks).
 */
export function checkTransport(url: string): TransportVerdict {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'invalid-url', host: '' };
  }
  if (u.protocol === 'https:') return { ok: true };
  if (u.protocol === 'http:') {
    return isLoopbackHost(u.hostname) ? { ok: true } : { ok: false, reason: 'insecure-remote-http', host: u.hostname };
  }
  return { ok: false, reason: 'invalid-url', host: u.hostname };
}

export interface ProxyChoice {
  url: URL;
  /** the proxy's address without credentials, for logs and messages */
  display: string;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name] ?? env[name.toLowerCase()];
}

/** NO_PROXY semantics as curl has them: '*', exact hosts, domain suffixes ('.x.com' or 'x.com'), host:port. */
export function matchesNoProxy(target: URL, entries: readonly string[]): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (const raw of entries) {
    let e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e === '*') return true;
    let ePort: string | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(e);
    if (m) {
      e = m[1]!;
      ePort = m[2];
    }
    e = e.replace(/^\[|\]$/g, '');
    if (ePort && ePort !== port) continue;
    if (e.startsWith('*.')) e = e.slice(1);
    if (host === e || host === e.replace(/^\./, '') || (e.startsWith('.') ? host.endsWith(e) : host.endsWith('.' + e))) return true;
  }
  return false;
}

/**
 * The proxy for a request: config.proxy (VS Code's http.proxy) first, else HTTPS_PROXY/HTTP_PROXY
 * by scheme; none for loopback targets or hosts listed in NO_PROXY (config.noProxy first).
 */
export function chooseProxy(target: URL, config: Pick<ClientConfig, 'proxy' | 'noProxy'>, env: NodeJS.ProcessEnv = process.env): ProxyChoice | undefined {
  if (isLoopbackHost(target.hostname)) return undefined;
  const raw =
    config.proxy?.trim() ||
    (target.protocol === 'https:' ? envValue(env, 'HTTPS_PROXY') || envValue(env, 'HTTP_PROXY') : envValue(env, 'HTTP_PROXY'));
  if (!raw) return undefined;
  const noProxy = config.noProxy ?? (envValue(env, 'NO_PROXY') ?? '').split(',');
  if (matchesNoProxy(target, noProxy)) return undefined;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
  return { url, display: `${url.protocol}//${url.host}` };
}

export interface SendOptions {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  proxy?: ProxyChoice;
  /** for an https target through a proxy, one that tunnels through it (tunnelAgent) */
  agent?: http.Agent;
  rejectUnauthorized: boolean;
  ca?: string | string[];
}

/** A kept-alive agent that reaches https targets through a CONNECT tunnel of `proxy`. */
export function tunnelAgent(proxy: ProxyChoice, tls: { rejectUnauthorized: boolean; ca?: string | string[] }): http.Agent {
  return new HttpsProxyAgent(proxy.url, { rejectUnauthorized: tls.rejectUnauthorized, keepAlive: true, maxSockets: 16, ...(tls.ca ? { ca: tls.ca } : {}) });
}

/** Starts the request. The caller owns timers, abort and the response. */
export function send(opts: SendOptions): http.ClientRequest {
  const { url, proxy } = opts;
  const secure = url.protocol === 'https:';
  const headers: Record<string, string> = { ...opts.headers };
  // Encoded once: measuring the length of the string and then writing it would encode a long
  // agent history twice per request.
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body, 'utf8');
  if (body !== undefined) headers['content-length'] = String(body.length);

  const base: https.RequestOptions = {
    method: opts.method,
    headers,
    rejectUnauthorized: opts.rejectUnauthorized,
    ...(opts.ca ? { ca: opts.ca } : {}),
  };

  let req: http.ClientRequest;
  if (proxy && !secure) {
    // Plain http through a proxy: absolute-form request line, as curl does; many proxies only allow CONNECT to 443.
    const p = proxy.url;
    if (p.username) headers['proxy-authorization'] = basicAuth(p);
    headers.host = url.host;
    req = http.request({
      ...base,
      host: p.hostname.replace(/^\[|\]$/g, ''),
      port: p.port || 80,
      path: url.toString(),
      agent: opts.agent,
    });
  } else {
    // With a proxy, the caller's agent is one that tunnels through it (tunnelAgent).
    const agent = opts.agent;
    const options: https.RequestOptions = {
      ...base,
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port || (secure ? 443 : 80),
      path: url.pathname + url.search,
      agent,
    };
    req = secure ? https.request(options) : http.request(options);
  }
  req.setNoDelay(true);
  if (body !== undefined) req.end(body);
  else req.end();
  return req;
}

function basicAuth(u: URL): string {
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
}
