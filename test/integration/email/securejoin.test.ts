/**
 * SecureJoin v3 between two natter accounts on Dovecot and Postfix: /invite and /join make both sides verified,
 * nothing ever travels in the clear (every message in both INBOXes is PGP/MIME), the first chat message is already
 * encrypted and "verified"; a link with a wrong auth code verifies nobody; group invites add the joiner to the group.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { waitFor } from '../../harness/wait-for.js';
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
});

after(async () => {
  if (skip) return;
  await Promise.all([alice, bob, carol].map((c) => c?.adapter.stop()));
  await server?.stop();
});

async function invite(c: Client, args: string[] = [], conversation?: string): Promise<string> {
  const from = c.ctx.events.length;
  await c.adapter.command('invite', args, conversation);
  const n = c.ctx.events.slice(from).find((e) => e.type === 'notice') as Extract<AdapterEvent, { type: 'notice' }>;
  return n.text.split('\n')[1]!;
}

test('a wrong auth code in the link verifies nobody', { skip }, async () => {
  const link = (await invite(alice)).replace(/&s=[\w-]+/, '&s=forgedAuthCode123');
  const from = carol.ctx.events.length;
  await carol.adapter.join(link);
  // alice opens the request (it is encrypted to the forged secret, so she cannot) or rejects its auth code; either
  // way she logs it and answers nothing, so carol never gets her key.
  await waitFor(() => alice.ctx.logs.some((l) => /ignored vc-request-pubkey|no shared secret opens this message/.test(l)), 'alice refuses the request', 60_000);
  assert.ok(!alice.ctx.logs.some((l) => l.includes('sent vc-pubkey')));
  assert.equal(carol.ctx.kv.get(`autocrypt:verified:${alice.address}`), undefined);
  assert.equal(carol.ctx.kv.get(`autocrypt:peer:${alice.address}`), undefined);
  assert.ok(!carol.ctx.events.slice(from).some((e) => e.type === 'notice' && /is verified/.test(e.text)));
});

test('/invite and /join: both verified, the first message already encrypted and verified, nothing in the clear', { skip }, async () => {
  const link = await invite(alice, ['Alice']);
  await bob.adapter.join(link);
  await bob.ctx.waitFor((e) => e.type === 'notice' && e.text === `${alice.address} is verified (SecureJoin); waiting for their confirmation`, 'bob verified alice', 60_000);
  await alice.ctx.waitFor((e) => e.type === 'notice' && e.text === `${bob.address} joined through your invite and is verified (SecureJoin)`, 'alice verified bob', 60_000);
  await bob.ctx.waitFor((e) => e.type === 'notice' && e.text === `${alice.address} confirmed the verified contact (SecureJoin)`, 'bob got the confirmation', 60_000);
  assert.ok(bob.ctx.ofType('conversation').some((e) => e.conversation.remoteId === alice.address && e.conversation.encrypted === true));
  const m = await (async () => {
    await alice.adapter.send({ localId: 's1', conversation: direct(bob.address), kind: 'text', body: 'first words, verified' });
    return received(bob, 'first words, verified');
  })();
  assert.equal(m.encryption!.scheme, 'openpgp');
  assert.equal(m.encryption!.trust, 'verified');
  await bob.adapter.send({ localId: 's2', conversation: direct(alice.address), kind: 'text', body: 'and back' });
  assert.equal((await received(alice, 'and back')).encryption!.trust, 'verified');
  // The handshake showed no chat messages; every mail on the server, handshake included, is encrypted.
  assert.deepEqual(bob.ctx.ofType('message').map((e) => e.message.body), ['first words, verified']);
  for (const who of ['alice', 'bob']) {
    for (const f of server.inboxFiles(who)) assert.match(readFileSync(f, 'utf8'), /^Content-Type: multipart\/encrypted/m, `${who}: ${f}`);
  }
});

test('a group invite: carol joins alice\'s group and is added with the keys of all members', { skip }, async () => {
  const g0 = alice.ctx.events.length;
  await alice.adapter.command('group', ['Secret_club', bob.address]);
  const gid = (alice.ctx.events.slice(g0).find((e) => e.type === 'conversation') as Extract<AdapterEvent, { type: 'conversation' }>).conversation.remoteId;
  await alice.adapter.send({ localId: 'g0', conversation: { remoteId: gid, kind: 'group' }, kind: 'text', body: 'club founded' });
  await received(bob, 'club founded');
  const link = await invite(alice, [], gid);
  const c0 = carol.ctx.events.length;
  await carol.adapter.join(link);
  await carol.ctx.waitFor((e) => e.type === 'notice' && /waiting to be added to the group Secret club/.test(e.text), 'carol waits for the group', 60_000, c0);
  const conv = await carol.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === gid, 'carol has the group', 60_000, c0);
  assert.ok(conv.type === 'conversation' && conv.conversation.title === 'Secret club');
  const members = await carol.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === gid, 'carol sees the members', 60_000, c0);
  assert.ok(members.type === 'members');
  assert.deepEqual(members.replace!.map((p) => p.id).sort(), [alice.address, bob.address, carol.address].sort());
  // Gossip in the member-added message gave carol bob's key: she can write to the whole group at once.
  const b0 = bob.ctx.events.length;
  await carol.adapter.send({ localId: 'g1', conversation: { remoteId: gid, kind: 'group' }, kind: 'text', body: 'hi club' });
  const got = await received(bob, 'hi club', b0);
  assert.equal(got.conversation.remoteId, gid);
  assert.equal(got.encryption!.scheme, 'openpgp');
});

test('the older flow (a link without v=3): vc-request in the clear, vc-auth-required encrypted, then verified', { skip }, async () => {
  const link = (await invite(carol, ['Carol'])).replace('&v=3', '');
  assert.doesNotMatch(link, /v=3/);
  const from = bob.ctx.events.length;
  await bob.adapter.join(link);
  await bob.ctx.waitFor((e) => e.type === 'notice' && e.text === `${carol.address} is verified (SecureJoin); waiting for their confirmation`, 'bob verified carol', 60_000, from);
  await carol.ctx.waitFor((e) => e.type === 'notice' && e.text === `${bob.address} joined through your invite and is verified (SecureJoin)`, 'carol verified bob', 60_000);
  const b0 = bob.ctx.events.length;
  await carol.adapter.send({ localId: 'o1', conversation: direct(bob.address), kind: 'text', body: 'old flow works' });
  assert.equal((await received(bob, 'old flow works', b0)).encryption!.trust, 'verified');
  // Only the first step went in the clear, and it held no chat text.
  const plain = server.inboxFiles('carol').map((f) => readFileSync(f, 'utf8')).filter((r) => !/^Content-Type: multipart\/encrypted/m.test(r));
  assert.equal(plain.length, 1);
  assert.match(plain[0]!, /^Secure-Join: vc-request$/m);
});
