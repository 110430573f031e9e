/**
 * The socket under irc-framework (passed as its `transport` option): TCP or implicit TLS with the adapter's own trust
 * rules, robust line framing and decoding.
 *
 * - TLS: `ca` from ca_file; `rejectUnauthorized: false` only with tls_danger_accept_invalid_certs. With
 *   tls_fingerprint the leaf certificate must match the pin, checked after the handshake and regardless of whether
 *   the CA validated it (a pinned certificate needs no CA, like weechat's tls_fingerprint).
 * - Proxy (`natter.proxy`): the socket comes from the SOCKS5 client (src/core/net/socks5.ts), which hands the host name
 *   to the proxy (no local DNS); TLS then runs over the proxied socket with SNI and the same checks.
 * - Lines end at LF (a preceding CR is dropped). Bytes are decoded as UTF-8; a line that is not valid UTF-8 is
 *   decoded as Latin-1 (WHATWG windows-1252) instead (old clients), so no byte sequence can throw.
 * - Lines longer than 64 KiB and unterminated input beyond 1 MiB are discarded (a hostile server must not grow
 *   memory without bound). Exceptions thrown by listeners are caught and logged: garbage never crashes the process.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';
import type { Logger } from '../../src/core/logger.js';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { connectViaProxy } from '../../src/core/net/socks5.js';

/** Options the adapter adds to irc-framework's options object; irc-framework hands the whole object to the transport. */
export interface TransportOptions {
  host: string;
  port: number;
  tls: boolean;
  natter: {
    caFile?: string;
    fingerprint?: string;
    acceptInvalidCerts: boolean;
    connectTimeoutMs: number;
    log: Logger;
    /** Connect through this SOCKS5 proxy instead of directly. */
    proxy?: ProxyConfig;
  };
}

const MAX_LINE = 64 * 1024;
const MAX_BUFFER = 1024 * 1024;
const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/** Decodes one line: UTF-8 when valid, else Latin-1. */
export function decodeLine(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/** An error whose `code` the adapter turns into plain words for the status line. */
export class TransportError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

export class IrcTransport extends EventEmitter {
  private socket: Socket | TLSSocket | undefined;
  private connected = false;
  private lastError: Error | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Cancels the SOCKS5 handshake in progress, if any. */
  private pendingProxy: AbortController | undefined;

  constructor(private readonly options: TransportOptions) {
    super();
  }

  isConnected(): boolean {
    return this.connected;
  }

  setEncoding(encoding: string): boolean {
    return encoding === 'utf8';
  }

  connect(): void {
    const { host, natter } = this.options;
    this.disposeSocket();
    this.lastError = undefined;
    this.buffer = Buffer.alloc(0);
    let ca: Buffer | undefined;
    if (this.options.tls && natter.caFile) {
      try {
        ca = readFileSync(natter.caFile);
      } catch (e) {
        this.lastError = new TransportError(`cannot read ca_file ${natter.caFile}: ${(e as Error).message}`, 'CA_FILE');
        setImmediate(() => this.emit('close', this.lastError));
        return;
      }
    }
    const proxy = natter.proxy;
    if (!proxy) {
      this.attach(this.options.tls ? this.secure({ host, port: this.options.port }, ca) : netConnect({ host, port: this.options.port }), true);
      return;
    }
    // Through the proxy: the SOCKS5 client connects (name resolved by the proxy), then TLS (if any) over its socket.
    const abort = new AbortController();
    this.pendingProxy = abort;
    this.startConnectTimer(() => abort.abort());
    connectViaProxy(proxy, host, this.options.port, { timeoutMs: natter.connectTimeoutMs, signal: abort.signal }).then(
      (raw) => {
        if (this.pendingProxy !== abort) {
          raw.destroy();
          return;
        }
        this.pendingProxy = undefined;
        if (this.options.tls) this.attach(this.secure({ socket: raw }, ca), false);
        else {
          this.attach(raw, false);
          raw.resume();
          this.onOpen();
        }
      },
      (e: Error) => {
        if (this.pendingProxy !== abort) return;
        this.pendingProxy = undefined;
        clearTimeout(this.connectTimer);
        this.lastError ??= e;
        natter.log.debug('proxy connection failed', { message: e.message });
        this.safeEmit('close', this.lastError);
      },
    );
  }

  /** TLS to the server (directly, or over a proxied socket) with SNI for the server's host name. */
  private secure(where: { host: string; port: number } | { socket: Socket }, ca: Buffer | undefined): TLSSocket {
    const { host, natter } = this.options;
    const socket = tlsConnect({
      ...where,
      host,
      servername: isIP(host) ? undefined : host,
      ca,
      // A pinned certificate is checked by fingerprint below, so the CA chain is not required for it.
      rejectUnauthorized: !(natter.acceptInvalidCerts || natter.fingerprint),
    });
    socket.once('secureConnect', () => this.onSecure(socket));
    return socket;
  }

  private startConnectTimer(onTimeout: () => void): void {
    clearTimeout(this.connectTimer);
    this.connectTimer = setTimeout(() => {
      this.lastError = new TransportError('connection timed out', 'ETIMEDOUT');
      onTimeout();
    }, this.options.natter.connectTimeoutMs);
  }

  /** Wires a socket in; `timed` starts the connect timer (a proxied socket's timer is already running). */
  private attach(socket: Socket | TLSSocket, timed: boolean): void {
    const { natter } = this.options;
    this.socket = socket;
    if (!(socket instanceof TLSSocket) && timed) socket.once('connect', () => this.onOpen());
    if (timed || socket instanceof TLSSocket) this.startConnectTimer(() => socket.destroy());
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', (e: Error) => {
      this.lastError ??= e;
      natter.log.debug('socket error', { message: e.message, code: (e as NodeJS.ErrnoException).code });
    });
    socket.on('close', () => {
      clearTimeout(this.connectTimer);
      this.connected = false;
      if (this.socket === socket) this.socket = undefined;
      this.safeEmit('close', this.lastError ?? false);
    });
  }

  private onSecure(socket: TLSSocket): void {
    const { natter } = this.options;
    const pin = natter.fingerprint;
    if (pin) {
      const presented = socket.getPeerCertificate()?.fingerprint256?.toUpperCase();
      if (presented !== pin) {
        this.lastError = new TransportError(`server certificate fingerprint ${presented ?? '(none)'} does not match the pinned tls_fingerprint`, 'PIN_MISMATCH');
        socket.destroy();
        return;
      }
    } else if (!socket.authorized && !natter.acceptInvalidCerts) {
      this.lastError = new TransportError(String(socket.authorizationError ?? 'certificate not trusted'), 'CERT_UNTRUSTED');
      socket.destroy();
      return;
    }
    this.onOpen();
  }

  private onOpen(): void {
    clearTimeout(this.connectTimer);
    this.connected = true;
    this.safeEmit('open');
  }

  private onData(data: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    let start = 0;
    for (;;) {
      const nl = this.buffer.indexOf(0x0a, start);
      if (nl === -1) break;
      let end = nl;
      if (end > start && this.buffer[end - 1] === 0x0d) end--;
      if (end - start > MAX_LINE) {
        this.options.natter.log.warn('dropped an overlong line from the server', { bytes: end - start });
      } else if (end > start) {
        this.safeEmit('line', decodeLine(this.buffer.subarray(start, end)));
      }
      start = nl + 1;
      if (!this.socket) return; // a listener closed the connection
    }
    this.buffer = this.buffer.subarray(start);
    if (this.buffer.length > MAX_BUFFER) {
      this.options.natter.log.warn('discarded unterminated server input', { bytes: this.buffer.length });
      this.buffer = Buffer.alloc(0);
    }
  }

  private safeEmit(event: string, ...args: unknown[]): void {
    try {
      this.emit(event, ...args);
    } catch (e) {
      this.options.natter.log.error(`error while handling transport event ${event}`, e);
    }
  }

  writeLine(line: string, cb?: () => void): void {
    if (this.socket && this.connected) this.socket.write(line + '\r\n', cb);
    else if (cb) process.nextTick(cb);
  }

  close(force?: boolean): void {
    // Still in the SOCKS5 handshake: cancelling it reports the close like a failed connect.
    if (this.pendingProxy) return void this.pendingProxy.abort();
    if (!this.socket) return;
    if (force || !this.connected) this.socket.destroy();
    else this.socket.end();
  }

  disposeSocket(): void {
    clearTimeout(this.connectTimer);
    this.pendingProxy?.abort();
    this.pendingProxy = undefined;
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.on('error', () => {});
      this.socket.destroy();
      this.socket = undefined;
    }
    this.connected = false;
  }
}
