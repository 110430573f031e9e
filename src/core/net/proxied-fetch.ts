/**
 * A `fetch` whose connections go through a SOCKS5 proxy, for HTTP clients that take a fetch function (matrix-js-sdk's
 * `fetchFn`). Node's built-in fetch cannot use a node:http Agent, so this one runs on node:http(s) with the agents of
 * proxy-agent.ts: the URL's host name goes to the proxy (never resolved locally), TLS runs over the proxied socket.
 *
 * Covered: methods, headers, request bodies (anything `Request` accepts), streamed response bodies, `AbortSignal`,
 * redirects (`follow`, at most 20 as in the Fetch standard; 303 and POST→GET for 301/302 as browsers do; `manual`
 * and `error` too). Not covered: content decoding (it sends no Accept-Encoding, so servers answer uncompressed),
 * cookies, caching.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import type { ProxyConfig } from './proxy.js';
import { Socks5HttpAgent, Socks5HttpsAgent } from './proxy-agent.js';

/** TLS options for HTTPS through the proxy (e.g. `ca` from ca_file, `rejectUnauthorized`). */
export type ProxiedFetchTls = Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized' | 'checkServerIdentity'>;

const MAX_REDIRECTS = 20;

/** A fetch function that connects through `proxy`; keeps connections alive per agent. */
export function proxiedFetch(proxy: ProxyConfig, tls: ProxiedFetchTls = {}, options: { connectTimeoutMs?: number } = {}): typeof fetch {
  const http = new Socks5HttpAgent(proxy, { keepAlive: true, connectTimeoutMs: options.connectTimeoutMs });
  const https = new Socks5HttpsAgent(proxy, { keepAlive: true, connectTimeoutMs: options.connectTimeoutMs, ...tls });
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let req = new Request(input, init);
    let body = req.body ? Buffer.from(await req.arrayBuffer()) : undefined;
    for (let hop = 0; ; hop++) {
      const res = await send(req, body, req.url.startsWith('https:') ? https : http);
      const location = res.headers.location;
      if (![301, 302, 303, 307, 308].includes(res.statusCode ?? 0) || !location || req.redirect === 'manual') return toResponse(res, req);
      res.resume();
      if (req.redirect === 'error') throw new TypeError(`fetch failed: redirected to ${location}`);
      if (hop >= MAX_REDIRECTS) throw new TypeError('fetch failed: too many redirects');
      const next = new URL(location, req.url);
      // Fetch standard §4.4: 303 (and 301/302 after POST) become GET without a body.
      const toGet = res.statusCode === 303 ? req.method !== 'HEAD' : (res.statusCode === 301 || res.statusCode === 302) && req.method === 'POST';
      const headers = new Headers(req.headers);
      if (toGet) {
        body = undefined;
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(h);
      }
      // Credentials stay with their origin.
      if (next.origin !== new URL(req.url).origin) headers.delete('authorization');
      req = new Request(next, { method: toGet ? 'GET' : req.method, headers, signal: req.signal, redirect: req.redirect });
    }
  };
}

function send(req: Request, body: Buffer | undefined, agent: Socks5HttpAgent | Socks5HttpsAgent): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const signal = req.signal;
    if (signal.aborted) return reject(abortReason(signal));
    const headers: Record<string, string> = {};
    req.headers.forEach((value, key) => (headers[key] = value));
    if (body) headers['content-length'] = String(body.length);
    const url = new URL(req.url);
    const outgoing = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method: req.method, headers, agent }, (res) => {
      signal.removeEventListener('abort', onAbort);
      // An abort after the headers ends the body stream with the reason.
      signal.addEventListener('abort', () => res.destroy(abortReason(signal)), { once: true });
      resolve(res);
    });
    const onAbort = () => outgoing.destroy(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(signal.aborted ? abortReason(signal) : new TypeError(`fetch failed: ${e.message}`, { cause: e }));
    });
    outgoing.end(body);
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

function toResponse(res: IncomingMessage, req: Request): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
  const status = res.statusCode ?? 0;
  const empty = req.method === 'HEAD' || status === 204 || status === 205 || status === 304;
  if (empty) res.resume();
  const response = new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers });
  // Response.url is read-only and empty for constructed responses; callers resolving relative links want it.
  Object.defineProperty(response, 'url', { value: req.url });
  return response;
}
