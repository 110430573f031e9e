import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { client, skipReason } from './support.js';

const skip = skipReason();
let server: InspircdServer;

before(async () => {
  if (skip) return;
  server = await startInspircd({ tls: true });
});
after(async () => {
  if (!skip) await server?.stop();
});

const base = () => ({ host: server.host, port: server.tlsPort, tls: true, nick: 'tess' });

test('TLS: the self-signed certificate is trusted through ca_file', { skip }, async () => {
  const c = await client({ ...base(), ca_file: server.caFile });
  await c.adapter.stop();
});

test('TLS: without ca_file the connection fails with plain words about the certificate', { skip }, async () => {
  const c = await client(base(), false);
  const e = await c.ctx.waitFor((x) => x.type === 'connection' && x.state === 'error', 'certificate error', 10_000);
  assert.match((e as { detail?: string }).detail ?? '', /^server certificate not trusted \(self-signed certificate\).*retrying in \d+ s$/);
  assert.ok(!c.ctx.events.some((x) => x.type === 'connection' && x.state === 'online'));
  await c.adapter.stop();
});

test('TLS: a wrong tls_fingerprint pin fails even though the CA validates', { skip }, async () => {
  const wrong = server.fingerprint!.replace(/^[0-9A-F]{2}/, (h) => (h === '00' ? '11' : '00'));
  const c = await client({ ...base(), ca_file: server.caFile, tls_fingerprint: wrong }, false);
  const e = await c.ctx.waitFor((x) => x.type === 'connection' && x.state === 'error', 'pin error', 10_000);
  assert.match((e as { detail?: string }).detail ?? '', /does not match tls_fingerprint/);
  assert.ok(!c.ctx.events.some((x) => x.type === 'connection' && x.state === 'online'));
  await c.adapter.stop();
});

test('TLS: the right pin is enough on its own (no CA needed)', { skip }, async () => {
  const c = await client({ ...base(), tls_fingerprint: server.fingerprint!.toLowerCase() });
  await c.adapter.stop();
});

test('TLS: tls_danger_accept_invalid_certs connects without verification', { skip }, async () => {
  const c = await client({ ...base(), tls_danger_accept_invalid_certs: true });
  await c.adapter.stop();
});
