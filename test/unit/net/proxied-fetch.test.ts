// proxiedFetch (the fetch for HTTP clients such as matrix-js-sdk behind a proxy) against loopback HTTP(S) servers
// reached by names only the SOCKS5 test server resolves.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { proxiedFetch } from '../../../src/core/net/proxied-fetch.js';
import type { ProxyConfig } from '../../../src/core/net/proxy.js';
import { ProxyError } from '../../../src/core/net/socks5.js';
import { selfSignedCert } from '../../harness/server-kit.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';

let dir: string;
let http: HttpServer;
let https: HttpsServer;
let proxy: Socks5Server;
let ca: Buffer;
const port = (s: HttpServer | HttpsServer) => (s.address() as { port: number }).port;

function handler(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (d: Buffer) => chunks.push(d));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    switch (req.url) {
      case '/json':
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null, body }));
        return;
      case '/echo':
        res.setHeader('x-echo', String(req.headers['x-test']));
        res.end(`${req.method} ${body}`);
        return;
      case '/redirect':
        res.writeHead(302, { location: '/json' }).end();
        return;
      case '/see-other':
        res.writeHead(303, { location: '/json' }).end();
        return;
      case '/slow':
        res.writeHead(200);
        res.write('partial');
        return; // never ends: for abort
      default:
        res.writeHead(404).end('no');
    }
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'natter-proxied-fetch-'));
  const cert = selfSignedCert(dir, ['matrix.natter.test']);
  ca = readFileSync(cert.certFile);
  http = createHttp(handler);
  https = createHttps({ cert: ca, key: readFileSync(cert.keyFile) }, handler);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  proxy = await startSocks5Server({ hosts: { 'web.natter.test': '127.0.0.1', 'matrix.natter.test': '127.0.0.1' } });
});
after(async () => {
  await proxy.stop();
  http.closeAllConnections();
  https.closeAllConnections();
  await new Promise<void>((r) => http.close(() => r()));
  await new Promise<void>((r) => https.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

const config = (): ProxyConfig => ({ protocol: 'socks5', host: '127.0.0.1', port: proxy.port });

describe('proxiedFetch', () => {
  it('GET over HTTPS by a name only the proxy resolves, certificate checked with the given CA', async () => {
    const from = proxy.requests.length;
    const fetchFn = proxiedFetch(config(), { ca });
    const res = await fetchFn(`https://matrix.natter.test:${port(https)}/json`, { headers: { authorization: 'Bearer t0ken' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { method: 'GET', auth: 'Bearer t0ken', body: '' });
    assert.equal(res.url, `https://matrix.natter.test:${port(https)}/json`);
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'matrix.natter.test', port: port(https) }]);
  });

  it('POST with a body and headers over HTTP', async () => {
    const res = await proxiedFetch(config())(`http://web.natter.test:${port(http)}/echo`, { method: 'POST', body: 'hello', headers: { 'x-test': 'yes' } });
    assert.equal(res.headers.get('x-echo'), 'yes');
    assert.equal(await res.text(), 'POST hello');
  });

  it('follows redirects (302 keeps GET, 303 turns POST into GET without the body)', async () => {
    const f = proxiedFetch(config());
    const r1 = await f(`http://web.natter.test:${port(http)}/redirect`);
    assert.equal(((await r1.json()) as { method: string }).method, 'GET');
    assert.equal(r1.url, `http://web.natter.test:${port(http)}/json`);
    const r2 = await f(`http://web.natter.test:${port(http)}/see-other`, { method: 'POST', body: 'x' });
    assert.deepEqual(await r2.json(), { method: 'GET', auth: null, body: '' });
    const manual = await f(`http://web.natter.test:${port(http)}/redirect`, { redirect: 'manual' });
    assert.equal(manual.status, 302);
  });

  it('an abort ends a pending response body', async () => {
    const abort = new AbortController();
    const res = await proxiedFetch(config())(`http://web.natter.test:${port(http)}/slow`, { signal: abort.signal });
    const reader = res.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), 'partial');
    abort.abort();
    await assert.rejects(reader.read());
  });

  it('an HTTPS name the certificate does not cover is refused', async () => {
    await assert.rejects(proxiedFetch(config(), { ca })(`https://web.natter.test:${port(https)}/json`), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(String((e.cause as Error).message), /altnames|does not match/i);
      return true;
    });
  });

  it('a proxy failure rejects like fetch does, with the plain-words ProxyError as its cause', async () => {
    await assert.rejects(proxiedFetch(config())('http://nowhere.natter.test/'), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.ok(e.cause instanceof ProxyError);
      assert.equal(e.message, 'fetch failed: the proxy could not reach nowhere.natter.test: host unreachable');
      return true;
    });
  });
});
