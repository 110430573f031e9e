/**
 * An email account behind a SOCKS5 proxy (test/harness/socks5-server.ts, which resolves names only from its own
 * table): IMAP (implicit TLS), SMTP submission (STARTTLS) and server discovery all go through it, with host names
 * sent to the proxy unresolved. alice sits behind the proxy with a login, bob connects directly; they chat both ways
 * through real Postfix and Dovecot.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { startSocks5Server, type Socks5Server } from '../../harness/socks5-server.js';
import { client, direct, PASSWORD, received, type Client } from './support.js';

const skip = mailSkipReason();
let server: MailServer;
let proxy: Socks5Server;
let alice: Client;
let bob: Client;

before(async () => {
  if (skip) return;
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD } });
  // Only the proxy knows these names: a connection that reached the server proves the proxy resolved them.
  proxy = await startSocks5Server({
    hosts: { 'imap.natter.test': '127.0.0.1', 'smtp.natter.test': '127.0.0.1' },
    auth: { username: 'tor', password: 'proxy secret' },
  });
  bob = await client(server, 'bob');
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await proxy?.stop();
  await server?.stop();
});

test('behind a proxy: no discovery of its own, IMAP and SMTP through the proxy by name; chat both ways', { skip }, async () => {
  // No imap_host/smtp_host: without a proxy this would start autoconfig (DNS, HTTPS); behind one the imap./smtp.
  // names stay and the proxy resolves them.
  alice = await client(
    server,
    'alice',
    { imap_host: undefined, smtp_host: undefined, proxy: { protocol: 'socks5', host: proxy.host, port: proxy.port, username: 'tor' } },
    { secrets: { proxy_password: 'proxy secret' } },
  );
  const imap = proxy.requests.find((r) => r.port === server.imapsPort);
  assert.deepEqual(imap, { addressType: 'domain', host: 'imap.natter.test', port: server.imapsPort, username: 'tor' });

  const mark = bob.ctx.events.length;
  const sent = await alice.adapter.send({ localId: 'p1', conversation: direct(bob.address), kind: 'text', body: 'hello through the proxy' });
  assert.equal(sent.state, 'sent');
  const got = await received(bob, 'hello through the proxy', mark);
  assert.equal(got.senderId, alice.address);
  const smtp = proxy.requests.find((r) => r.port === server.submissionPort);
  assert.deepEqual(smtp, { addressType: 'domain', host: 'smtp.natter.test', port: server.submissionPort, username: 'tor' });

  // bob's answer arrives over alice's proxied IMAP connection (IDLE push), encrypted: she has his key now.
  const markA = alice.ctx.events.length;
  await bob.adapter.send({ localId: 'p2', conversation: direct(alice.address), kind: 'text', body: 'answer to the proxied one' });
  const answer = await received(alice, 'answer to the proxied one', markA);
  assert.equal(answer.encryption?.scheme, 'openpgp');
  // Every connection alice made went to the proxy by name.
  assert.ok(proxy.requests.every((r) => r.addressType === 'domain' && r.host.endsWith('.natter.test')));
});
