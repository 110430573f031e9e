/**
 * The adapter-facing OMEMO pipeline over an in-memory PEP service: device announcement, the encryption policy (no
 * devices → sent as is; devices but none reachable → refused; per-device version; own other devices get copies),
 * decryption in place with placeholders, heartbeats without a body, and each stanza decrypted once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml, { type Element } from '@xmpp/xml';
import { silentLogger } from '../../../src/core/logger.js';
import { FALLBACK_BODY, OmemoEncryptError, OmemoPipeline } from '../../../adapters/xmpp/omemo/pipeline.js';
import { NODES } from '../../../adapters/xmpp/omemo/xml.js';
import { memoryKv } from './memory-kv.js';
import { pepService } from './pep-memory.js';

const A = 'alice@example.org';
const B = 'bob@example.org';

async function account(pep: ReturnType<typeof pepService>, jid: string) {
  const notices: string[] = [];
  const kv = memoryKv();
  const p = new OmemoPipeline({ kv, own: jid, log: silentLogger, notice: (level, text) => notices.push(`${level}: ${text}`) });
  const request = pep.forAccount(jid);
  await p.online(request);
  return { p, request, notices, kv };
}

const chat = (to: string, body: string) => xml('message', { type: 'chat', to }, xml('body', {}, body));
const deliver = (stanza: Element, from: string) => {
  stanza.attrs.from = from;
  return stanza;
};

describe('OmemoPipeline', () => {
  it('announces the device in both device lists and both bundle nodes', async () => {
    const pep = pepService();
    const { p } = await account(pep, A);
    for (const v of ['legacy', 'omemo2'] as const) {
      const list = pep.nodes.get(`${A} ${NODES[v].devices}`)!.get('current')!;
      assert.ok(list.toString().includes(`id="${p.device.deviceId}"`));
      assert.ok(pep.nodes.has(`${A} ${NODES[v].bundle(p.device.deviceId)}`));
    }
  });

  it('sends as is to a contact without OMEMO devices', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const stanza = chat('carol@example.org', 'plain');
    assert.equal(await alice.p.encryptOutgoing(stanza, 'carol@example.org', alice.request), undefined);
    assert.equal(stanza.getChildText('body'), 'plain');
    assert.equal(stanza.getChild('encrypted'), undefined);
  });

  it('encrypts with OMEMO 2 for a contact publishing it; the contact decrypts in place; the fallback never shows', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    const stanza = chat(B, 'over omemo 2');
    const info = await alice.p.encryptOutgoing(stanza, B, alice.request);
    assert.deepEqual(info, { scheme: 'omemo:2', senderDevice: String(alice.p.device.deviceId), trust: 'unverified' });
    assert.equal(stanza.getChildText('body'), FALLBACK_BODY);
    assert.ok(stanza.getChild('encrypted', 'urn:xmpp:omemo:2'));
    assert.equal(stanza.getChild('encrypted', 'eu.siacs.conversations.axolotl'), undefined, 'bob publishes OMEMO 2: no legacy element');
    assert.ok(stanza.getChild('store', 'urn:xmpp:hints'));
    assert.ok(!stanza.toString().includes('over omemo 2'));
    const got = deliver(stanza, `${A}/phone`);
    const r = bob.p.decryptIncoming(got, A, bob.request);
    assert.equal(r?.scheme, 'omemo:2');
    assert.equal(got.getChildText('body'), 'over omemo 2');
    assert.deepEqual(bob.p.decryptIncoming(got, A), r, 'a second look at the same stanza does not decrypt again');
  });

  it('uses legacy for a device that only publishes legacy, and copies go to the own other devices', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const alice2 = await account(pep, A);
    const bob = await account(pep, B);
    // Bob's device is only in the legacy list (an old client).
    pep.nodes.delete(`${B} ${NODES.omemo2.devices}`);
    const stanza = chat(B, 'mixed');
    const info = await alice.p.encryptOutgoing(stanza, B, alice.request);
    assert.equal(info?.scheme, 'omemo:legacy');
    const legacyEl = stanza.getChild('encrypted', 'eu.siacs.conversations.axolotl')!;
    const rids = legacyEl.getChild('header')!.getChildren('key').map((k) => Number(k.attrs.rid));
    assert.deepEqual(rids, [bob.p.device.deviceId]);
    // The own other device publishes OMEMO 2: its copy rides in an OMEMO 2 element of the same stanza.
    const twoEl = stanza.getChild('encrypted', 'urn:xmpp:omemo:2')!;
    const ownKeys = twoEl.getChild('header')!.getChildren('keys').find((k) => k.attrs.jid === A)!;
    assert.deepEqual(ownKeys.getChildren('key').map((k) => Number(k.attrs.rid)), [alice2.p.device.deviceId], 'own other device gets a copy');
    assert.equal(bob.p.decryptIncoming(deliver(stanza, A), A)?.scheme, 'omemo:legacy');
    assert.equal(stanza.getChildText('body'), 'mixed');
    // The own other device reads the copy (as a sent carbon would bring it).
    const copy = chat(B, 'copy');
    await alice.p.encryptOutgoing(copy, B, alice.request);
    assert.equal(alice2.p.decryptIncoming(deliver(copy, A), A)?.error, undefined);
    assert.equal(copy.getChildText('body'), 'copy');
  });

  it('refuses to send in the clear when the contact lists devices but none can be reached', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    pep.nodes.delete(`${B} ${NODES.omemo2.bundle(bob.p.device.deviceId)}`);
    pep.nodes.delete(`${B} ${NODES.legacy.bundle(bob.p.device.deviceId)}`);
    const stanza = chat(B, 'must not leak');
    await assert.rejects(alice.p.encryptOutgoing(stanza, B, alice.request), OmemoEncryptError);
  });

  it('an undecryptable message becomes a placeholder with the reason; a heartbeat loses its body', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    const carol = await account(pep, 'carol@example.org');
    const forAlice = chat(B, 'for bob only');
    await alice.p.encryptOutgoing(forAlice, B, alice.request);
    const wrong = deliver(forAlice, A);
    const r = carol.p.decryptIncoming(wrong, A);
    assert.equal(r?.scheme, 'omemo:2');
    assert.match(r?.error ?? '', /not encrypted for this device/);
    assert.match(wrong.getChildText('body') ?? '', /^\[OMEMO message that could not be decrypted: /);
    // A heartbeat (no payload): no body, so the adapter shows nothing.
    const first = chat(B, 'open');
    await alice.p.encryptOutgoing(first, B, alice.request);
    bob.p.decryptIncoming(deliver(first, A), A);
    const hb = xml('message', { type: 'chat', from: B }, bob.p.device.encryptEmpty('omemo2', [{ jid: A, deviceId: alice.p.device.deviceId }]).element);
    const info = alice.p.decryptIncoming(hb, B);
    assert.equal(info?.error, undefined);
    assert.equal(hb.getChild('body'), undefined);
  });

  it('answers a new session with a heartbeat, after which the initiator stops sending key exchanges', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    const first = chat(B, 'hello');
    await alice.p.encryptOutgoing(first, B, alice.request);
    assert.equal(first.getChild('encrypted', 'urn:xmpp:omemo:2')!.getChild('header')!.getChild('keys')!.getChild('key')!.attrs.kex, 'true');
    const sent: Element[] = [];
    bob.p.decryptIncoming(deliver(first, A), A, bob.request, (st) => sent.push(st));
    assert.equal(sent.length, 1, 'one heartbeat');
    assert.equal(sent[0]!.attrs.to, A);
    assert.equal(sent[0]!.getChild('body'), undefined);
    const hb = deliver(sent[0]!, B);
    assert.equal(alice.p.decryptIncoming(hb, B)?.error, undefined);
    const next = chat(B, 'second');
    await alice.p.encryptOutgoing(next, B, alice.request);
    assert.equal(next.getChild('encrypted', 'urn:xmpp:omemo:2')!.getChild('header')!.getChild('keys')!.getChild('key')!.attrs.kex, undefined);
    const again: Element[] = [];
    bob.p.decryptIncoming(deliver(next, A), A, bob.request, (st) => again.push(st));
    assert.equal(again.length, 0, 'no heartbeat in an established session');
  });

  it("announces a contact's new device, and a changed identity key makes the device untrusted (it gets nothing)", async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    const m = chat(B, 'hi');
    await alice.p.encryptOutgoing(m, B, alice.request);
    assert.ok(alice.notices.some((n) => n.startsWith(`info: ${B} uses a new OMEMO device ${bob.p.device.deviceId}`)), alice.notices.join('\n'));
    assert.equal(bob.p.decryptIncoming(deliver(m, A), A)?.trust, 'unverified');
    assert.ok(bob.notices.some((n) => n.includes(`${A} uses a new OMEMO device`)));
    // Bob reinstalls with the same device id but a new identity key (or someone replaced his bundle).
    const forged = memoryKv();
    forged.set('omemo:identity', JSON.stringify({ seed: Buffer.alloc(32, 7).toString('base64'), deviceId: bob.p.device.deviceId }));
    const bob2 = new OmemoPipeline({ kv: forged, own: B, log: silentLogger });
    await bob2.online(pep.forAccount(B));
    alice.p.device.dropSession('omemo2', B, bob.p.device.deviceId);
    const m2 = chat(B, 'to the changed device');
    await assert.rejects(alice.p.encryptOutgoing(m2, B, alice.request), OmemoEncryptError);
    assert.ok(alice.notices.some((n) => n.startsWith(`warn: the OMEMO identity key of ${B}'s device`)));
  });

  it('rotates the signed prekey after a week; key exchanges made with the previous one still work', async () => {
    const pep = pepService();
    let now = Date.now();
    const bobKv = memoryKv();
    const bob = new OmemoPipeline({ kv: bobKv, own: B, log: silentLogger, now: () => now });
    const bobRequest = pep.forAccount(B);
    await bob.online(bobRequest);
    const alice = await account(pep, A);
    const first = chat(B, 'made with signed prekey 1');
    await alice.p.encryptOutgoing(first, B, alice.request);
    now += 8 * 24 * 3600_000;
    await bob.online(bobRequest);
    const published = pep.nodes.get(`${B} ${NODES.omemo2.bundle(bob.device.deviceId)}`)!.get(String(bob.device.deviceId))!;
    assert.equal(published.getChildElements()[0]!.getChild('spk')!.attrs.id, '2');
    assert.equal(bob.decryptIncoming(deliver(first, A), A)?.error, undefined);
    assert.equal(first.getChildText('body'), 'made with signed prekey 1');
  });

  it('puts the device back when a notification shows the own device list without it', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const node = NODES.omemo2.devices;
    pep.nodes.get(`${A} ${node}`)!.set('current', xml('item', { id: 'current' }, xml('devices', { xmlns: 'urn:xmpp:omemo:2' }, xml('device', { id: '1' }))));
    const notification = xml('message', { from: A, type: 'headline' }, xml('event', { xmlns: 'http://jabber.org/protocol/pubsub#event' }, xml('items', { node }, xml('item', { id: 'current' }, xml('devices', { xmlns: 'urn:xmpp:omemo:2' }, xml('device', { id: '1' }))))));
    assert.equal(alice.p.onPepEvent(notification), true);
    const listed = () => pep.nodes.get(`${A} ${node}`)!.get('current')!.toString();
    const until = Date.now() + 5000;
    while (!listed().includes(`id="${alice.p.device.deviceId}"`) && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    assert.ok(listed().includes(`id="${alice.p.device.deviceId}"`));
    assert.ok(listed().includes('id="1"'), 'the other device stays listed');
  });

  it('manual trust: verified devices say so, distrusted ones get nothing, a verification binds to the key', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    const first = chat(B, 'one');
    await alice.p.encryptOutgoing(first, B, alice.request);
    assert.equal(bob.p.decryptIncoming(deliver(first, A), A)?.trust, 'unverified');
    const [seen] = bob.p.devices(A);
    assert.equal(seen!.deviceId, alice.p.device.deviceId);
    assert.equal(seen!.trust, 'blind');
    assert.equal(seen!.fingerprint, alice.p.ownFingerprint());
    // A wrong fingerprint changes nothing; the right one (any spacing, any case) verifies.
    assert.equal(bob.p.setTrust(A, alice.p.device.deviceId, 'deadbeef', 'verified'), false);
    assert.equal(bob.p.setTrust(A, alice.p.device.deviceId, alice.p.ownFingerprint().toUpperCase().replace(/ /g, ''), 'verified'), true);
    const second = chat(B, 'two');
    await alice.p.encryptOutgoing(second, B, alice.request);
    assert.equal(bob.p.decryptIncoming(deliver(second, A), A)?.trust, 'verified');
    // Alice distrusts Bob's only device: nothing is sent, not even in the clear.
    assert.ok(alice.p.setTrust(B, bob.p.device.deviceId, bob.p.ownFingerprint(), 'distrusted'));
    await assert.rejects(alice.p.encryptOutgoing(chat(B, 'three'), B, alice.request), OmemoEncryptError);
    assert.ok(alice.p.setTrust(B, bob.p.device.deviceId, bob.p.ownFingerprint(), 'blind'));
    assert.ok(await alice.p.encryptOutgoing(chat(B, 'four'), B, alice.request));
  });

  it('the verification URI has the form Conversations scans', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const hex = alice.p.ownFingerprint().replace(/ /g, '');
    assert.match(hex, /^[0-9a-f]{64}$/);
    assert.equal(alice.p.verificationUri(), `xmpp:${A}?omemo-sid-${alice.p.device.deviceId}=${hex}`);
    assert.deepEqual([...alice.p.device.identityKey('legacy')].map((b) => b.toString(16).padStart(2, '0')).join(''), hex);
  });

  it('removes own stale devices from both lists on request, never this one', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const old = await account(pep, A);
    const listed = (v: 'legacy' | 'omemo2') => pep.nodes.get(`${A} ${NODES[v].devices}`)!.get('current')!.toString();
    assert.ok(listed('omemo2').includes(`id="${old.p.device.deviceId}"`));
    const removed = await alice.p.removeOwnDevices([old.p.device.deviceId, alice.p.device.deviceId], alice.request);
    assert.deepEqual(removed, [old.p.device.deviceId]);
    for (const v of ['legacy', 'omemo2'] as const) {
      assert.ok(!listed(v).includes(`id="${old.p.device.deviceId}"`), v);
      assert.ok(listed(v).includes(`id="${alice.p.device.deviceId}"`), v);
    }
    // Own copies no longer go to the removed device.
    await account(pep, B);
    const m = chat(B, 'after removal');
    await alice.p.encryptOutgoing(m, B, alice.request);
    assert.ok(m.getChild('encrypted'), 'encrypted for bob');
    assert.ok(!m.toString().includes(`rid="${old.p.device.deviceId}"`));
  });
});
