/**
 * The HTTP PUT of an upload slot (XEP-0363 §5): streams the file from disk (never read into memory whole) with
 * Content-Length and Content-Type as requested in the slot, plus the slot's allowed headers, and reports the bytes
 * handed to the connection as they go out.
 *
 * TLS trust follows the account's rules: the system roots plus `ca_file`, the certificate checked against the URL's
 * host; with `tls_fingerprint` a certificate matching the pin is accepted too (the upload service is often the XMPP
 * server itself); `tls_danger_accept_invalid_certs` accepts anything. With the account's SOCKS5 proxy the PUT goes
 * through it (the upload host's name resolved by the proxy, src/core/net/proxy-agent.ts). Failures become {@link UploadError}s in plain
 * words, retryable only when the network failed in a way that may pass.
 */
import { createReadStream } from 'node:fs';
import { request } from 'node:https';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { Transform } from 'node:stream';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { Socks5HttpsAgent } from '../../src/core/net/proxy-agent.js';
import { UploadError } from './upload-service.js';

export interface PutTrust {
  /** PEM of extra trusted certificates (ca_file). */
  ca?: Buffer;
  /** Uppercase colon-separated SHA-256 fingerprint that is trusted regardless of the CA. */
  fingerprint?: string;
  acceptInvalidCerts: boolean;
  /** The account's SOCKS5 proxy: the upload connects through it, never directly. */
  proxy?: ProxyConfig;
}

export interface PutRequest {
  url: string;
  headers: Record<string, string>;
  path: string;
  size: number;
  mime: string;
  trust: PutTrust;
  /** Called with the running count of bytes written (monotonic, at most `size`). */
  onProgress(sent: number): void;
  /** Gives up when the connection is idle this long (default 60 s). */
  idleTimeoutMs?: number;
}

/** Network errors that may pass by themselves: the message stays pending and is tried again. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'ECONNABORTED']);

/** Certificate problems reported by Node's TLS layer (OpenSSL verify codes and the host name check). */
function isTlsError(code: string | undefined): boolean {
  return !!code && (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|ERR_SSL|PIN_MISMATCH/.test(code));
}

/** Resolves once the server answered 2xx; rejects with an UploadError. */
export function putFile(o: PutRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (e: UploadError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      file.destroy();
      reject(e);
    };
    const pinned = o.trust.fingerprint;
    const url = new URL(o.url);
    const req = request(url, {
      method: 'PUT',
      headers: { ...o.headers, 'Content-Length': String(o.size), 'Content-Type': o.mime },
      ca: o.trust.ca ? [...rootCertificates, o.trust.ca.toString('utf8')] : undefined,
      // A pin is checked by hand below, so the chain need not verify when the pin matches.
      rejectUnauthorized: !(o.trust.acceptInvalidCerts || pinned),
      agent: o.trust.proxy ? new Socks5HttpsAgent(o.trust.proxy, { keepAlive: false }) : false,
      timeout: o.idleTimeoutMs ?? 60_000,
    });
    req.on('socket', (socket) => {
      if (!pinned || o.trust.acceptInvalidCerts) return;
      socket.once('secureConnect', () => {
        const tls = socket as TLSSocket;
        const presented = tls.getPeerCertificate()?.fingerprint256?.toUpperCase();
        if (presented !== pinned && !tls.authorized) {
          fail(new UploadError(`the upload server's certificate is not trusted (${String(tls.authorizationError ?? 'it does not match the pinned fingerprint')})`));
        }
      });
    });
    req.on('timeout', () => fail(new UploadError('the upload server stopped responding', { retryable: true })));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const code = e.code;
      if (isTlsError(code)) fail(new UploadError(`the upload server's certificate is not trusted (${e.message})`, { cause: e }));
      // The proxy's own failures are already plain words (src/core/net/socks5-errors.ts); only a refused login stays.
      else if (code?.startsWith('PROXY_')) fail(new UploadError(`the upload failed: ${e.message}`, { cause: e, retryable: code !== 'PROXY_AUTH' }));
      else if (code && TRANSIENT.has(code)) fail(new UploadError(`the upload failed: ${networkWords(code)}`, { cause: e, retryable: true }));
      else fail(new UploadError(`the upload failed: ${e.message}`, { cause: e }));
    });
    req.on('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve();
        });
        res.on('error', () => undefined);
        return;
      }
      fail(statusError(status));
    });

    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length;
        // The file grew while we read it: the server only takes the announced length.
        if (sent > o.size) return done(new UploadError('the file changed while it was uploading'));
        done(null, chunk);
        o.onProgress(sent);
      },
    });
    const file = createReadStream(o.path);
    file.on('error', (e: NodeJS.ErrnoException) => fail(new UploadError(`cannot read ${o.path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`, { cause: e })));
    counter.on('error', (e) => fail(e instanceof UploadError ? e : new UploadError(`the upload failed: ${String(e)}`, { cause: e })));
    file.pipe(counter).pipe(req);
    counter.on('finish', () => {
      if (sent !== o.size) fail(new UploadError('the file changed while it was uploading'));
    });
  });
}

function statusError(status: number): UploadError {
  if (status === 413) return new UploadError('the upload server refused the file as too large (HTTP 413)');
  if (status === 401 || status === 403) return new UploadError(`the upload server refused the upload (HTTP ${status}: the slot was not accepted)`);
  if (status === 502 || status === 503 || status === 504 || status === 408 || status === 429) {
    return new UploadError(`the upload server is unavailable for now (HTTP ${status})`, { retryable: true });
  }
  return new UploadError(`the upload server answered HTTP ${status}`);
}

function networkWords(code: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'the upload server refused the connection';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'the connection to the upload server broke';
    case 'ETIMEDOUT':
      return 'the upload server did not answer in time';
    case 'EAI_AGAIN':
      return 'the upload server name could not be looked up for now';
    default:
      return 'the upload server cannot be reached';
  }
}
