/**
 * Trust in the mail servers' certificate: ca_file, a pinned tls_fingerprint (IMAP and SMTP, implicit TLS and
 * STARTTLS), a wrong pin or an unknown certificate refused before any password is sent, and the explicit opt-out.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { client, direct, PASSWORD, received, type Client } from './support.js';

const skip = mailSkipReason();
let server: MailServer;
let bob: Client;
const WRONG_PIN = Array.from({ length: 32 }, () => 'AB').join(':');

before(async () => {
  if (skip) return;
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD } });
  bob = await client(server, 'bob');
});

after(async () => {
  if (skip) return;
  await bob?.adapter.stop();
  await server?.stop();
});

test('a pinned certificate (no CA) is accepted over TLS and STARTTLS, for IMAP and SMTP', { skip }, async () => {
  for (const variant of [
    { imap_port: server.imapsPort, imap_security: 'tls', smtp_port: server.submissionPort, smtp_security: 'starttls' },
    { imap_port: server.imapPort, imap_security: 'starttls', smtp_port: server.submissionsPort, smtp_security: 'tls' },
  ]) {
    const pin = server.fingerprint.replace(/:/g, '').toLowerCase();
    const a = await client(server, 'alice', { ...variant, ca_file: undefined, tls_fingerprint: pin });
    const from = bob.ctx.events.length;
    const body = `pinned ${variant.imap_security}`;
    await a.adapter.send({ localId: body, conversation: direct(bob.address), kind: 'text', body });
    await received(bob, body, from);
    await a.adapter.stop();
  }
});

test('a wrong pin: IMAP ends in error naming the fingerprint, SMTP refuses the send for good', { skip }, async () => {
  const a = await client(server, 'alice', { ca_file: undefined, tls_fingerprint: WRONG_PIN }, { waitOnline: false });
  const e = await a.ctx.waitFor((ev) => ev.type === 'connection' && ev.state === 'error', 'error state', 30_000);
  assert.ok(e.type === 'connection');
  assert.match(e.detail!, /does not match the pinned tls_fingerprint/);
  assert.match(e.detail!, new RegExp(server.fingerprint));
  await assert.rejects(
    a.adapter.send({ localId: 'x', conversation: direct(bob.address), kind: 'text', body: 'never' }),
    (err: Error & { retryable?: boolean }) => err.name === 'SendRejected' && err.retryable === false && /tls_fingerprint/.test(err.message),
  );
  await a.adapter.stop();
});

test('an unknown self-signed certificate is refused; tls_danger_accept_invalid_certs accepts it', { skip }, async () => {
  const a = await client(server, 'alice', { ca_file: undefined }, { waitOnline: false });
  const e = await a.ctx.waitFor((ev) => ev.type === 'connection' && ev.state === 'error', 'error state', 30_000);
  assert.ok(e.type === 'connection');
  assert.match(e.detail!, /certificate/i);
  await assert.rejects(a.adapter.send({ localId: 'y', conversation: direct(bob.address), kind: 'text', body: 'never' }), /certificate/i);
  await a.adapter.stop();
  const b = await client(server, 'alice', { ca_file: undefined, tls_danger_accept_invalid_certs: true });
  await b.adapter.send({ localId: 'z', conversation: direct(bob.address), kind: 'text', body: 'accepted anyway' });
  await received(bob, 'accepted anyway');
  await b.adapter.stop();
});
