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
let plainLoginProxy: Socks5Server;
let alice: Client;
let bob: Client;
let carol: Client | undefined;

before(async () => {
  if (skip) return;
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD } });
  // Only the proxy knows these names: a connection that reached the server proves the proxy resolved them.
  proxy = await startSocks5Server({
    hosts: { 'imap.natter.test': '127.0.0.1', 'smtp.natter.test': '127.0.0.1' },
    auth: { username: 'tor', password: 'proxy secret' },
  });
  // imapflow's SOCKS client (used for IMAP STARTTLS) sends the login as written in a URL: a login of plain characters.
  plainLoginProxy = await startSocks5Server({
    hosts: { 'imap.natter.test': '127.0.0.1', 'smtp.natter.test': '127.0.0.1' },
    auth: { username: 'tor', password: 's3cret' },
  });
  bob = await client(server, 'bob');
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await carol?.adapter.stop();
  await proxy?.stop();
  await plainLoginProxy?.stop();
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

test('behind a proxy with IMAP STARTTLS and SMTP implicit TLS: online through the proxy, receives', { skip }, async () => {
  carol = await client(
    server,
    'carol',
    {
      imap_host: 'imap.natter.test',
      imap_port: server.imapPort,
      imap_security: 'starttls',
      smtp_host: 'smtp.natter.test',
      smtp_port: server.submissionsPort,
      smtp_security: 'tls',
      proxy: { protocol: 'socks5', host: plainLoginProxy.host, port: plainLoginProxy.port, username: 'tor' },
    },
    { secrets: { proxy_password: 's3cret' } },
  );
  const mark = carol.ctx.events.length;
  await bob.adapter.send({ localId: 'p3', conversation: direct(carol.address), kind: 'text', body: 'to carol behind the proxy' });
  await received(carol, 'to carol behind the proxy', mark);
  const markB = bob.ctx.events.length;
  await carol.adapter.send({ localId: 'p4', conversation: direct(bob.address), kind: 'text', body: 'carol answers through the proxy' });
  await received(bob, 'carol answers through the proxy', markB);
  const mine = plainLoginProxy.requests;
  assert.ok(mine.some((r) => r.host === 'imap.natter.test' && r.port === server.imapPort));
  assert.ok(mine.some((r) => r.host === 'smtp.natter.test' && r.port === server.submissionsPort));
});
