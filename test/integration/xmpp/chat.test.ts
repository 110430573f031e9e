import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, PASSWORD, skipReason, waitUntil, type Client, type MessageEvent } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let alice: Client;
let bob: Client;

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD } });
  alice = await client(server, 'alice');
  bob = await client(server, 'bob');
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await server?.stop();
});

test('connects over STARTTLS trusting the certificate through ca_file, with SCRAM-SHA-1 and stream management', { skip }, async () => {
  const online = alice.ctx.ofType('connection').find((e) => e.state === 'online')!;
  assert.equal(online.self, 'alice@localhost');
  const log = alice.ctx.logs.find((l) => l.includes('] online'))!;
  assert.match(log, /"jid":"alice@localhost\/natter\.[0-9a-f]{8}"/);
  await waitUntil(() => /Enabling stream management/.test(server.log()), 'stream management enabled');
  const serverLog = server.log();
  assert.match(serverLog, /SCRAM-SHA-1/);
  assert.equal(alice.adapter.normalize('Alice@LocalHost/Res'), 'alice@localhost/Res');
});

test('one-to-one: send() resolves with the message id once acked; bob gets it with the server stanza-id; receipt comes back', { skip }, async () => {
  const fromBob = bob.ctx.events.length;
  const fromAlice = alice.ctx.events.length;
  const result = await alice.adapter.send({ localId: 'a-1', conversation: { remoteId: 'bob@localhost', kind: 'direct' }, kind: 'text', body: 'hello bob \x1b[31mred' });
  assert.deepEqual(result, { remoteId: 'a-1', state: 'sent' });
  const got = (await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body.startsWith('hello bob'), 'bob receives', 10_000, fromBob)) as MessageEvent;
  // ESC is not an XML character: it is dropped before sending (it would be a stream error), the rest passes raw.
  assert.equal(got.message.body, 'hello bob [31mred');
  assert.equal(got.message.direction, 'in');
  assert.equal(got.message.senderId, 'alice@localhost');
  assert.deepEqual(got.message.conversation, { remoteId: 'alice@localhost', kind: 'direct', title: 'alice@localhost' });
  assert.ok(got.message.remoteId && got.message.remoteId !== 'a-1', `remoteId is the server's stanza-id: ${got.message.remoteId}`);
  const receipt = await alice.ctx.waitFor(
    (e) => e.type === 'message.update' && e.targetRemoteId === 'a-1',
    'delivery receipt',
    10_000,
    fromAlice,
  );
  assert.deepEqual(receipt, { type: 'message.update', conversationRemoteId: 'bob@localhost', targetRemoteId: 'a-1', targetLocalId: 'a-1', change: { kind: 'delivery', state: 'delivered' } });
});

test('/me is an action both ways', { skip }, async () => {
  const from = alice.ctx.events.length;
  await bob.adapter.send({ localId: 'b-1', conversation: { remoteId: 'alice@localhost', kind: 'direct' }, kind: 'action', body: 'waves' });
  const got = (await alice.ctx.waitFor((e) => e.type === 'message' && e.message.kind === 'action', 'action', 10_000, from)) as MessageEvent;
  assert.equal(got.message.body, 'waves');
});

test('typing: setTyping sends composing once, then paused; bob sees it start and stop', { skip }, async () => {
  const from = bob.ctx.events.length;
  await alice.adapter.setTyping!('bob@localhost', true);
  await alice.adapter.setTyping!('bob@localhost', true);
  await bob.ctx.waitFor((e) => e.type === 'typing' && e.active, 'typing on', 10_000, from);
  await alice.adapter.setTyping!('bob@localhost', false);
  await bob.ctx.waitFor((e) => e.type === 'typing' && !e.active, 'typing off', 10_000, from);
  assert.deepEqual(
    bob.ctx.events.slice(from).filter((e) => e.type === 'typing'),
    [
      { type: 'typing', conversationRemoteId: 'alice@localhost', senderId: 'alice@localhost', active: true },
      { type: 'typing', conversationRemoteId: 'alice@localhost', senderId: 'alice@localhost', active: false },
    ],
  );
});

test('carbons: a second session of alice sees what the first sends (out, with localId) and receives', { skip }, async () => {
  const alice2 = await client(server, 'alice');
  try {
    // Carbons are enabled right after the session comes online; wait for the server to have it on.
    await waitUntil(() => alice2.ctx.logs.some((l) => l.includes('carbons enabled')), 'carbons enabled');
    const from2 = alice2.ctx.events.length;
    await alice.adapter.send({ localId: 'a-2', conversation: { remoteId: 'bob@localhost', kind: 'direct' }, kind: 'text', body: 'from session one' });
    const sent = (await alice2.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'from session one', 'sent carbon', 10_000, from2)) as MessageEvent;
    assert.equal(sent.message.direction, 'out');
    assert.equal(sent.message.localId, 'a-2');
    assert.equal(sent.message.conversation.remoteId, 'bob@localhost');
    await bob.adapter.send({ localId: 'b-2', conversation: { remoteId: 'alice@localhost', kind: 'direct' }, kind: 'text', body: 'to both sessions' });
    const received = (await alice2.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'to both sessions', 'received', 10_000, from2)) as MessageEvent;
    assert.equal(received.message.direction, 'in');
    const first = (await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'to both sessions', 'first session', 10_000)) as MessageEvent;
    assert.equal(first.message.remoteId, received.message.remoteId, 'both sessions report the same stanza-id');
  } finally {
    await alice2.adapter.stop();
  }
});

test('a wrong password is an error state in plain words, and the adapter keeps retrying', { skip }, async () => {
  const c = await client(server, 'carol', {}, { waitOnline: false, password: 'wrong' });
  try {
    const e = (await c.ctx.waitFor((x) => x.type === 'connection' && x.state === 'error', 'error state', 15_000)) as Extract<AdapterEvent, { type: 'connection' }>;
    assert.match(e.detail ?? '', /^login refused: wrong user name or password .*, retrying in \d+ s$/);
  } finally {
    await c.adapter.stop();
  }
});

