/**
 * Recovery from a broken OMEMO session without the user: when a contact's device encrypts in a session this device
 * lost, the failed message is answered with a fresh key exchange built from the sender's bundle, and the sender's next
 * message decrypts again. Repairs are rate-limited per device, and never re-key a device whose identity changed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import xml, { type Element } from '@xmpp/xml';
import { silentLogger } from '../../../src/core/logger.js';
import type { OmemoDevice } from '../../../adapters/xmpp/omemo/device.js';
import { OmemoPipeline } from '../../../adapters/xmpp/omemo/pipeline.js';
import { waitFor } from '../../harness/wait-for.js';
import { memoryKv } from './memory-kv.js';
import { pepService } from './pep-memory.js';

const A = 'alice@example.org';
const B = 'bob@example.org';

async function account(pep: ReturnType<typeof pepService>, jid: string) {
  let clock = 1_000_000;
  const p = new OmemoPipeline({ kv: memoryKv(), own: jid, log: silentLogger, now: () => clock });
  const request = pep.forAccount(jid);
  await p.online(request);
  const sent: Element[] = [];
  const device = (p as unknown as { device: OmemoDevice }).device;
  return { p, request, sent, send: (st: Element) => sent.push(st), device, tick: (ms: number) => (clock += ms) };
}

const chat = (to: string, body: string) => xml('message', { type: 'chat', to }, xml('body', {}, body));
const from = (stanza: Element, sender: string) => Object.assign(stanza, { attrs: { ...stanza.attrs, from: `${sender}/res` } });

async function send(fromAccount: Awaited<ReturnType<typeof account>>, to: Awaited<ReturnType<typeof account>>, toJid: string, fromJid: string, body: string) {
  const stanza = chat(toJid, body);
  await fromAccount.p.encryptOutgoing(stanza, toJid, fromAccount.request);
  const delivered = from(stanza, fromJid);
  const info = to.p.decryptIncoming(delivered, fromJid, to.request, to.send);
  return { info, body: delivered.getChildText('body') };
}

test('a session this device lost is repaired by a key exchange; the sender\'s next message decrypts', async () => {
  const pep = pepService();
  const alice = await account(pep, A);
  const bob = await account(pep, B);
  const first = await send(alice, bob, B, A, 'one');
  assert.equal(first.body, 'one');
  // Bob answers the new session with a heartbeat; alice takes it, so she stops sending key exchanges.
  for (const hb of bob.sent.splice(0)) alice.p.decryptIncoming(from(hb, B), B, alice.request, alice.send);
  assert.equal((await send(alice, bob, B, A, 'two')).body, 'two');

  // Bob loses his side of the session (a restore from an old backup, a lost state file).
  bob.device.dropSession('omemo2', A, alice.device.deviceId);
  bob.device.dropSession('legacy', A, alice.device.deviceId);
  const broken = await send(alice, bob, B, A, 'three');
  assert.ok(broken.info?.error, 'the message that met the broken session says why');
  await waitFor(() => bob.sent.length === 1, 'bob sends a repairing key exchange', 5000);
  const repair = bob.sent.splice(0)[0]!;
  assert.equal(repair.attrs.to, A);
  assert.ok(repair.getChild('encrypted'), 'an OMEMO element');
  assert.equal(repair.getChild('body'), undefined, 'a heartbeat carries no text');

  const info = alice.p.decryptIncoming(from(repair, B), B, alice.request, alice.send);
  assert.equal(info?.error, undefined, 'alice takes the new session');
  const after = await send(alice, bob, B, A, 'four');
  assert.equal(after.info?.error, undefined);
  assert.equal(after.body, 'four', 'the next message decrypts without anyone doing anything');
});

test('repairs are rate-limited per device, so a catch-up full of undecryptable messages sends one key exchange', async () => {
  const pep = pepService();
  const alice = await account(pep, A);
  const bob = await account(pep, B);
  await send(alice, bob, B, A, 'one');
  for (const hb of bob.sent.splice(0)) alice.p.decryptIncoming(from(hb, B), B, alice.request, alice.send);
  bob.device.dropSession('omemo2', A, alice.device.deviceId);
  bob.device.dropSession('legacy', A, alice.device.deviceId);
  // Alice keeps writing in the session bob lost (she has not seen his repair yet): each message fails on his side.
  for (const text of ['a', 'b', 'c']) assert.ok((await send(alice, bob, B, A, text)).info?.error);
  await waitFor(() => bob.sent.length === 1, 'one repair', 5000);
  await new Promise((r) => setImmediate(r));
  assert.equal(bob.sent.length, 1, 'only one key exchange for three failures');
  // Later (past the interval) a failure may repair again.
  bob.tick(11 * 60_000);
  bob.device.dropSession('omemo2', A, alice.device.deviceId);
  bob.device.dropSession('legacy', A, alice.device.deviceId);
  assert.ok((await send(alice, bob, B, A, 'd')).info?.error);
  await waitFor(() => bob.sent.length === 2, 'a second repair after the interval', 5000);
});
