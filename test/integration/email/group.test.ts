/**
 * A group of three natter email accounts: created with /group, reaching every member with the first message,
 * encrypted to all members once keys are known, with Autocrypt-Gossip so members who never wrote to each other can
 * encrypt to each other too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { client, direct, PASSWORD, received, type Client } from './support.js';

const skip = mailSkipReason();
let server: MailServer;
let alice: Client;
let bob: Client;
let carol: Client;

before(async () => {
  if (skip) return;
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD } });
  [alice, bob, carol] = await Promise.all([client(server, 'alice'), client(server, 'bob'), client(server, 'carol')]);
  // Keys: alice and bob, alice and carol exchange Autocrypt headers 1:1; bob and carol never write to each other.
  for (const peer of [bob, carol]) {
    await alice.adapter.send({ localId: `hi-${peer.address}`, conversation: direct(peer.address), kind: 'text', body: `hi ${peer.address}` });
    await received(peer, `hi ${peer.address}`);
    await peer.adapter.send({ localId: `re-${peer.address}`, conversation: direct(alice.address), kind: 'text', body: `re ${peer.address}` });
    await received(alice, `re ${peer.address}`);
  }
});

after(async () => {
  if (skip) return;
  await Promise.all([alice, bob, carol].map((c) => c?.adapter.stop()));
  await server?.stop();
});

test('a group of three: created, every member sees it with its name and members, messages encrypted to all, gossip lets bob write to carol', { skip }, async () => {
  assert.equal(bob.ctx.kv.get(`autocrypt:peer:${carol.address}`), undefined, 'bob has no key for carol yet');
  const created = alice.ctx.events.length;
  await alice.adapter.command('group', ['Tea_time', bob.address, carol.address]);
  const conv = alice.ctx.events.slice(created).find((e) => e.type === 'conversation') as Extract<AdapterEvent, { type: 'conversation' }>;
  const gid = conv.conversation.remoteId;
  assert.match(gid, /^[A-Za-z0-9_-]{11,}$/);
  assert.equal(conv.conversation.title, 'Tea time');

  const [fromBob, fromCarol] = [bob.ctx.events.length, carol.ctx.events.length];
  const sent = await alice.adapter.send({ localId: 'g1', conversation: { remoteId: gid, kind: 'group' }, kind: 'text', body: 'tea at five?' });
  for (const [peer, from] of [[bob, fromBob], [carol, fromCarol]] as const) {
    const m = await received(peer, 'tea at five?', from);
    assert.deepEqual(m.conversation, { remoteId: gid, kind: 'group', title: 'Tea time', joined: true });
    assert.equal(m.senderId, alice.address);
    assert.equal(m.remoteId, sent.remoteId);
    assert.equal(m.encryption!.scheme, 'openpgp');
    assert.equal(m.encryption!.trust, 'trusted');
    const members = peer.ctx.events.slice(from).filter((e) => e.type === 'members').at(-1) as Extract<AdapterEvent, { type: 'members' }>;
    assert.deepEqual(members.replace!.map((p) => p.id).sort(), [alice.address, bob.address, carol.address].sort());
  }
  // The ciphertext on the wire hides the group: no name, no id, no member list in the clear.
  const raw = server.inboxFiles('carol').map((f) => readFileSync(f, 'utf8')).find((r) => r.includes(`<${sent.remoteId}>`))!;
  // (Only patterns that base64 cannot contain: a space, '-', '@'.)
  assert.doesNotMatch(raw, /Tea time|Chat-Group|bob@/);
  // Gossip taught bob carol's key: his answer to the group goes encrypted to both and carol trusts its signature.
  assert.ok(bob.ctx.kv.get(`autocrypt:peer:${carol.address}`), 'bob learned carol\'s key from gossip');
  const [a0, c0] = [alice.ctx.events.length, carol.ctx.events.length];
  await bob.adapter.send({ localId: 'g2', conversation: { remoteId: gid, kind: 'group' }, kind: 'text', body: 'five is fine', replyTo: sent.remoteId });
  for (const [peer, from] of [[alice, a0], [carol, c0]] as const) {
    const m = await received(peer, 'five is fine', from);
    assert.equal(m.conversation.remoteId, gid);
    assert.equal(m.senderId, bob.address);
    assert.equal(m.replyTo, sent.remoteId);
    assert.equal(m.encryption!.scheme, 'openpgp');
    assert.ok(m.encryption!.trust === 'trusted', `trust for ${peer.address}: ${m.encryption!.trust}`);
  }
});

test('a group where one member has no key yet is refused rather than sent in the clear', { skip }, async () => {
  server.addUser('dave', PASSWORD);
  await alice.adapter.command('group', ['Mixed', bob.address, `dave@${server.domain}`]);
  const conv = alice.ctx.ofType('conversation').at(-1)!;
  await assert.rejects(
    alice.adapter.send({ localId: 'g3', conversation: { remoteId: conv.conversation.remoteId, kind: 'group' }, kind: 'text', body: 'leak?' }),
    (e: Error) => e.name === 'SendRejected' && /cannot encrypt to dave@natter\.test/.test(e.message),
  );
});

test('leaving a group tells the others: they drop the member, the leaver is out', { skip }, async () => {
  const gid = alice.ctx.ofType('conversation').find((e) => e.conversation.title === 'Tea time')!.conversation.remoteId;
  const [a0, b0] = [alice.ctx.events.length, bob.ctx.events.length];
  await carol.adapter.leave(gid);
  assert.ok(carol.ctx.ofType('conversation').some((e) => e.conversation.remoteId === gid && e.conversation.joined === false));
  for (const [c, from] of [[alice, a0], [bob, b0]] as const) {
    const m = await c.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === gid, `${c.address} sees carol leave`, 60_000, from);
    assert.ok(m.type === 'members');
    assert.deepEqual(m.replace!.map((p) => p.id).sort(), [alice.address, bob.address].sort());
  }
  // The next group message goes to bob only: carol's INBOX does not grow (one SMTP transaction delivers to all).
  const carolMail = server.inboxFiles('carol').length;
  const b1 = bob.ctx.events.length;
  await alice.adapter.send({ localId: 'g9', conversation: { remoteId: gid, kind: 'group' }, kind: 'text', body: 'without carol' });
  const got = await received(bob, 'without carol', b1);
  assert.equal(got.conversation.remoteId, gid);
  assert.equal(server.inboxFiles('carol').length, carolMail);
});
