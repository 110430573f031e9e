/**
 * Sync state across restarts and dropped connections: UIDVALIDITY and the last UID live in kv, so a restarted
 * adapter fetches only what is new, and a connection cut in the middle (TCP proxy) or a Dovecot restart resumes
 * without losing or repeating a message. The own key survives a restart (the peer keeps trusting it).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, direct, memoryKv, messages, PASSWORD, received, type Client } from './support.js';

const skip = mailSkipReason();
let server: MailServer;
let proxy: TcpProxy;
let bob: Client;
const aliceKv = memoryKv();

before(async () => {
  if (skip) return;
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD } });
  proxy = await startTcpProxy(server.imapsPort);
  bob = await client(server, 'bob');
});

after(async () => {
  if (skip) return;
  await bob?.adapter.stop();
  await proxy?.close();
  await server?.stop();
});

const alice = (extra: Record<string, unknown> = {}) => client(server, 'alice', extra, { kv: aliceKv });

function bodies(c: Client): string[] {
  return messages(c).map((m) => m.body);
}

test('restart: a new adapter on the same kv fetches only mail that came while it was stopped; the own key stays', { skip }, async () => {
  const a1 = await alice();
  await bob.adapter.send({ localId: 'r1', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'one' });
  await bob.adapter.send({ localId: 'r2', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'two' });
  await received(a1, 'two');
  await received(a1, 'one');
  await a1.adapter.send({ localId: 'r3', conversation: direct(bob.address), kind: 'text', body: 'got them' });
  const first = await received(bob, 'got them');
  await a1.adapter.stop();
  const key = aliceKv.get('autocrypt:own');
  assert.ok(key);

  await bob.adapter.send({ localId: 'r4', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'while you were away' });
  await waitFor(() => server.inboxFiles('alice').length === 3, 'the message delivered while alice is stopped', 30_000);
  const a2 = await alice();
  await received(a2, 'while you were away');
  // Another message proves the sync is past the old ones, not just slow with them.
  await bob.adapter.send({ localId: 'r5', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'and now' });
  await received(a2, 'and now');
  assert.deepEqual(bodies(a2), ['while you were away', 'and now']);
  assert.equal(aliceKv.get('autocrypt:own'), key);
  const from = bob.ctx.events.length;
  await a2.adapter.send({ localId: 'r6', conversation: direct(bob.address), kind: 'text', body: 'same key' });
  const second = await received(bob, 'same key', from);
  assert.equal(second.encryption!.senderDevice, first.encryption!.senderDevice);
  assert.equal(second.encryption!.trust, 'trusted');
  await a2.adapter.stop();
});

test('a dropped IMAP connection reconnects and fetches what arrived meanwhile, once', { skip }, async () => {
  const a = await alice({ imap_port: proxy.port, poll_interval_ms: 3_600_000 });
  await bob.adapter.send({ localId: 'd1', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'before the drop' });
  await received(a, 'before the drop');
  const mark = a.ctx.events.length;
  assert.ok(proxy.cut() >= 1, 'a proxied IMAP connection was cut');
  await bob.adapter.send({ localId: 'd2', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'during the drop' });
  await bob.adapter.send({ localId: 'd3', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'during the drop, too' });
  await a.ctx.waitFor((e) => e.type === 'connection' && e.state === 'offline', 'offline after the cut', 30_000, mark);
  await a.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online again', 60_000, mark);
  await received(a, 'during the drop', mark);
  await received(a, 'during the drop, too', mark);
  await bob.adapter.send({ localId: 'd4', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'after the drop' });
  await received(a, 'after the drop', mark);
  assert.deepEqual(bodies(a), ['before the drop', 'during the drop', 'during the drop, too', 'after the drop']);
  await a.adapter.stop();
});

test('a Dovecot restart: the adapter reconnects, keeps its place and misses nothing', { skip }, async () => {
  const a = await alice({ poll_interval_ms: 3_600_000 });
  const mark = a.ctx.events.length;
  await server.restartImap();
  await a.ctx.waitFor((e) => e.type === 'connection' && e.state !== 'online', 'connection lost', 30_000, mark);
  await bob.adapter.send({ localId: 'x1', conversation: direct(`alice@${server.domain}`), kind: 'text', body: 'after the restart' });
  await a.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online again', 60_000, mark);
  await received(a, 'after the restart', mark);
  assert.deepEqual(bodies(a), ['after the restart']);
  await a.adapter.stop();
});
