// The HTTP(S) agents over the SOCKS5 client: requests reach loopback web servers by names only the proxy resolves,
// and HTTPS checks the certificate against the URL's host name over the proxied socket.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, get as httpGet, type Server as HttpServer } from 'node:http';
import { createServer as createHttps, get as httpsGet, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ProxyConfig } from '../../../src/core/net/proxy.js';
import { Socks5HttpAgent, Socks5HttpsAgent } from '../../../src/core/net/proxy-agent.js';
import { selfSignedCert } from '../../harness/server-kit.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';

let dir: string;
let http: HttpServer;
let https: HttpsServer;
let proxy: Socks5Server;
let ca: Buffer;
const port = (s: HttpServer | HttpsServer) => (s.address() as { port: number }).port;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'natter-proxy-agent-'));
  const cert = selfSignedCert(dir, ['web.natter.test']);
  ca = readFileSync(cert.certFile);
  const handler = (req: { url?: string }, res: { end(body: string): void }) => res.end(`hello ${req.url}`);
  http = createHttp(handler);
  https = createHttps({ cert: ca, key: readFileSync(cert.keyFile) }, handler);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  proxy = await startSocks5Server({ hosts: { 'web.natter.test': '127.0.0.1', 'other.natter.test': '127.0.0.1' } });
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

function fetchText(get: typeof httpGet, url: string, options: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
    });
    req.on('error', reject);
  });
}

describe('Socks5HttpAgent / Socks5HttpsAgent', () => {
  it('HTTP by a name only the proxy resolves', async () => {
    const from = proxy.requests.length;
    const agent = new Socks5HttpAgent(config());
    assert.equal(await fetchText(httpGet, `http://web.natter.test:${port(http)}/a`, { agent }), '200 hello /a');
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'web.natter.test', port: port(http) }]);
    agent.destroy();
  });

  it('HTTPS over the proxied socket, certificate checked against the URL host', async () => {
    const from = proxy.requests.length;
    const agent = new Socks5HttpsAgent(config(), { ca });
    assert.equal(await fetchText(httpsGet, `https://web.natter.test:${port(https)}/b`, { agent }), '200 hello /b');
    assert.deepEqual(proxy.requests.slice(from), [{ addressType: 'domain', host: 'web.natter.test', port: port(https) }]);
    agent.destroy();
  });

  it('HTTPS to a name the certificate does not cover is refused', async () => {
    const agent = new Socks5HttpsAgent(config(), { ca });
    await assert.rejects(fetchText(httpsGet, `https://other.natter.test:${port(https)}/`, { agent }), /altnames|does not match|ERR_TLS_CERT_ALTNAME_INVALID/i);
    agent.destroy();
  });

  it('a proxy failure reaches the request as the plain-words error', async () => {
    const agent = new Socks5HttpAgent(config());
    await assert.rejects(fetchText(httpGet, `http://nowhere.natter.test:${port(http)}/`, { agent }), {
      message: 'the proxy could not reach nowhere.natter.test: host unreachable',
    });
    agent.destroy();
  });
});
