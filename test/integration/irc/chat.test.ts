import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SendRejected, type AdapterEvent } from '../../../src/core/contract.js';
import { startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { client, skipReason, type Client } from './support.js';

const skip = skipReason();
let server: InspircdServer;
let alice: Client;
let bob: Client;

before(async () => {
  if (skip) return;
  server = await startInspircd();
  alice = await client({ host: server.host, port: server.port, nick: 'alice', channels: ['#natter'] });
  await alice.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'alice NAMES', 10_000);
  bob = await client({ host: server.host, port: server.port, nick: 'bob', channels: ['#natter'] });
  await bob.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'bob NAMES', 10_000);
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await server?.stop();
});

test('InspIRCd acks the IRCv3 caps; capabilities reflect them', { skip }, () => {
  const registered = alice.ctx.logs.find((l) => l.includes('registered'))!;
  for (const cap of ['server-time', 'message-tags', 'echo-message', 'batch', 'labeled-response', 'account-tag', 'away-notify', 'extended-join', 'multi-prefix', 'chghost', 'setname']) {
    assert.ok(registered.includes(`"${cap}"`), `${cap} not acked: ${registered}`);
  }
  assert.equal(alice.adapter.capabilities.messageIds, true);
  assert.equal(alice.adapter.capabilities.presence, true);
  assert.equal(alice.adapter.capabilities.history, false, 'InspIRCd 3 has no CHATHISTORY');
});

test('members: creator is op, bob joins and alice sees him', { skip }, async () => {
  const replace = alice.ctx.ofType('members').find((e) => e.replace)!;
  assert.deepEqual(replace.replace, [{ id: 'alice', name: 'alice', role: 'moderator', badge: '@' }]);
  await alice.ctx.waitFor((e) => e.type === 'members' && !!e.add?.some((p) => p.id === 'bob'), 'bob added');
  const bobView = bob.ctx.ofType('members').find((e) => e.replace)!;
  assert.deepEqual(bobView.replace!.map((p) => p.id).sort(), ['alice', 'bob']);
});

test('channel message: send() resolves via the echo with the msgid and server-time bob receives', { skip }, async () => {
  const from = bob.ctx.events.length;
  const result = await alice.adapter.send({ localId: 'a1', conversation: { remoteId: '#natter', kind: 'channel' }, kind: 'text', body: 'hello \x02bob\x02' });
  assert.equal(result.state, 'sent');
  assert.ok(result.remoteId, 'msgid from echo');
  assert.ok(result.sentAt && Math.abs(result.sentAt - Date.now()) < 60_000, 'server-time from echo');
  const got = (await bob.ctx.waitFor((e) => e.type === 'message' && e.message.remoteId === result.remoteId, 'bob receives', 10_000, from)) as Extract<AdapterEvent, { type: 'message' }>;
  assert.equal(got.message.body, 'hello bob');
  assert.deepEqual(got.message.spans, [{ text: 'hello ' }, { text: 'bob', bold: true }]);
  assert.equal(got.message.sentAt, result.sentAt);
  assert.equal(got.message.senderId, 'alice');
  assert.equal(got.message.direction, 'in');
  assert.equal(got.message.conversation.remoteId, '#natter');
  // Alice's own echo is not reported as a separate message.
  assert.ok(!alice.ctx.ofType('message').some((e) => e.message.remoteId === result.remoteId));
});

test('query: bob → alice lands in a direct conversation named after the peer, and back', { skip }, async () => {
  const from = alice.ctx.events.length;
  const r = await bob.adapter.send({ localId: 'b1', conversation: { remoteId: 'alice', kind: 'direct' }, kind: 'text', body: 'psst' });
  const got = (await alice.ctx.waitFor((e) => e.type === 'message' && e.message.remoteId === r.remoteId, 'query', 10_000, from)) as Extract<AdapterEvent, { type: 'message' }>;
  assert.deepEqual(got.message.conversation, { remoteId: 'bob', kind: 'direct', title: 'bob' });
  const back = await alice.adapter.send({ localId: 'a2', conversation: { remoteId: got.message.conversation.remoteId, kind: 'direct' }, kind: 'action', body: 'whispers back' });
  const reply = (await bob.ctx.waitFor((e) => e.type === 'message' && e.message.remoteId === back.remoteId, 'reply', 10_000)) as Extract<AdapterEvent, { type: 'message' }>;
  assert.equal(reply.message.kind, 'action');
  assert.equal(reply.message.body, 'whispers back');
  assert.equal(reply.message.conversation.remoteId, 'alice');
});

test('sending to a missing nick is rejected by the server (not retryable)', { skip }, async () => {
  await assert.rejects(
    alice.adapter.send({ localId: 'a3', conversation: { remoteId: 'nobody-here', kind: 'direct' }, kind: 'text', body: 'hi?' }),
    (e: unknown) => e instanceof SendRejected && !e.retryable,
  );
});

test('topic, mode and away travel to the other side', { skip }, async () => {
  const from = bob.ctx.events.length;
  await alice.adapter.command('topic', ['natter', 'testing'], '#natter');
  await bob.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.topic === 'natter testing', 'topic', 10_000, from);
  await alice.adapter.command('mode', ['+v', 'bob'], '#natter');
  await bob.ctx.waitFor((e) => e.type === 'members' && !!e.add?.some((p) => p.id === 'bob' && p.role === 'voice'), 'voice', 10_000, from);
  await bob.adapter.command('away', ['lunch']);
  await alice.ctx.waitFor((e) => e.type === 'presence' && e.senderId === 'bob' && e.away, 'away-notify', 10_000);
});

test('typing: +typing client tags reach the other side through InspIRCd', { skip }, async () => {
  assert.equal(alice.adapter.capabilities.typing, true);
  const from = bob.ctx.events.length;
  await alice.adapter.setTyping!('#natter', true);
  await bob.ctx.waitFor((e) => e.type === 'typing' && e.senderId === 'alice' && e.active && e.conversationRemoteId === '#natter', 'typing active', 10_000, from);
  await alice.adapter.setTyping!('#natter', false);
  await bob.ctx.waitFor((e) => e.type === 'typing' && e.senderId === 'alice' && !e.active, 'typing done', 10_000, from);
});
