/**
 * The TLS socket under the XMPP stream, with the adapter's own trust rules (the same as the IRC transport):
 *
 * - `ca` from ca_file added to the trust store; `rejectUnauthorized: false` only with tls_danger_accept_invalid_certs.
 * - With tls_fingerprint the leaf certificate must match the pin, checked after the handshake and regardless of
 *   whether a CA vouches for it (a pinned certificate needs no CA).
 * - The certificate is checked against the XMPP domain (RFC 6120 §13.7.2.1, RFC 7590), not the host connected to.
 *
 * - With a SOCKS5 proxy (`opts.proxy`), direct TLS first opens the TCP socket through the proxy (the host name resolved
 *   by the proxy, src/core/net/socks5.ts) and runs TLS over it with the same checks.
 *
 * It implements the socket interface xmpp.js's Connection expects (`connect`, `write`, `end`, events `connect`,
 * `data`, `close`, `error`, and `secure`), for direct TLS (XEP-0368) and for the STARTTLS upgrade of a TCP socket.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { connectViaProxy } from '../../src/core/net/socks5.js';
import type { XmppOptions } from './options.js';

/** An error whose `code` the adapter turns into plain words for the status line. */
export class TlsTrustError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

/** TLS options for the account: CA, SNI and verification against the XMPP domain. Throws when ca_file is unreadable. */
export function tlsOptionsFor(opts: XmppOptions): ConnectionOptions {
  let ca: Buffer | undefined;
  if (opts.caFile) {
    try {
      ca = readFileSync(opts.caFile);
    } catch (e) {
      throw new TlsTrustError(`cannot read ca_file ${opts.caFile}: ${(e as Error).message}`, 'CA_FILE');
    }
  }
  const domain = opts.jid.domain;
  return {
    servername: isIP(domain) ? undefined : domain,
    ...(ca ? { ca } : {}),
    // A pinned certificate is checked by fingerprint after the handshake, so the CA chain is not required for it.
    rejectUnauthorized: !(opts.acceptInvalidCerts || opts.fingerprint),
  };
}

export class TrustedTlsSocket extends EventEmitter {
  secure = true;
  socket: TLSSocket | null = null;
  /** Cancels a SOCKS5 handshake in progress (direct TLS through a proxy). */
  private pendingProxy: AbortController | undefined;

  constructor(private readonly opts: XmppOptions) {
    super();
    // An 'error' with no listener would throw out of the event loop; the connection attaches its own listener, and
    // during a STARTTLS upgrade a second error after the first rejected the handshake must not crash the process.
    this.on('error', () => {});
  }

  /** `options` are the transport's (host/port) or `{ socket }` for a STARTTLS upgrade. */
  connect(options: { host?: string; port?: number; socket?: Socket }): void {
    let base: ConnectionOptions;
    try {
      base = tlsOptionsFor(this.opts);
    } catch (e) {
      setImmediate(() => {
        this.emit('error', e);
        this.emit('close', true);
      });
      return;
    }
    const proxy = this.opts.proxy;
    if (proxy && !options.socket && options.host) {
      const abort = new AbortController();
      this.pendingProxy = abort;
      connectViaProxy(proxy, options.host, options.port ?? 5223, { timeoutMs: this.opts.connectTimeoutMs, signal: abort.signal }).then(
        (raw) => {
          this.pendingProxy = undefined;
          // `host` stays for the certificate check when the domain is an IP address; the bytes go over `raw`.
          this.connect({ host: options.host, socket: raw });
        },
        (e: unknown) => {
          this.pendingProxy = undefined;
          this.emit('error', e);
          this.emit('close', true);
        },
      );
      return;
    }
    const socket = tlsConnect({ ...base, ...options });
    this.socket = socket;
    socket.on('data', (d: Buffer) => this.emit('data', d));
    socket.on('error', (e: Error) => this.emit('error', e));
    socket.on('close', (hadError: boolean) => {
      this.socket = null;
      this.emit('close', hadError);
    });
    socket.once('secureConnect', () => {
      const failure = this.verify(socket);
      if (failure) {
        this.emit('error', failure);
        socket.destroy();
        return;
      }
      this.emit('connect');
    });
  }

  private verify(socket: TLSSocket): TlsTrustError | undefined {
    const pin = this.opts.fingerprint;
    if (pin) {
      const presented = socket.getPeerCertificate()?.fingerprint256?.toUpperCase();
      if (presented !== pin) {
        return new TlsTrustError(`server certificate fingerprint ${presented ?? '(none)'} does not match the pinned tls_fingerprint`, 'PIN_MISMATCH');
      }
      return undefined;
    }
    if (!socket.authorized && !this.opts.acceptInvalidCerts) {
      return new TlsTrustError(String(socket.authorizationError ?? 'certificate not trusted'), 'CERT_UNTRUSTED');
    }
    return undefined;
  }

  write(data: string, cb?: (err?: Error | null) => void): void {
    if (!this.socket) {
      cb?.(new Error('socket closed'));
      return;
    }
    this.socket.write(data, cb);
  }

  end(): void {
    this.pendingProxy?.abort();
    this.socket?.end();
  }

  destroy(): void {
    this.pendingProxy?.abort();
    this.socket?.destroy();
  }
}
