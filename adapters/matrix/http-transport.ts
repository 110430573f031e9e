/**
 * HTTPS with the account's own trust rules, for homeservers whose certificate no public CA vouches for. Node's
 * global fetch cannot take a per-request CA or pin, so with `ca_file`, `tls_fingerprint` or
 * `tls_danger_accept_invalid_certs` set, the SDK (and uploads) get a small fetch over node:https instead:
 * - `ca` from ca_file is trusted in addition to nothing else (Node replaces the default store with it);
 * - with tls_fingerprint the leaf certificate must match the pin (SHA-256, checked before any byte of the request is
 *   written, so a wrong server never sees the access token), whether or not a CA vouches for it;
 * - the certificate is checked against the homeserver's host name unless a pin or the danger flag replaces it.
 * Without those keys the global fetch is used unchanged. With a proxy configured for the account, every request goes
 * through it instead (see fetchFor).
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { ClientRequestArgs } from 'node:http';
import { Readable, type Duplex } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { proxiedFetch } from '../../src/core/net/proxied-fetch.js';
import type { ProxyConfig } from '../../src/core/net/proxy.js';
import { MatrixLoginError } from './errors.js';
import type { MatrixOptions } from './options.js';

/** A TLS failure no retry fixes: the certificate is not the one the account trusts. */
export class CertificateError extends Error {
  override name = 'CertificateError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

class TrustingAgent extends Agent {
  constructor(
    private readonly ca: Buffer | undefined,
    private readonly fingerprint: string | undefined,
    private readonly acceptInvalid: boolean,
  ) {
    super({ keepAlive: true });
  }

  override createConnection(options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    let done = false;
    const finish = (err: Error | null, socket: TLSSocket) => {
      if (done) return;
      done = true;
      callback?.(err, socket);
    };
    const socket: TLSSocket = tlsConnect({
      ...(options as ConnectionOptions),
      ...(this.ca ? { ca: this.ca } : {}),
      rejectUnauthorized: !(this.acceptInvalid || this.fingerprint),
    });
    socket.once('secureConnect', () => {
      if (this.fingerprint) {
        const got = socket.getPeerCertificate().fingerprint256?.toUpperCase();
        if (got !== this.fingerprint) {
          const e = new CertificateError(`the server certificate (${got ?? 'none'}) does not match tls_fingerprint`, 'FINGERPRINT_MISMATCH');
          socket.destroy(e);
          finish(e, socket);
          return;
        }
      }
      finish(null, socket);
    });
    socket.once('error', (e) => finish(e, socket));
    return undefined;
  }
}

function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
  return h;
}

/** A fetch over node:http(s) with `agent` for https URLs; enough of fetch for the SDK and uploads. */
function fetchVia(agent: Agent): typeof fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const https = url.protocol === 'https:';
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method: init.method ?? 'GET', headers, ...(https ? { agent } : {}), ...(init.signal ? { signal: init.signal } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const empty = [101, 204, 205, 304].includes(status);
            resolve(new Response(empty ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: headersOf(res.headers) }));
          });
        },
      );
      req.on('error', reject);
      const body = init.body;
      if (body === undefined || body === null) req.end();
      else if (typeof body === 'string' || body instanceof Uint8Array) req.end(body);
      else if (body instanceof ArrayBuffer) req.end(Buffer.from(body));
      else if (body instanceof ReadableStream) Readable.fromWeb(body as never).on('error', (e) => req.destroy(e)).pipe(req);
      else req.end(String(body));
    });
}

/**
 * Certificate failures reach the SDK as a bare "fetch failed" (its ConnectionError keeps only the message), so the
 * fetch handed to it turns them into an error whose message carries {@link TLS_MARK} and plain words.
 */
export const TLS_MARK = 'TLS: ';

function withCertificateWords(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await base(input, init);
    } catch (e) {
      const problem = certificateProblem(e);
      if (problem) throw new CertificateError(`${TLS_MARK}${problem}`, 'CERTIFICATE');
      throw e;
    }
  };
}

/**
 * The fetch for this account: through the account's SOCKS5 proxy when it has one (src/core/net/proxied-fetch.ts,
 * names resolved by the proxy), else the global one unless a TLS trust key is set; certificate failures in plain
 * words.
 */
export function fetchFor(opts: MatrixOptions, proxy?: ProxyConfig): typeof fetch {
  if (proxy) {
    // The pin is checked before the request is written only by the direct agent here; through the proxy's agent
    // Node would either refuse the self-signed chain first or ignore the pin, so the combination is refused.
    if (opts.fingerprint) throw new MatrixLoginError('tls_fingerprint cannot be used through a proxy yet; use ca_file');
    return withCertificateWords(proxiedFetch(proxy, { ...(opts.caFile ? { ca: readCa(opts.caFile) } : {}), rejectUnauthorized: !opts.acceptInvalidCerts }));
  }
  return withCertificateWords(trustingFetch(opts) ?? ((input, init) => fetch(input, init)));
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new MatrixLoginError(`cannot read ca_file ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function trustingFetch(opts: MatrixOptions): typeof fetch | undefined {
  if (!opts.caFile && !opts.fingerprint && !opts.acceptInvalidCerts) return undefined;
  const ca = opts.caFile ? readCa(opts.caFile) : undefined;
  return fetchVia(new TrustingAgent(ca, opts.fingerprint, opts.acceptInvalidCerts));
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'FINGERPRINT_MISMATCH',
]);

/** Plain words for a certificate failure found anywhere in an error's cause chain, if it is one. */
export function certificateProblem(e: unknown): string | undefined {
  for (let c: unknown = e, depth = 0; c && depth < 6; c = (c as { cause?: unknown }).cause, depth++) {
    const message = (c as { message?: unknown }).message;
    if (typeof message === 'string' && message.includes(TLS_MARK)) return message.slice(message.indexOf(TLS_MARK) + TLS_MARK.length);
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && CERT_CODES.has(code)) {
      return code === 'FINGERPRINT_MISMATCH'
        ? (c as Error).message
        : `the server certificate is not trusted (${code}); set ca_file or tls_fingerprint`;
    }
  }
  return undefined;
}
