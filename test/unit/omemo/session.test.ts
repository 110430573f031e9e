/**
 * Two in-memory OMEMO devices talk through both profiles: X3DH from a bundle, the first key-exchange message, replies,
 * out-of-order and lost messages (skipped keys with a cap), duplicates, tampering, a restart from the store, and the
 * XML of bundles and device lists.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Element } from '@xmpp/xml';
import { OmemoDecryptError, OmemoDevice } from '../../../adapters/xmpp/omemo/device.js';
import { fromB64 } from '../../../adapters/xmpp/omemo/bytes.js';
import { MAX_SKIP } from '../../../adapters/xmpp/omemo/ratchet.js';
import type { OmemoVersion } from '../../../adapters/xmpp/omemo/wire.js';
import { buildDeviceList, parseBundle, parseDeviceList, parseEncrypted } from '../../../adapters/xmpp/omemo/xml.js';
import { memoryKv } from './memory-kv.js';

const A = 'alice@example.org';
const B = 'bob@example.org';

function pair(version: OmemoVersion) {
  const kvA = memoryKv();
  const kvB = memoryKv();
  const alice = OmemoDevice.open(kvA, A, { preKeyCount: 30 });
  const bob = OmemoDevice.open(kvB, B, { preKeyCount: 30 });
  const bobBundle = parseBundle(bob.bundle(version));
  const toBob = (body: string) => alice.encrypt(version, body, [{ jid: B, deviceId: bob.deviceId, bundle: bobBundle }], { to: B });
  const toAlice = (body: string) => bob.encrypt(version, body, [{ jid: A, deviceId: alice.deviceId }], { to: A });
  return { kvA, kvB, alice, bob, toBob, toAlice };
}

const keyOf = (el: Element) => parseEncrypted(el, 'x').keys[0]!;

for (const version of ['legacy', 'omemo2'] as const) {
  describe(`${version} sessions`, () => {
    it('first message is a key exchange; after a reply the initiator stops sending them', () => {
      const { alice, bob, toBob, toAlice } = pair(version);
      const m1 = toBob('hello bob');
      assert.equal(m1.failed.length, 0);
      assert.equal(keyOf(m1.element).kex, true);
      const m2 = toBob('second before reply');
      assert.equal(keyOf(m2.element).kex, true);
      const r1 = bob.decrypt(m1.element, A);
      assert.equal(r1.body, 'hello bob');
      assert.equal(r1.newSession, true);
      assert.equal(r1.republishBundle, true);
      assert.equal(r1.version, version);
      assert.equal(r1.senderDevice, alice.deviceId);
      const r2 = bob.decrypt(m2.element, A);
      assert.equal(r2.body, 'second before reply');
      assert.equal(r2.newSession, false, 'a repeated key exchange continues the session');
      const back = toAlice('hi alice');
      assert.equal(keyOf(back.element).kex, false);
      assert.equal(alice.decrypt(back.element, B).body, 'hi alice');
      const m3 = toBob('no more kex');
      assert.equal(keyOf(m3.element).kex, false);
      assert.equal(bob.decrypt(m3.element, A).body, 'no more kex');
    });

    it('out-of-order and lost messages decrypt through skipped keys; duplicates are refused', () => {
      const { alice, bob, toBob, toAlice } = pair(version);
      bob.decrypt(toBob('open').element, A);
      alice.decrypt(toAlice('ack').element, B);
      const ms = Array.from({ length: 5 }, (_, i) => toBob(`m${i}`));
      assert.equal(bob.decrypt(ms[3]!.element, A).body, 'm3');
      assert.equal(bob.decrypt(ms[0]!.element, A).body, 'm0');
      assert.equal(bob.decrypt(ms[4]!.element, A).body, 'm4');
      assert.throws(() => bob.decrypt(ms[3]!.element, A), (e: unknown) => e instanceof OmemoDecryptError && e.code === 'duplicate');
      // Ratchet turns in both directions, with messages of an old chain arriving after the turn.
      const late = toBob('late from old chain');
      const reply = toAlice('turn');
      assert.equal(alice.decrypt(reply.element, B).body, 'turn');
      const fresh = toBob('new chain');
      assert.equal(bob.decrypt(fresh.element, A).body, 'new chain');
      assert.equal(bob.decrypt(late.element, A).body, 'late from old chain');
      assert.equal(bob.decrypt(ms[1]!.element, A).body, 'm1');
    });

    it(`refuses a message that skips more than ${MAX_SKIP} keys without changing the session`, () => {
      const { alice, bob, toBob } = pair(version);
      bob.decrypt(toBob('open').element, A);
      for (let i = 0; i <= MAX_SKIP; i++) toBob('x');
      const far = toBob('too far');
      assert.throws(() => bob.decrypt(far.element, A), OmemoDecryptError);
      const next = alice.encrypt(version, 'next', [{ jid: B, deviceId: bob.deviceId }], { to: B });
      assert.throws(() => bob.decrypt(next.element, A), OmemoDecryptError, 'still too far: the refused message changed nothing');
    });

    it('tampered key material or payload fails and leaves the session usable', () => {
      const { bob, toBob } = pair(version);
      bob.decrypt(toBob('open').element, A);
      const m = toBob('secret');
      const el = m.element.getChild('payload')!;
      const original = el.text();
      el.children = [original.startsWith('A') ? `B${original.slice(1)}` : `A${original.slice(1)}`];
      assert.throws(() => bob.decrypt(m.element, A), (e: unknown) => e instanceof OmemoDecryptError && e.code === 'payload');
      el.children = [original];
      assert.equal(bob.decrypt(m.element, A).body, 'secret');
    });

    it('sessions survive a restart (state only in the key-value store)', () => {
      const { kvA, kvB, alice, bob, toBob } = pair(version);
      bob.decrypt(toBob('before restart').element, A);
      const alice2 = OmemoDevice.open(kvA, A);
      const bob2 = OmemoDevice.open(kvB, B);
      assert.equal(alice2.deviceId, alice.deviceId);
      assert.equal(bob2.fingerprint(), bob.fingerprint());
      const m = alice2.encrypt(version, 'after restart', [{ jid: B, deviceId: bob.deviceId }], { to: B });
      assert.equal(bob2.decrypt(m.element, A).body, 'after restart');
      const back = bob2.encrypt(version, 'reply after restart', [{ jid: A, deviceId: alice.deviceId }], { to: A });
      assert.equal(alice2.decrypt(back.element, B).body, 'reply after restart');
      // No secret lands in a key that is not under omemo: and no value is logged as plain hex of a key.
      assert.ok([...kvA.map.keys()].every((k) => k.startsWith('omemo:')));
    });

    it('empty messages (heartbeats) decrypt without a body and confirm the session', () => {
      const { alice, bob, toBob } = pair(version);
      bob.decrypt(toBob('open').element, A);
      const hb = bob.encryptEmpty(version, [{ jid: A, deviceId: alice.deviceId }]);
      assert.equal(hb.element.getChild('payload'), undefined);
      const r = alice.decrypt(hb.element, B);
      assert.equal(r.body, undefined);
      assert.equal(keyOf(toBob('after heartbeat').element).kex, false);
    });

    it('a message for another device or from an unknown session says why', () => {
      const { alice, bob, toBob } = pair(version);
      const carol = OmemoDevice.open(memoryKv(), 'carol@example.org', { preKeyCount: 25 });
      const m = toBob('not for carol');
      assert.throws(() => carol.decrypt(m.element, A), (e: unknown) => e instanceof OmemoDecryptError && e.code === 'not-for-us');
      bob.decrypt(m.element, A);
      alice.decrypt(bob.encryptEmpty(version, [{ jid: A, deviceId: alice.deviceId }]).element, B);
      const plain = toBob('x');
      bob.dropSession(version, A, alice.deviceId);
      assert.throws(() => bob.decrypt(plain.element, A), (e: unknown) => e instanceof OmemoDecryptError && e.code === 'no-session');
      const r = bob.encrypt(version, 'y', [{ jid: A, deviceId: alice.deviceId }], { to: A });
      assert.equal(r.failed.length, 1, 'no session and no bundle');
    });

    it('bundles and device lists round-trip through XML; a bad signature is refused', () => {
      const { alice, bob } = pair(version);
      const b = parseBundle(bob.bundle(version));
      assert.equal(b.version, version);
      assert.equal(b.preKeys.length, 30);
      const list = parseDeviceList(buildDeviceList(version, [{ id: 1 }, { id: alice.deviceId }]));
      assert.deepEqual(list, { version, ids: [1, alice.deviceId] });
      const forged = { ...b, signedPreKeySignature: Uint8Array.from(b.signedPreKeySignature, (x, i) => (i === 0 ? x ^ 1 : x)) };
      const r = alice.encrypt(version, 'x', [{ jid: B, deviceId: bob.deviceId, bundle: forged }], { to: B });
      assert.equal(r.encryptedFor.length, 0);
      assert.match(r.failed[0]!.error, /signature/);
    });
  });
}

describe('both versions with one identity', () => {
  it('publishes the same identity in Curve25519 form (legacy) and Ed25519 form (OMEMO 2)', () => {
    const d = OmemoDevice.open(memoryKv(), A, { preKeyCount: 25 });
    const legacy = parseBundle(d.bundle('legacy'));
    const two = parseBundle(d.bundle('omemo2'));
    assert.equal(legacy.identityKey.length, 32);
    assert.deepEqual(legacy.identityKey, d.identityKey('legacy'));
    assert.deepEqual(two.identityKey, d.identityKey('omemo2'));
    const legacyXml = d.bundle('legacy').toString();
    assert.match(legacyXml, /<identityKey>/);
    assert.equal(fromB64(d.bundle('legacy').getChild('identityKey')!.text())[0], 0x05);
  });
});

describe('identity keys with either Edwards sign bit', () => {
  it('bundles of both versions verify and sessions work for sign bit 0 and 1 (OMEMO 2 verifies with plain Ed25519)', () => {
    const seen = new Set<number>();
    for (let i = 0; seen.size < 2 || i < 4; i++) {
      const bob = OmemoDevice.open(memoryKv(), B, { preKeyCount: 25 });
      const sign = bob.identityKey('omemo2')[31]! >> 7;
      seen.add(sign);
      const alice = OmemoDevice.open(memoryKv(), A, { preKeyCount: 25 });
      for (const version of ['legacy', 'omemo2'] as const) {
        const r = alice.encrypt(version, `sign ${sign}`, [{ jid: B, deviceId: bob.deviceId, bundle: parseBundle(bob.bundle(version)) }], { to: B });
        assert.deepEqual(r.failed, [], `${version}, identity sign bit ${sign}`);
        assert.equal(bob.decrypt(r.element, A).body, `sign ${sign}`);
      }
    }
  });
});
