/**
 * The STARTTLS transport (RFC 6120 §5) when the account has a SOCKS5 proxy: xmpp.js's TCP connection with a socket
 * that connects through the proxy (src/core/net/socks5.ts), which is handed the server's host name so that it is never
 * resolved locally. The STARTTLS upgrade in client.ts runs TLS over the proxied TCP socket ({@link underlyingSocket}).
 * Direct TLS (XEP-0368) goes through the proxy in tls-socket.ts.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { connectViaProxy } from '../../src/core/net/socks5.js';

/**
 * The socket interface xmpp.js's Connection uses (`connect`, `write`, `end`, events `connect`, `data`, `close`,
 * `error`) over a TCP socket opened through the proxy.
 */
export class ProxiedSocket extends EventEmitter {
  /** The connected TCP socket (after the SOCKS5 handshake); STARTTLS wraps this one. */
  raw: Socket | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly proxy: ProxyConfig, private readonly timeoutMs: number) {
    super();
    // xmpp.js attaches its own listener; an error after it detached must not crash the process.
    this.on('error', () => {});
  }

  connect(options: { host: string; port: number | null }): void {
    connectViaProxy(this.proxy, options.host, options.port ?? 5222, { timeoutMs: this.timeoutMs, signal: this.abort.signal }).then(
      (raw) => {
        this.raw = raw;
        raw.on('data', (d: Buffer) => this.emit('data', d));
        raw.on('error', (e: Error) => this.emit('error', e));
        raw.on('close', (hadError: boolean) => {
          this.raw = null;
          this.emit('close', hadError);
        });
        // connectViaProxy hands the socket over paused (bytes after the proxy's reply stay buffered).
        raw.resume();
        this.emit('connect');
      },
      (e: unknown) => {
        this.emit('error', e);
        this.emit('close', true);
      },
    );
  }

  write(data: string, cb?: (err?: Error | null) => void): void {
    if (!this.raw) {
      cb?.(new Error('socket closed'));
      return;
    }
    this.raw.write(data, cb);
  }

  end(): void {
    this.abort.abort();
    this.raw?.end();
  }

  destroy(): void {
    this.abort.abort();
    this.raw?.destroy();
  }
}

/** The TCP socket under xmpp.js's current socket: the proxied one's, or the socket itself. */
export function underlyingSocket(socket: unknown): Socket {
  return socket instanceof ProxiedSocket && socket.raw ? socket.raw : (socket as Socket);
}

/** A transport class for `entity.transports` that connects `xmpp://` services through `proxy`. */
export function proxiedTcpTransport(proxy: ProxyConfig, timeoutMs: number): unknown {
  const Base = ConnectionTCP as unknown as new () => object;
  class ProxiedTcp extends Base {}
  // The client constructs `prototype.Socket` without arguments: bind the proxy here.
  Object.assign(ProxiedTcp.prototype, {
    Socket: class extends ProxiedSocket {
      constructor() {
        super(proxy, timeoutMs);
      }
    },
  });
  return ProxiedTcp;
}
