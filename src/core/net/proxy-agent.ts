/**
 * HTTP(S) agents that open every connection through a SOCKS5 proxy, for adapters that speak HTTP (Matrix client-server
 * API, XEP-0363 uploads): `https.request(url, { agent })` or any client that accepts a node:http(s) Agent. The host name
 * of the URL goes to the proxy (never resolved locally); TLS runs over the proxied socket with SNI and the agent's TLS
 * options (`ca`, `rejectUnauthorized`, `checkServerIdentity`) as for a direct connection.
 */
import { Agent as HttpAgent, type AgentOptions as HttpAgentOptions, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type { ProxyConfig } from './proxy.js';
import { connectViaProxy } from './socks5.js';

type Callback = (err: Error | null, socket: Duplex) => void;
type ConnectArgs = ClientRequestArgs & { servername?: string };

function target(options: ClientRequestArgs, fallbackPort: number): { host: string; port: number } {
  const host = (options.host ?? options.hostname ?? 'localhost').replace(/^\[(.*)\]$/, '$1');
  const port = Number(options.port ?? fallbackPort) || fallbackPort;
  return { host, port };
}

/** A node:http Agent whose connections go through `proxy`. */
export class Socks5HttpAgent extends HttpAgent {
  constructor(private readonly proxy: ProxyConfig, options?: HttpAgentOptions & { connectTimeoutMs?: number }) {
    super(options);
    this.connectTimeoutMs = options?.connectTimeoutMs;
  }
  private readonly connectTimeoutMs: number | undefined;

  // node:http's Agent accepts an asynchronous createConnection: return nothing and call back with the socket.
  override createConnection(options: ClientRequestArgs, callback?: Callback): Duplex | undefined {
    const { host, port } = target(options, 80);
    connectViaProxy(this.proxy, host, port, { timeoutMs: this.connectTimeoutMs }).then(
      (socket) => {
        socket.resume();
        callback?.(null, socket);
      },
      (e: Error) => callback?.(e, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** A node:https Agent whose connections go through `proxy`, with TLS (SNI, certificate checks) over the proxied socket. */
export class Socks5HttpsAgent extends HttpsAgent {
  constructor(private readonly proxy: ProxyConfig, options?: HttpsAgentOptions & { connectTimeoutMs?: number }) {
    super(options);
    this.connectTimeoutMs = options?.connectTimeoutMs;
  }
  private readonly connectTimeoutMs: number | undefined;

  override createConnection(options: ClientRequestArgs, callback?: Callback): Duplex | undefined {
    const { host, port } = target(options, 443);
    connectViaProxy(this.proxy, host, port, { timeoutMs: this.connectTimeoutMs }).then(
      (socket) => {
        // `path` would mean a Unix socket to tls.connect; `host` stays for the certificate check of IP addresses.
        const { port: _port, path: _path, ...tlsOptions } = options as ConnectArgs & ConnectionOptions;
        const servername = (options as ConnectArgs).servername ?? (isIP(host) ? undefined : host);
        const secure = tlsConnect({ ...(tlsOptions as ConnectionOptions), host, socket, servername });
        callback?.(null, secure);
      },
      (e: Error) => callback?.(e, undefined as unknown as Duplex),
    );
    return undefined;
  }
}
