/**
 * The STARTTLS transport (RFC 6120 §5) when the account has a SOCKS5 proxy: xmpp.js's TCP connection, except that the
 * socket comes from the SOCKS5 client (src/core/net/socks5.ts), which hands the server's host name to the proxy so it
 * is never resolved locally. STARTTLS then upgrades that socket as usual (client.ts). Direct TLS (XEP-0368) goes
 * through the proxy in tls-socket.ts.
 */
import type { Socket } from 'node:net';
import ConnectionTCP from '@xmpp/tcp/lib/Connection.js';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { connectViaProxy } from '../../src/core/net/socks5.js';

/** The parts of xmpp.js's Connection this transport uses. */
interface ConnectionInternals {
  socketParameters(service: string): { host: string; port: number | null } | undefined;
  _status(status: string, ...args: unknown[]): void;
  _attachSocket(socket: Socket): void;
}

/** A transport class for `entity.transports` that connects `xmpp://` services through `proxy`. */
export function proxiedTcpTransport(proxy: ProxyConfig, timeoutMs: number): unknown {
  const Base = ConnectionTCP as unknown as new () => object;
  class ProxiedTcp extends Base {
    /** Replaces Connection#connect: the socket is connected (handshake done) before it is attached. */
    async connect(this: ConnectionInternals, service: string): Promise<void> {
      this._status('connecting', service);
      const params = this.socketParameters(service);
      if (!params) throw new Error(`not an xmpp:// service: ${service}`);
      const socket = await connectViaProxy(proxy, params.host, params.port ?? 5222, { timeoutMs });
      this._attachSocket(socket);
      // connectViaProxy hands the socket over paused; xmpp.js listens for 'data' now.
      socket.resume();
      this._status('connect');
    }
  }
  return ProxiedTcp;
}
