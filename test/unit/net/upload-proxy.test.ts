// XEP-0363 uploads (adapters/xmpp/upload-put.ts) behind the account's SOCKS5 proxy: the PUT reaches the upload host
// by a name only the proxy resolves, with the certificate checked against that name; proxy failures stay plain words.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { putFile } from '../../../adapters/xmpp/upload-put.js';
import { selfSignedCert } from '../../harness/server-kit.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';

let dir: string;
let server: Server;
let proxy: Socks5Server;
let ca: Buffer;
const received: Buffer[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'natter-upload-proxy-'));
  const cert = selfSignedCert(dir, ['upload.natter.test']);
  ca = readFileSync(cert.certFile);
  server = createServer({ cert: ca, key: readFileSync(cert.keyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      received.push(Buffer.concat(chunks));
      res.statusCode = 201;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  proxy = await startSocks5Server({ hosts: { 'upload.natter.test': '127.0.0.1' } });
});
after(async () => {
  await proxy.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

describe('upload PUT through the proxy', () => {
  it('reaches the upload host by a name only the proxy resolves', async () => {
    const path = join(dir, 'file.txt');
    writeFileSync(path, 'proxied bytes');
    const port = (server.address() as { port: number }).port;
    await putFile({
      url: `https://upload.natter.test:${port}/slot/file.txt`,
      headers: {},
      path,
      size: 13,
      mime: 'text/plain',
      trust: { ca, acceptInvalidCerts: false, proxy: { protocol: 'socks5', host: '127.0.0.1', port: proxy.port } },
      onProgress: () => {},
    });
    assert.equal(received.at(-1)?.toString(), 'proxied bytes');
    assert.deepEqual(proxy.requests.at(-1), { addressType: 'domain', host: 'upload.natter.test', port });
  });

  it('a proxy failure is a retryable upload error in plain words', async () => {
    const path = join(dir, 'file2.txt');
    writeFileSync(path, 'x');
    await assert.rejects(
      putFile({
        url: 'https://gone.natter.test:1/slot',
        headers: {},
        path,
        size: 1,
        mime: 'text/plain',
        trust: { acceptInvalidCerts: false, proxy: { protocol: 'socks5', host: '127.0.0.1', port: proxy.port } },
        onProgress: () => {},
      }),
      (e: Error & { retryable?: boolean }) => {
        assert.equal(e.message, 'the upload failed: the proxy could not reach gone.natter.test: host unreachable');
        assert.equal(e.retryable, true);
        return true;
      },
    );
  });
});
