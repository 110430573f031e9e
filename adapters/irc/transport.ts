/**
 * The socket under irc-framework (passed as its `transport` option): TCP or implicit TLS with the adapter's own trust
 * rules, robust line framing and decoding.
 *
 * - TLS: `ca` from ca_file; `rejectUnauthorized: false` only with tls_danger_accept_invalid_certs. With
 *   tls_fingerprint the leaf certificate must match the pin, checked after the handshake and regardless of whether
 *   the CA validated it (a pinned certificate needs no CA, like weechat's tls_fingerprint).
 * - Lines end at LF (a preceding CR is dropped). Bytes are decoded as UTF-8; a line that is not valid UTF-8 is
 *   decoded as Latin-1 (WHATWG windows-1252) instead (old clients), so no byte sequence can throw.
 * - Lines longer than 64 KiB and unterminated input beyond 1 MiB are discarded (a hostile server must not grow
 *   memory without bound). Exceptions thrown by listeners are caught and logged: garbage never crashes the process.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Logger } from '../../src/core/logger.js';

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
    const { host, port, tls, natter } = this.options;
    this.disposeSocket();
    this.lastError = undefined;
    this.buffer = Buffer.alloc(0);
    let socket: Socket | TLSSocket;
    if (tls) {
      let ca: Buffer | undefined;
      if (natter.caFile) {
        try {
          ca = readFileSync(natter.caFile);
        } catch (e) {
          this.lastError = new TransportError(`cannot read ca_file ${natter.caFile}: ${(e as Error).message}`, 'CA_FILE');
          setImmediate(() => this.emit('close', this.lastError));
          return;
        }
      }
      socket = tlsConnect({
        host,
        port,
        servername: isIP(host) ? undefined : host,
        ca,
        // A pinned certificate is checked by fingerprint below, so the CA chain is not required for it.
        rejectUnauthorized: !(natter.acceptInvalidCerts || natter.fingerprint),
      });
      socket.once('secureConnect', () => this.onSecure(socket as TLSSocket));
    } else {
      socket = netConnect({ host, port });
      socket.once('connect', () => this.onOpen());
    }
    this.socket = socket;
    this.connectTimer = setTimeout(() => {
      this.lastError = new TransportError('connection timed out', 'ETIMEDOUT');
      socket.destroy();
    }, natter.connectTimeoutMs);
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
    if (!this.socket) return;
    if (force || !this.connected) this.socket.destroy();
    else this.socket.end();
  }

  disposeSocket(): void {
    clearTimeout(this.connectTimer);
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.on('error', () => {});
      this.socket.destroy();
      this.socket = undefined;
    }
    this.connected = false;
  }
}
