/**
 * OMEMO stanzas through the XMPP adapter's handlers (events/*) with the real pipeline: a contact's encrypted message
 * carrying an `aesgcm://` link becomes a message with the decrypted text, the link as attachment and the encryption
 * info, and the link is remembered for `/download`; a sent carbon of our own message from this very device shows
 * nothing (this device never encrypts for itself), while one from another own device that left us out is a
 * placeholder saying why; a second copy of a decrypted message shows nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import xml, { type Element } from '@xmpp/xml';
import { silentLogger } from '../../../src/core/logger.js';
import { OmemoPipeline, recentFileLinks } from '../../../adapters/xmpp/omemo/pipeline.js';
import { memoryKv } from '../../unit/omemo/memory-kv.js';
import { pepService } from '../../unit/omemo/pep-memory.js';
import { fixture, OWN } from './setup.js';

const BOB = 'bob@example.org';
const LINK = `aesgcm://upload.example.org/slot/4f2a9c.jpg#${'0a'.repeat(12)}${'1b'.repeat(32)}`;

async function setup() {
  const pep = pepService();
  const f = fixture();
  const mine = new OmemoPipeline({ kv: f.ctx.kv, own: OWN, log: silentLogger });
  await mine.online(pep.forAccount(OWN));
  Object.assign(f.session, { omemo: { decryptIncoming: (m: Element, sender: string) => mine.decryptIncoming(m, sender) } });
  const bob = new OmemoPipeline({ kv: memoryKv(), own: BOB, log: silentLogger });
  await bob.online(pep.forAccount(BOB));
  const other = new OmemoPipeline({ kv: memoryKv(), own: OWN, log: silentLogger });
  await other.online(pep.forAccount(OWN));
  return { pep, f, mine, bob, other };
}

const carbon = (inner: Element) =>
  `<message from="${OWN}" to="${OWN}/natter.1"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">${inner.toString()}</forwarded></sent></message>`;

test('an encrypted file link from a contact: decrypted text, aesgcm attachment, encryption info, remembered for /download', async () => {
  const { pep, f, bob } = await setup();
  const m = xml('message', { type: 'chat', to: OWN, id: 'b1' }, xml('body', {}, LINK));
  await bob.encryptOutgoing(m, OWN, pep.forAccount(BOB));
  Object.assign(m.attrs, { from: `${BOB}/phone` });
  m.append(xml('stanza-id', { xmlns: 'urn:xmpp:sid:0', by: OWN, id: 'arch-1' }));
  assert.ok(!m.toString().includes('aesgcm'), 'the link travels only inside OMEMO');
  f.feed(m.toString());
  const got = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.body, '', 'a body that is only the link becomes the attachment (as Conversations sends files)');
  assert.deepEqual(got[0]!.attachments?.map((a) => a.url), [LINK]);
  assert.equal(got[0]!.encryption?.scheme, 'omemo:2');
  assert.equal(got[0]!.encryption?.error, undefined);
  assert.deepEqual(recentFileLinks(f.ctx.kv, BOB), [LINK]);
  // The same stanza again (an archive page after the live copy): nothing more.
  f.feed(m.toString());
  assert.equal(f.ctx.ofType('message').length, 1);
});

test('a carbon of our own message from this device shows nothing; one from another own device that left us out says why', async () => {
  const { pep, f, mine, other } = await setup();
  // Encrypted "to" the own account: the copy goes to the own other device; its header sid is this device.
  const own = xml('message', { type: 'chat', to: BOB, id: 'o1' }, xml('body', {}, 'sent from here'));
  assert.ok(await mine.encryptOutgoing(own, OWN, pep.forAccount(OWN)), 'encrypted for the own other device');
  Object.assign(own.attrs, { from: `${OWN}/natter.1`, to: BOB });
  f.feed(carbon(own));
  assert.equal(f.ctx.ofType('message').length, 0, 'our own copy: nothing to show');
  // The other device's message whose key for this device is missing (this device not in its list then).
  const foreign = xml('message', { type: 'chat', to: BOB, id: 'o3' }, xml('body', {}, 'not for you'));
  await other.encryptOutgoing(foreign, OWN, pep.forAccount(OWN));
  for (const keys of foreign.getChild('encrypted', 'urn:xmpp:omemo:2')!.getChild('header')!.getChildren('keys')) {
    keys.children = [xml('key', { rid: '4242' }, 'AAAA')];
  }
  Object.assign(foreign.attrs, { from: `${OWN}/phone`, to: BOB });
  f.feed(carbon(foreign));
  const got = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(got.length, 1);
  assert.equal(got[0]!.direction, 'out');
  assert.match(got[0]!.body, /could not be decrypted: the message was not encrypted for this device/);
  assert.match(got[0]!.encryption?.error ?? '', /not encrypted for this device/);
});
