/**
 * Connection features against a real Prosody 0.12 whose accounts store SCRAM-SHA-256 credentials: finding the
 * server through DNS SRV (served by a loopback responder), the SASL mechanism, login errors in plain words, and
 * Client State Indication (XEP-0352) as Prosody's csi_simple applies it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startDnsServer, type DnsServer } from '../../harness/dns-server.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { freePort } from '../../harness/server-kit.js';
import { client, PASSWORD, skipReason, waitUntil, type Client } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let dns: DnsServer;
type Conn = Extract<AdapterEvent, { type: 'connection' }>;
const ROOM = 'idle@muc.localhost';
/** Prosody's log line for a received <inactive/> (attribute order varies). */
const INACTIVE = /Received\[c2s\]: <inactive [^>]*xmlns='urn:xmpp:csi:0'/;

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD }, passwordHash: 'SHA-256' });
  dns = await startDnsServer();
});

after(async () => {
  if (skip) return;
  await dns?.stop();
  await server?.stop();
});

async function firstOutcome(c: Client): Promise<Conn> {
  return (await c.ctx.waitFor((e) => e.type === 'connection' && e.state !== 'connecting', 'first outcome', 30_000)) as Conn;
}

test('no host configured: the server is found through SRV, trying records by priority (a dead one first)', { skip }, async () => {
  const dead = await freePort();
  dns.srv.set('_xmpp-client._tcp.localhost', [
    { priority: 20, weight: 0, port: server.port, target: 'localhost' },
    { priority: 10, weight: 0, port: dead, target: 'localhost' },
  ]);
  dns.srv.delete('_xmpps-client._tcp.localhost');
  const c = await client(server, 'alice', { host: undefined, port: undefined, _dns_servers: [dns.address] }, { waitOnline: false });
  try {
    const first = await firstOutcome(c);
    assert.equal(first.state, 'online', first.detail);
    assert.ok(dns.queries.includes('_xmpp-client._tcp.localhost 33'), `queries: ${dns.queries.join(', ')}`);
    const tried = c.ctx.ofType('connection').map((e) => e.detail ?? '');
    assert.deepEqual(tried.filter((d) => d.startsWith('connecting to')), [`connecting to localhost:${dead} (STARTTLS)`, `connecting to localhost:${server.port} (STARTTLS)`]);
  } finally {
    await c.adapter.stop();
  }
});

test('an _xmpps-client record (XEP-0368) of better priority is used with direct TLS', { skip }, async () => {
  dns.srv.set('_xmpp-client._tcp.localhost', [{ priority: 20, weight: 0, port: server.port, target: 'localhost' }]);
  dns.srv.set('_xmpps-client._tcp.localhost', [{ priority: 5, weight: 0, port: server.tlsPort, target: 'localhost' }]);
  const c = await client(server, 'alice', { host: undefined, port: undefined, _dns_servers: [dns.address] }, { waitOnline: false });
  try {
    const first = await firstOutcome(c);
    assert.equal(first.state, 'online', first.detail);
    const tried = c.ctx.ofType('connection').map((e) => e.detail ?? '').filter((d) => d.startsWith('connecting to'));
    assert.deepEqual(tried, [`connecting to localhost:${server.tlsPort} (TLS)`]);
  } finally {
    await c.adapter.stop();
  }
});

test('SCRAM-SHA-256 is the mechanism used when the server offers it', { skip }, async () => {
  const c = await client(server, 'bob');
  try {
    assert.match(server.log(), /Received\[c2s_unauthed\]: <auth[^>]*mechanism='SCRAM-SHA-256'/);
    assert.doesNotMatch(server.log(), /<auth[^>]*mechanism='(SCRAM-SHA-1|PLAIN)'/);
    assert.ok(c.ctx.logs.some((l) => l.includes('login') && l.includes('SCRAM-SHA-256')), 'the adapter logs the mechanism');
  } finally {
    await c.adapter.stop();
  }
});

test('a wrong password is an error in plain words, not a retry loop of silence', { skip }, async () => {
  const c = await client(server, 'alice', {}, { waitOnline: false, password: 'not the password' });
  try {
    const first = await firstOutcome(c);
    assert.equal(first.state, 'error');
    assert.match(first.detail ?? '', /^login refused: wrong user name or password/);
  } finally {
    await c.adapter.stop();
  }
});

test('Client State Indication: inactive makes Prosody hold presence back; active flushes it; kept across a reconnect', { skip }, async () => {
  const alice = await client(server, 'alice');
  const bob = await client(server, 'bob');
  try {
    await alice.adapter.join(ROOM);
    await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.replace, 'alice in the room', 20_000);
    await waitUntil(() => alice.ctx.logs.some((l) => l.includes('created room unlocked')), 'room unlocked', 20_000);
    await alice.adapter.setActive!(false);
    await waitUntil(() => INACTIVE.test(server.log()), 'prosody got <inactive/>', 20_000);
    const holdsBefore = server.log().split('\n').filter((l) => l.includes('Holding buffer')).length;
    const mark = alice.ctx.events.length;
    await bob.adapter.join(ROOM);
    await bob.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.replace, 'bob in the room', 20_000);
    // Bob's arrival is unimportant traffic for alice: the server holds it instead of sending it.
    await waitUntil(() => server.log().split('\n').filter((l) => l.includes('Holding buffer')).length > holdsBefore, 'prosody holds alice\'s traffic', 20_000);
    assert.ok(!alice.ctx.events.slice(mark).some((e) => e.type === 'members' && !!e.add?.some((p) => p.name === 'bob')), 'alice has not seen bob yet');
    await alice.adapter.setActive!(true);
    await alice.ctx.waitFor((e) => e.type === 'members' && !!e.add?.some((p) => p.name === 'bob'), 'the held presence arrives', 20_000, mark);
    assert.match(server.log(), /Received\[c2s\]: <active [^>]*xmlns='urn:xmpp:csi:0'/);

    // Inactive again, then the connection is lost: the new session is told again without being asked.
    await alice.adapter.setActive!(false);
    const inactives = () => server.log().split('\n').filter((l) => INACTIVE.test(l)).length;
    await waitUntil(() => inactives() === 2, 'second <inactive/>', 20_000);
    const before = alice.ctx.events.length;
    await server.restart();
    await alice.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'alice back online', 60_000, before);
    await waitUntil(() => inactives() === 3, 'the new session was told <inactive/>', 20_000);
  } finally {
    await Promise.all([alice.adapter.stop(), bob.adapter.stop()]);
  }
});
