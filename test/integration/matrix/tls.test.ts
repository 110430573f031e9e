/**
 * A homeserver behind HTTPS with a self-signed certificate: trusted through ca_file or a tls_fingerprint pin (login,
 * sync and an encrypted upload go through), refused without either and with a wrong pin, in plain words and
 * without retrying. The TLS front is a node:tls server on loopback in front of the in-memory homeserver.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createServer as createTlsServer, type Server } from 'node:tls';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { selfSignedCert } from '../../harness/server-kit.js';
import { client, PASSWORD, releaseTimers, startServer, type Client } from './support.js';

let server: MatrixTestServer;
let front: Server;
let dir: string;
let cert: { certFile: string; fingerprint: string };
let httpsUrl = '';
const running: Client[] = [];
const skip = process.env.NATTER_TEST_MATRIX_URL ? 'needs the local homeserver' : false;

before(async () => {
  if (skip) return;
  server = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'natter-matrix-tls-'));
  cert = selfSignedCert(dir, ['localhost']);
  const port = Number(new URL(server.url).port);
  front = createTlsServer({ cert: readFileSync(cert.certFile), key: readFileSync(join(dir, 'key.pem')) }, (tls) => {
    const plain = netConnect(port, '127.0.0.1');
    tls.pipe(plain).pipe(tls);
    tls.on('error', () => plain.destroy());
    plain.on('error', () => tls.destroy());
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', () => resolve()));
  const addr = front.address();
  httpsUrl = `https://localhost:${typeof addr === 'object' && addr ? addr.port : 0}`;
});

after(async () => {
  for (const c of running) await c.adapter.stop();
  await new Promise((r) => (front ? front.close(r) : r(undefined)));
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  releaseTimers();
});

test('trusted through ca_file: logs in and syncs over HTTPS', { timeout: 120_000, skip }, async () => {
  const a = await server.register('alice', PASSWORD);
  const c = await client(server, a.userId, { config: { homeserver: httpsUrl, ca_file: cert.certFile } });
  running.push(c);
  assert.ok(c.ctx.kv.get('auth'));
});

test('trusted through a tls_fingerprint pin', { timeout: 120_000, skip }, async () => {
  const a = await server.register('bob', PASSWORD);
  const c = await client(server, a.userId, { config: { homeserver: httpsUrl, tls_fingerprint: cert.fingerprint } });
  running.push(c);
  assert.ok(c.ctx.kv.get('auth'));
});

test('refused without trust, and with a wrong pin: an error in plain words, no login, no retry', { timeout: 120_000, skip }, async () => {
  const a = await server.register('carol', PASSWORD);
  const plain = await client(server, a.userId, { config: { homeserver: httpsUrl }, waitOnline: false });
  running.push(plain);
  const e1 = await plain.ctx.waitFor((e) => e.type === 'connection' && e.state === 'error', 'untrusted', 60_000);
  assert.match(e1.type === 'connection' ? e1.detail ?? '' : '', /certificate is not trusted .*set ca_file or tls_fingerprint/);
  const wrong = 'AB:'.repeat(31) + 'AB';
  const pinned = await client(server, a.userId, { config: { homeserver: httpsUrl, tls_fingerprint: wrong }, waitOnline: false });
  running.push(pinned);
  const e2 = await pinned.ctx.waitFor((e) => e.type === 'connection' && e.state === 'error', 'pin mismatch', 60_000);
  assert.match(e2.type === 'connection' ? e2.detail ?? '' : '', /does not match tls_fingerprint/);
  assert.equal(pinned.ctx.kv.get('auth'), undefined, 'the password never went to that server');
});
