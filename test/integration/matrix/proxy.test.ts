/**
 * An account with a SOCKS5 proxy reaches the homeserver only through it: the homeserver's host name resolves only
 * at the proxy (test/harness/socks5-server.ts), so logging in, syncing and sending an encrypted message work only
 * if every request (the SDK's, the crypto's, uploads) went through the proxy.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';
import { client, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, type Client } from './support.js';

let server: MatrixTestServer;
let socks: Socks5Server | undefined;
const running: Client[] = [];

after(async () => {
  for (const c of running) await c.adapter.stop();
  await socks?.stop();
  await server?.stop();
  releaseTimers();
});

test('everything goes through the account proxy, by a name only the proxy resolves', { timeout: 180_000, skip: process.env.NATTER_TEST_MATRIX_URL ? 'needs the local homeserver' : false }, async () => {
  server = await startServer();
  socks = await startSocks5Server({ hosts: { 'hs.natter.test': '127.0.0.1' } });
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  const port = new URL(server.url).port;
  const alice = await client(server, a.userId, {
    config: { homeserver: `http://hs.natter.test:${port}`, proxy: { protocol: 'socks5', host: '127.0.0.1', port: socks.port } },
  });
  const bob = await client(server, b.userId);
  running.push(alice, bob);
  assert.ok(socks.requests.length > 0);
  assert.ok(socks.requests.every((r) => r.host === 'hs.natter.test' && r.addressType === 'domain'), 'names resolved by the proxy');

  await bob.adapter.command('dm', [alice.userId]);
  const dm = (await waitConversation(alice, (c) => c.invitedBy === bob.userId, 'invitation')).remoteId;
  await alice.adapter.join(dm);
  await bob.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === dm && (e.add ?? []).some((p) => p.id === alice.userId), 'alice joined', 60_000);
  await alice.adapter.send({ localId: 'p1', conversation: { remoteId: dm, kind: 'direct' }, kind: 'text', body: 'through the proxy' });
  const m = await waitMessage(bob, dm, 'through the proxy');
  assert.equal(m.encryption?.scheme, 'megolm');
  // An upload through the proxy too.
  const dir = mkdtempSync(join(tmpdir(), 'natter-proxy-'));
  try {
    const path = join(dir, 'a.bin');
    writeFileSync(path, randomBytes(50_000));
    await alice.adapter.send({ localId: 'p2', conversation: { remoteId: dm, kind: 'direct' }, kind: 'text', body: '', attachment: { path, name: 'a.bin', size: 50_000, mime: 'application/octet-stream' } });
    const f = await waitMessage(bob, dm, 'a.bin');
    assert.equal(f.attachments?.[0]?.size, 50_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a tls_fingerprint pin through a proxy is refused in plain words', { timeout: 60_000 }, async () => {
  const s = server ?? (server = await startServer());
  const c = await client(s, '@nobody:localhost', {
    config: { homeserver: 'https://hs.natter.test', tls_fingerprint: 'AB:'.repeat(31) + 'AB', proxy: { protocol: 'socks5', host: '127.0.0.1', port: 9 } },
    waitOnline: false,
  });
  running.push(c);
  const e = await c.ctx.waitFor((ev) => ev.type === 'connection' && ev.state === 'error', 'refused', 30_000);
  assert.match(e.type === 'connection' ? e.detail ?? '' : '', /tls_fingerprint cannot be used through a proxy/);
});
