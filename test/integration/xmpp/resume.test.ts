/**
 * Stream management resumption (XEP-0198 §5): alice's TCP connection is cut (a proxy drops it, as a network would);
 * the server keeps her session hibernating, queues what arrives for her, and her adapter resumes the session on
 * reconnect: the queued messages arrive, the room stays joined, nothing is reported twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy.js';
import { client, messages, PASSWORD, skipReason, waitUntil, type Client, type MessageEvent } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let proxy: TcpProxy;
let alice: Client;
let bob: Client;
const ROOM = 'resume@muc.localhost';

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  proxy = await startTcpProxy(server.port);
  alice = await client(server, 'alice', { port: proxy.port });
  bob = await client(server, 'bob');
  for (const c of [alice, bob]) {
    await c.adapter.join(ROOM);
    await c.ctx.waitFor((e) => e.type === 'members' && !!e.replace, `${c.jid} joined`, 15_000);
  }
  // Stream management must be on before the cut, or there is nothing to resume.
  await waitUntil(() => server.log().split('\n').filter((l) => l.includes('Enabling stream management')).length >= 2, 'sm enabled', 15_000);
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await proxy?.close();
  await server?.stop();
});

test('a cut connection resumes: messages sent meanwhile arrive once, the room stays joined', { skip }, async () => {
  const from = alice.ctx.events.length;
  assert.equal(proxy.cut(), 1);
  await alice.ctx.waitFor((e) => e.type === 'connection' && e.state !== 'online', 'alice notices the cut', 15_000, from);
  await bob.adapter.send({ localId: 'b-r1', conversation: { remoteId: 'alice@localhost', kind: 'direct' }, kind: 'text', body: 'while you were cut off' });
  await bob.adapter.send({ localId: 'b-r2', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'room while cut off' });
  await alice.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'alice back', 30_000, from);
  assert.ok(alice.ctx.logs.some((l) => l.includes('stream resumed')), 'the session was resumed, not new');
  await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'while you were cut off', 'queued chat message', 15_000, from);
  await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'room while cut off', 'queued room message', 15_000, from);
  const after = alice.ctx.events.slice(from);
  assert.ok(!after.some((e) => e.type === 'conversation' && e.conversation.joined === false), 'the room was never left');
  assert.ok(!after.some((e) => e.type === 'members' && e.replace), 'no rejoin');
  // Still in the room for real: a new message there reaches alice.
  const r = await bob.adapter.send({ localId: 'b-r3', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'after resume' });
  const got = (await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'after resume', 'live room message', 10_000, from)) as MessageEvent;
  assert.equal(got.message.remoteId, r.remoteId);
  const ids = messages(alice).filter((m) => m.body.includes('cut off')).map((m) => m.remoteId);
  assert.equal(new Set(ids).size, ids.length, `no message reported twice under one id: ${ids.join(', ')}`);
});

test('a send while the link is down is refused as retryable; after the resume it goes through with an ack', { skip }, async () => {
  const from = alice.ctx.events.length;
  proxy.cut();
  await alice.ctx.waitFor((e) => e.type === 'connection' && e.state !== 'online', 'down', 15_000, from);
  await assert.rejects(
    alice.adapter.send({ localId: 'a-r1', conversation: { remoteId: 'bob@localhost', kind: 'direct' }, kind: 'text', body: 'too early' }),
    (e: unknown) => (e as { retryable?: boolean }).retryable === true,
  );
  await alice.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'back', 30_000, from);
  const r = await alice.adapter.send({ localId: 'a-r2', conversation: { remoteId: 'bob@localhost', kind: 'direct' }, kind: 'text', body: 'after the second cut' });
  assert.deepEqual(r, { remoteId: 'a-r2', state: 'sent' });
  await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'after the second cut', 'bob gets it');
});
