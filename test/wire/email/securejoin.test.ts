/**
 * SecureJoin pieces without a server: invite links as Delta Chat writes them (v3 web links and the older
 * OPENPGP4FPR form), the password-encrypted handshake format (salted S2K, SEIPDv2), and reading mail from v6 keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { parseInvite, sharedSecret } from '../../../adapters/email/securejoin.js';
import { decryptSymmetric, encryptSymmetric, fingerprintOf, isSymmetric } from '../../../adapters/email/pgp.js';
import { buildEncrypted, buildInner } from '../../../adapters/email/mime-out.js';
import { formatAutocrypt } from '../../../adapters/email/autocrypt.js';
import { fixture, inbox } from './setup.js';

const FPR = '83D6FF7A919988901A76ADEC8773C4DD8D981D53';

test('invite links: v3 web links and OPENPGP4FPR; percent-encoding and + in names; junk refused', () => {
  assert.deepEqual(parseInvite(`https://i.delta.chat/#${FPR}&v=3&i=wx3UX3VQ&s=mgq5D2RW&a=Dora%40Natter.test&n=Dora+the+Explorer`), {
    fingerprint: FPR,
    addr: 'dora@natter.test',
    name: 'Dora the Explorer',
    invitenumber: 'wx3UX3VQ',
    auth: 'mgq5D2RW',
    v3: true,
  });
  assert.deepEqual(parseInvite(`OPENPGP4FPR:${FPR.toLowerCase()}#a=bob%40example.org&n=Bob&i=inv&s=sec&x=grp123&g=Team`), {
    fingerprint: FPR,
    addr: 'bob@example.org',
    name: 'Bob',
    invitenumber: 'inv',
    auth: 'sec',
    v3: false,
    grpid: 'grp123',
    groupName: 'Team',
  });
  for (const junk of ['', 'https://i.delta.chat/', `https://i.delta.chat/#${FPR}&v=3&i=x&a=a%40b.c`, `https://evil.example/#${FPR}&v=3&i=x&s=y&a=a%40b.c`, `https://i.delta.chat/#${FPR}&v=3&i=x&s=y&a=%E0%A4%A`]) {
    assert.equal(parseInvite(junk), undefined, junk);
  }
  assert.equal(sharedSecret(FPR, 'mgq5D2RW'), `securejoin/${FPR}/mgq5D2RW`);
});

test('password encryption: a v6 SKESK with a salted S2K (the only kind Delta Chat accepts) over SEIPDv2/OCB', async () => {
  const key = await openpgp.readPrivateKey({ armoredKey: fixture('alice.key.asc').toString('utf8') });
  const armored = await encryptSymmetric(new TextEncoder().encode('Secure-Join: vc-pubkey'), 'securejoin/F/auth', key);
  assert.ok(await isSymmetric(armored));
  const message = await openpgp.readMessage({ armoredMessage: armored });
  const [skesk] = message.packets.filterByTag(openpgp.enums.packet.symEncryptedSessionKey) as unknown as Array<{ version: number; s2k: { type: string }; aeadAlgorithm: number }>;
  assert.equal(skesk!.version, 6);
  assert.equal(skesk!.s2k.type, 'salted');
  assert.equal(skesk!.aeadAlgorithm, openpgp.enums.aead.ocb);
  const [seipd] = message.packets.filterByTag(openpgp.enums.packet.symEncryptedIntegrityProtectedData) as unknown as Array<{ version: number }>;
  assert.equal(seipd!.version, 2);
  const d = await decryptSymmetric(armored, 'securejoin/F/auth');
  assert.equal(new TextDecoder().decode(d.data), 'Secure-Join: vc-pubkey');
  assert.equal(await d.verify([key.toPublic()]), fingerprintOf(key));
  await assert.rejects(decryptSymmetric(armored, 'securejoin/F/wrong'));
});

test('mail from an RFC 9580 v6 key (Ed25519/X25519, v6 signatures) is read and trusted like any other', async () => {
  const { privateKey: v6 } = await openpgp.generateKey({ type: 'curve25519', userIDs: [{ email: 'alice@example.org' }], format: 'object', config: { v6Keys: true } });
  assert.equal(v6.keyPacket.version, 6);
  const bob = await openpgp.readKey({ armoredKey: fixture('bob.key.asc').toString('utf8') });
  const mail = { from: 'alice@example.org', to: ['bob@example.org'], subject: 's', date: new Date('2026-11-20T10:00:00Z'), messageId: 'v6-1@example.org', extra: [['Autocrypt', formatAutocrypt('alice@example.org', v6.toPublic().write(), 'mutual')]] as Array<[string, string]>, body: 'from a v6 key' };
  const armored = await openpgp.encrypt({ message: await openpgp.createMessage({ binary: buildInner(mail) }), encryptionKeys: [bob], signingKeys: v6, format: 'armored', config: { aeadProtect: true } });
  const box = inbox();
  const events = await box.feed(buildEncrypted(mail, armored));
  const m = events.find((e) => e.type === 'message');
  assert.ok(m?.type === 'message');
  assert.equal(m.message.body, 'from a v6 key');
  assert.equal(m.message.encryption!.senderDevice, fingerprintOf(v6));
  assert.equal(m.message.encryption!.trust, 'unverified');
  assert.equal(fingerprintOf(v6).length, 64);
});
