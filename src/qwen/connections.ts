// The connections one client keeps and the requests it sends on them: a kept-alive agent for http,
// one for https and one tunnelling agent per proxy, so a second request skips the TCP, TLS and
// CONNECT handshakes (hundreds of ms to DashScope).
import * as http from 'node:http';
import * as https from 'node:https';
import type { Attempt } from './attempt';
import type { ClientSettings, Logger } from './clientSettings';
import { chooseProxy, send, tunnelAgent, type ProxyChoice } from './transport';

export class Connections {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly proxyAgents = new Map<string, http.Agent>();

  constructor(
    private readonly cfg: ClientSettings,
    private readonly log: Logger,
  ) {
    this.httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      rejectUnauthorized: cfg.strictSSL !== false,
      ...(cfg.ca ? { ca: cfg.ca } : {}),
    });
  }

  /** Sends the attempt's request (the body, if any, is written at once). */
  open(a: Attempt): http.ClientRequest {
    const proxy = chooseProxy(a.url, this.cfg);
    const secure = a.url.protocol === 'https:';
    this.log('debug', `${a.method} ${a.url.toString()}${proxy ? ` via ${proxy.display}` : ''} (Authorization: ${this.cfg.apiKey ? 'Bearer ***' : 'none'})`);
    return send({
      method: a.method,
      url: a.url,
      headers: { ...a.headers, ...this.headers(a.accept, a.body !== undefined) },
      body: a.body,
      proxy,
      agent: proxy && secure ? this.proxyAgent(proxy) : secure ? this.httpsAgent : this.httpAgent,
      rejectUnauthorized: this.cfg.strictSSL !== false,
      ca: this.cfg.ca,
    });
  }

  /** Stops keeping connections: idle ones close now, busy ones once their answer has ended. */
  retire(): void {
    for (const agent of [this.httpAgent, this.httpsAgent, ...this.proxyAgents.values()]) {
      // http.Agent reads `keepAlive` when a socket is freed: false destroys it instead of pooling it.
      (agent as unknown as { keepAlive: boolean }).keepAlive = false;
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    }
  }

  /** Closes every connection, busy or idle. */
  dispose(): void {
    for (const agent of this.proxyAgents.values()) agent.destroy();
    this.proxyAgents.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private headers(accept: string, hasBody: boolean): Record<string, string> {
    // Said outright, not left to the agent: inside VS Code, its proxy support wraps every request
    // in an agent of its own that does not keep connections, so node would send `Connection: close`
    // and every request would pay a new TCP and TLS handshake. Asked for, the connection goes back
    // to our agent's pool when the answer ends.
    const h: Record<string, string> = { accept, connection: 'keep-alive' };
    if (hasBody) h['content-type'] = 'application/json';
    if (this.cfg.apiKey) h.authorization = `Bearer ${this.cfg.apiKey}`;
    if (this.cfg.userAgent) h['user-agent'] = this.cfg.userAgent;
    return h;
  }

  /** One tunnelling agent per proxy, kept alive like the direct ones: one CONNECT serves many requests. */
  private proxyAgent(proxy: ProxyChoice): http.Agent {
    const key = proxy.url.href;
    let agent = this.proxyAgents.get(key);
    if (!agent) {
      agent = tunnelAgent(proxy, { rejectUnauthorized: this.cfg.strictSSL !== false, ca: this.cfg.ca });
      this.proxyAgents.set(key, agent);
    }
    return agent;
  }
}
