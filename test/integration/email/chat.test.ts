/**
 * Two natter email accounts chat 1:1 through real Postfix and Dovecot: the first message goes in the clear with the
 * Autocrypt header, every later one PGP/MIME encrypted and signed with minimal outer headers; replies, reactions,
 * IDLE push; mail that is not chat is left alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, direct, messages, PASSWORD, received, type Client } from './support.js';

const skip = mailSkipReason();
let server: MailServer;
let alice: Client;
let bob: Client;

before(async () => {
  if (skip) return;
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD } });
  // alice: IMAP over TLS, submission with STARTTLS; bob the other way round.
  alice = await client(server, 'alice');
  bob = await client(server, 'bob', { poll_interval_ms: 3_600_000, imap_port: server.imapPort, imap_security: 'starttls', smtp_port: server.submissionsPort, smtp_security: 'tls' });
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await server?.stop();
});

function lastFile(local: string, pred: (raw: string) => boolean): string {
  const hit = server.inboxFiles(local).map((f) => readFileSync(f, 'utf8')).filter(pred);
  assert.ok(hit.length > 0, `a message in ${local}'s INBOX matching`);
  return hit[hit.length - 1]!;
}

test('first message: plain Delta Chat MIME with Autocrypt; delivery state sent on SMTP acceptance; the peer learns the key', { skip }, async () => {
  const result = await alice.adapter.send({ localId: 'l1', conversation: direct(bob.address), kind: 'text', body: 'hello bob' });
  assert.equal(result.state, 'sent');
  assert.match(result.remoteId!, /^Mr\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+@natter\.test$/);
  const got = await received(bob, 'hello bob');
  assert.equal(got.remoteId, result.remoteId);
  assert.equal(got.senderId, alice.address);
  assert.equal(got.direction, 'in');
  assert.deepEqual(got.conversation, { remoteId: alice.address, kind: 'direct', title: alice.address, joined: true });
  assert.deepEqual(got.encryption, { scheme: 'none' });
  const raw = lastFile('bob', (r) => r.includes(`Message-ID: <${result.remoteId}>`));
  assert.match(raw, /^Chat-Version: 1\.0$/m);
  assert.match(raw, /^Autocrypt: addr=alice@natter\.test; prefer-encrypt=mutual; keydata=/m);
  assert.match(raw, /^Content-Type: text\/plain; charset="utf-8"$/m);
  // bob now holds alice's key (Autocrypt Level 1: learned from the header).
  assert.ok(bob.ctx.kv.get(`autocrypt:peer:${alice.address}`));
});

test('the answer and every later message go encrypted and signed, with minimal outer headers; trust is shown', { skip }, async () => {
  const fromAlice = alice.ctx.events.length;
  const r = await bob.adapter.send({ localId: 'l2', conversation: direct(alice.address), kind: 'text', body: 'hi alice, secretly' });
  const got = await received(alice, 'hi alice, secretly', fromAlice);
  assert.equal(got.remoteId, r.remoteId);
  assert.equal(got.encryption!.scheme, 'openpgp');
  // alice has no key for bob before this message: his key arrives inside it, so the first signature is TOFU.
  assert.equal(got.encryption!.trust, 'unverified');
  assert.match(got.encryption!.senderDevice!, /^[0-9A-F]{40}$/);
  const raw = lastFile('alice', (x) => x.includes(`Message-ID: <${r.remoteId}>`));
  assert.match(raw, /^Content-Type: multipart\/encrypted; protocol="application\/pgp-encrypted";/m);
  assert.match(raw, /^To: "hidden-recipients": ;$/m);
  assert.match(raw, /^Subject: \[\.\.\.\]$/m);
  assert.match(raw, /^From: <bob@natter\.test>$/m);
  assert.match(raw, /^Chat-Version: 1\.0$/m);
  assert.doesNotMatch(raw, /secretly|Autocrypt:|Chat-Disposition/);

  const fromBob = bob.ctx.events.length;
  const r2 = await alice.adapter.send({ localId: 'l3', conversation: direct(bob.address), kind: 'text', body: 'encrypted reply ✓', replyTo: r.remoteId });
  const got2 = await received(bob, 'encrypted reply ✓', fromBob);
  assert.equal(got2.encryption!.scheme, 'openpgp');
  // bob learned alice's key from her first (plain) message: the signature is by the key he already holds.
  assert.equal(got2.encryption!.trust, 'trusted');
  assert.equal(got2.replyTo, r.remoteId);
  assert.equal(got2.remoteId, r2.remoteId);
  assert.doesNotMatch(lastFile('bob', (x) => x.includes(`<${r2.remoteId}>`)), /encrypted reply/);
});

test('a reaction (RFC 9078) reaches the peer as a reaction on the target message', { skip }, async () => {
  const target = messages(bob).find((m) => m.body === 'encrypted reply ✓')!;
  const from = alice.ctx.events.length;
  await bob.adapter.react!(target.remoteId!, alice.address, '👍', true);
  const e = await alice.ctx.waitFor((ev) => ev.type === 'message.update' && ev.change.kind === 'reaction', 'reaction', 60_000, from);
  assert.deepEqual(e, { type: 'message.update', conversationRemoteId: bob.address, targetRemoteId: target.remoteId, change: { kind: 'reaction', senderId: bob.address, key: '👍', add: true } });
});

test('ordinary mail (no Chat-Version, not a reply to chat) is left alone: no event, still unseen on the server', { skip }, async () => {
  const before = messages(bob).length;
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: server.submissionsPort, secure: true, tls: { ca: readFileSync(server.caFile), servername: server.domain }, auth: { user: alice.address, pass: PASSWORD } });
  await smtp.sendMail({ from: alice.address, to: bob.address, subject: 'newsletter', text: 'not a chat' });
  // A chat message sent after it arrives; by then the newsletter has been looked at too (UID order).
  await alice.adapter.send({ localId: 'l4', conversation: direct(bob.address), kind: 'text', body: 'after the newsletter' });
  await received(bob, 'after the newsletter');
  assert.equal(messages(bob).length, before + 1);
  assert.ok(!messages(bob).some((m) => m.body.includes('not a chat')));
  const file = server.inboxFiles('bob').find((f) => readFileSync(f, 'utf8').includes('Subject: newsletter'))!;
  assert.doesNotMatch(file, /:2,[A-Z]*S/, 'the newsletter is not flagged \\Seen');
  smtp.close();
});

test('a message arrives by IDLE push (no poll: the poll interval is an hour)', { skip }, async () => {
  await waitFor(() => alice.ctx.logs.some((l) => l.includes('] online')), 'alice online');
  const from = bob.ctx.events.length;
  const t0 = Date.now();
  await alice.adapter.send({ localId: 'l5', conversation: direct(bob.address), kind: 'text', body: 'pushed' });
  await received(bob, 'pushed', from, 30_000);
  assert.ok(Date.now() - t0 < 30_000);
});
