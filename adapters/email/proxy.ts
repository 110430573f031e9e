/**
 * The account's SOCKS5 proxy for IMAP and SMTP (docs/architecture.md "Proxies"). Host names always go to the proxy
 * (RFC 1928 address type DOMAIN): behind a proxy the adapter asks no DNS question and makes no autoconfig request of
 * its own. IMAP goes through imapflow's `proxy` option (its SOCKS5 client also passes names unresolved); SMTP and the
 * certificate-pin probe through src/core/net's client.
 */
import type { Socket } from 'node:net';
import { isIP } from 'node:net';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { connectViaProxy } from '../../src/core/net/socks5.js';

/** imapflow's `proxy` option: `socks5://[user:password@]host:port`, credentials %-encoded. Never logged. */
export function imapProxyUrl(proxy: ProxyConfig): string {
  const login = proxy.username !== undefined ? `${encodeURIComponent(proxy.username)}:${encodeURIComponent(proxy.password ?? '')}@` : '';
  const host = isIP(proxy.host) === 6 ? `[${proxy.host}]` : proxy.host;
  return `socks5://${login}${host}:${proxy.port}`;
}

/**
 * A TCP connection to `host:port` through the proxy, ready for a client that attaches its `data` listener later:
 * the socket stays paused (the server's first bytes stay buffered) until someone listens for data.
 */
export async function proxiedSocket(proxy: ProxyConfig, host: string, port: number, timeoutMs: number): Promise<Socket> {
  const socket = await connectViaProxy(proxy, host, port, { timeoutMs });
  const onListener = (event: string | symbol) => {
    if (event !== 'data') return;
    socket.off('newListener', onListener);
    // newListener fires before the listener is added: resume once it is in place.
    process.nextTick(() => socket.resume());
  };
  socket.on('newListener', onListener);
  return socket;
}

/** nodemailer's `getSocket` hook: every SMTP connection through the proxy (nodemailer then runs TLS over it). */
export function smtpGetSocket(proxy: ProxyConfig, host: string, port: number, timeoutMs: number) {
  return (_options: unknown, callback: (err: Error | null, socketOptions?: { connection: Socket }) => void): void => {
    proxiedSocket(proxy, host, port, timeoutMs).then(
      (connection) => callback(null, { connection }),
      (e: unknown) => callback(e as Error),
    );
  };
}
