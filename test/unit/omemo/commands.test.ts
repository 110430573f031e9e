/**
 * The `/omemo` and `/download` commands (adapters/xmpp/omemo/commands.ts) over the real pipeline and an in-memory PEP
 * service: status lines (devices, fingerprints in 8-digit groups, trust), the per-conversation choice (off needs a
 * confirmation where the contact uses OMEMO), trust and distrust by id or fingerprint, the plain-words refusal when
 * no device may receive a message, changed keys accepted only by their new fingerprint, new-device callbacks, the
 * verification QR code, own devices, and /download of the newest encrypted file link.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import xml, { type Element } from '@xmpp/xml';
import { CommandError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { qrLines } from '../../../src/core/qr-lines.js';
import { groupFingerprint, runOmemoCommand, type OmemoCommandHost } from '../../../adapters/xmpp/omemo/commands.js';
import { conversationOmemo } from '../../../adapters/xmpp/omemo/conversation-policy.js';
import { OmemoEncryptError, OmemoPipeline, type DeviceChange } from '../../../adapters/xmpp/omemo/pipeline.js';
import { memoryKv } from './memory-kv.js';
import { pepService } from './pep-memory.js';

const A = 'alice@example.org';
const B = 'bob@example.org';

async function account(pep: ReturnType<typeof pepService>, jid: string) {
  const changes: DeviceChange[] = [];
  const kv = memoryKv();
  const p = new OmemoPipeline({ kv, own: jid, log: silentLogger, deviceChange: (c) => changes.push(c) });
  const request = pep.forAccount(jid);
  await p.online(request);
  const shown: Array<{ conversation?: string; lines: string[] }> = [];
  const downloads: string[] = [];
  const host: OmemoCommandHost = {
    pipeline: p,
    kv,
    own: jid,
    request,
    room: () => undefined,
    show: (conversation, lines) => shown.push({ conversation, lines }),
    download: async (link) => {
      downloads.push(link);
      return { path: '/tmp/x/file.bin', size: 3 };
    },
  };
  /** `null`: typed outside any conversation. */
  const run = (args: string[], conversation: string | null = B, name = 'omemo') => runOmemoCommand(host, name, args, conversation ?? undefined);
  const last = () => shown.at(-1)!.lines.join('\n');
  return { p, request, kv, changes, shown, host, run, last, downloads };
}

const chat = (to: string, body: string) => xml('message', { type: 'chat', to }, xml('body', {}, body));
const deliver = (stanza: Element, from: string) => Object.assign(stanza, { attrs: { ...stanza.attrs, from } });

describe('/omemo commands', () => {
  it('status: the setting, the contact\'s devices with grouped fingerprints and trust, and the own fingerprint', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    await alice.p.encryptOutgoing(chat(B, 'hi'), B, alice.request);
    await alice.run([]);
    const text = alice.last();
    assert.match(text, /^OMEMO is on \(default\): messages are encrypted\./);
    const fp = groupFingerprint(bob.p.ownFingerprint());
    assert.match(fp, /^([0-9a-f]{8} ){7}[0-9a-f]{8}$/);
    assert.ok(text.includes(`device ${bob.p.device.deviceId}: ${fp}  trusted blindly (not verified)`), text);
    assert.ok(text.includes(`this device ${alice.p.device.deviceId}: ${groupFingerprint(alice.p.ownFingerprint())}`), text);
    assert.equal(alice.shown.at(-1)!.conversation, B);
    // A contact without OMEMO says so.
    await alice.run([], 'carol@example.org');
    assert.match(alice.last(), /no one here publishes OMEMO devices/);
    assert.match(alice.last(), /carol@example\.org: no OMEMO devices/);
  });

  it('needs a conversation; unknown subcommands show the usage', async () => {
    const alice = await account(pepService(), A);
    await assert.rejects(alice.run([], null), (e: unknown) => e instanceof CommandError && /works in a conversation/.test(e.message));
    await assert.rejects(alice.run(['frobnicate']), (e: unknown) => e instanceof CommandError && /^usage: \/omemo/.test(e.message));
  });

  it('off needs "confirm" where the contact uses OMEMO; on and off are kept per conversation', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    await account(pep, B);
    await assert.rejects(alice.run(['off']), (e: unknown) => e instanceof CommandError && /bob@example\.org uses OMEMO.*\/omemo off confirm/.test(e.message));
    assert.equal(conversationOmemo(alice.kv, B), 'default');
    await alice.run(['off', 'confirm']);
    assert.equal(conversationOmemo(alice.kv, B), 'off');
    assert.match(alice.last(), /OFF in this conversation/);
    // A contact without OMEMO: no confirmation needed.
    await alice.run(['off'], 'carol@example.org');
    assert.equal(conversationOmemo(alice.kv, 'carol@example.org'), 'off');
    await alice.run(['on']);
    assert.equal(conversationOmemo(alice.kv, B), 'on');
    assert.equal(conversationOmemo(alice.kv, 'Carol@Example.org/phone'), 'off', 'per bare JID, case-folded');
  });

  it('distrust by fingerprint: nothing goes out and the refusal says what to do; trust by id brings it back verified', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    await alice.p.encryptOutgoing(chat(B, 'first'), B, alice.request);
    await alice.run(['distrust', bob.p.ownFingerprint()]);
    assert.match(alice.last(), /is now distrusted: it gets no more messages/);
    assert.equal(alice.p.devices(B)[0]!.trust, 'distrusted');
    const stanza = chat(B, 'must not leak');
    await assert.rejects(alice.p.encryptOutgoing(stanza, B, alice.request), (e: unknown) => {
      assert.ok(e instanceof OmemoEncryptError);
      assert.match(e.message, new RegExp(`^not sent: none of the OMEMO devices of ${B} can receive it \\(${B}: ${bob.p.device.deviceId} distrusted\\)`));
      assert.match(e.message, /\/omemo trust <device-id or fingerprint>, or \/omemo off/);
      return true;
    });
    assert.ok(!stanza.toString().includes('<encrypted'), 'nothing encrypted was added');
    await alice.run(['trust', String(bob.p.device.deviceId)]);
    assert.match(alice.last(), /is now verified/);
    const ok = chat(B, 'again');
    const info = await alice.p.encryptOutgoing(ok, B, alice.request);
    assert.equal(info?.scheme, 'omemo:2');
    assert.equal(bob.p.decryptIncoming(deliver(ok, A), A)?.error, undefined);
    assert.equal(ok.getChildText('body'), 'again');
    await assert.rejects(alice.run(['trust', '999']), (e: unknown) => e instanceof CommandError && /no known OMEMO device 999/.test(e.message));
    await assert.rejects(alice.run(['trust']), (e: unknown) => e instanceof CommandError && /^usage/.test(e.message));
  });

  it('a changed key: device-change line, trust by id refused, accepted by the new fingerprint; sessions rebuilt', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    await alice.p.encryptOutgoing(chat(B, 'hi'), B, alice.request);
    assert.deepEqual(alice.changes.map((c) => [c.kind, c.first, c.conversation, c.deviceId]), [['added', true, B, bob.p.device.deviceId]]);
    // Bob's device id comes back with another identity key.
    const forged = memoryKv();
    forged.set('omemo:identity', JSON.stringify({ seed: Buffer.alloc(32, 9).toString('base64'), deviceId: bob.p.device.deviceId }));
    const bob2 = new OmemoPipeline({ kv: forged, own: B, log: silentLogger });
    await bob2.online(pep.forAccount(B));
    alice.p.device.dropSession('omemo2', B, bob.p.device.deviceId);
    await assert.rejects(alice.p.encryptOutgoing(chat(B, 'x'), B, alice.request), (e: unknown) => e instanceof OmemoEncryptError && /changed its key/.test(e.message));
    assert.equal(alice.changes.at(-1)!.kind, 'changed');
    assert.equal(alice.changes.at(-1)!.fingerprint, bob2.ownFingerprint());
    await alice.run([]);
    assert.ok(alice.last().includes(`KEY CHANGED to ${groupFingerprint(bob2.ownFingerprint())}`), alice.last());
    await assert.rejects(alice.run(['trust', String(bob.p.device.deviceId)]), (e: unknown) => e instanceof CommandError && /changed: compare the new fingerprint/.test(e.message));
    await alice.run(['trust', groupFingerprint(bob2.ownFingerprint()).toUpperCase()]);
    assert.equal(alice.p.devices(B)[0]!.fingerprint, bob2.ownFingerprint());
    assert.equal(alice.p.devices(B)[0]!.pending, undefined);
    const m = chat(B, 'to the new key');
    assert.equal((await alice.p.encryptOutgoing(m, B, alice.request))?.trust, 'verified', 'its only device is verified now');
    assert.equal(bob2.decryptIncoming(deliver(m, A), A)?.error, undefined);
    assert.equal(m.getChildText('body'), 'to the new key');
  });

  it('a second device of a known contact is announced as such (not first)', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    await account(pep, B);
    await alice.p.encryptOutgoing(chat(B, 'one'), B, alice.request);
    const bobPhone = await account(pep, B);
    // The device-list notification (XEP-0163) that the server would push.
    alice.p.onPepEvent(xml('message', { from: B }, xml('event', { xmlns: 'http://jabber.org/protocol/pubsub#event' },
      xml('items', { node: 'urn:xmpp:omemo:2:devices' }, pep.nodes.get(`${B} urn:xmpp:omemo:2:devices`)!.get('current')!))));
    await alice.p.encryptOutgoing(chat(B, 'two'), B, alice.request);
    const added = alice.changes.filter((c) => c.kind === 'added');
    assert.equal(added.length, 2);
    assert.deepEqual([added[1]!.deviceId, added[1]!.first, added[1]!.group], [bobPhone.p.device.deviceId, false, false]);
  });

  it('verify: own fingerprint, the QR code of the verification URI (quiet zone 2) and the URI', async () => {
    const alice = await account(pepService(), A);
    await alice.run(['verify']);
    const lines = alice.shown.at(-1)!.lines;
    const uri = alice.p.verificationUri();
    assert.match(uri, new RegExp(`^xmpp:${A}\\?omemo-sid-${alice.p.device.deviceId}=[0-9a-f]{64}$`));
    assert.equal(lines.at(-1), uri);
    assert.ok(lines[0]!.includes(groupFingerprint(alice.p.ownFingerprint())));
    const qr = qrLines(uri, { quietZone: 2 });
    assert.deepEqual(lines.slice(2, 2 + qr.length), qr);
  });

  it('devices lists the own devices; remove-device takes a stale one out of both lists, never this one', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const old = await account(pep, A);
    await alice.run(['devices'], null);
    const text = alice.last();
    assert.ok(text.includes(`${alice.p.device.deviceId}: ${groupFingerprint(alice.p.ownFingerprint())}  this device`), text);
    assert.ok(text.includes(String(old.p.device.deviceId)), text);
    await assert.rejects(alice.run(['remove-device', String(alice.p.device.deviceId)]), (e: unknown) => e instanceof CommandError && /this device/.test(e.message));
    await assert.rejects(alice.run(['remove-device', 'x']), (e: unknown) => e instanceof CommandError && /^usage/.test(e.message));
    await alice.run(['remove-device', String(old.p.device.deviceId)], null);
    assert.match(alice.last(), new RegExp(`removed from the device lists: ${old.p.device.deviceId}`));
    for (const node of ['urn:xmpp:omemo:2:devices', 'eu.siacs.conversations.axolotl.devicelist']) {
      const list = pep.nodes.get(`${A} ${node}`)!.get('current')!.toString();
      assert.ok(!list.includes(`id="${old.p.device.deviceId}"`), node);
      assert.ok(list.includes(`id="${alice.p.device.deviceId}"`), node);
    }
  });

  it('/download takes the newest (or n-th newest) aesgcm link that arrived encrypted here', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    await assert.rejects(bob.run([], A, 'download'), (e: unknown) => e instanceof CommandError && /no encrypted file/.test(e.message));
    const links = ['aesgcm://up.example.org/a/one.jpg#' + 'a'.repeat(88), 'aesgcm://up.example.org/b/two.pdf#' + 'b'.repeat(88)];
    for (const link of links) {
      const m = chat(B, `look\n${link}`);
      await alice.p.encryptOutgoing(m, B, alice.request);
      bob.p.decryptIncoming(deliver(m, A), A);
    }
    await bob.run([], A, 'download');
    await bob.run(['2'], A, 'download');
    assert.deepEqual(bob.downloads, [links[1], links[0]]);
    assert.match(bob.last(), /^saved \/tmp\/x\/file\.bin \(3 bytes, decrypted\)$/);
    await assert.rejects(bob.run(['3'], A, 'download'), (e: unknown) => e instanceof CommandError && /only 2 encrypted files here/.test(e.message));
  });
});

describe('OMEMO pipeline copies', () => {
  it('a second copy of a message already decrypted (archive after live, heartbeat replayed) loses its body: no placeholder', async () => {
    const pep = pepService();
    const alice = await account(pep, A);
    const bob = await account(pep, B);
    const m = chat(B, 'once');
    await alice.p.encryptOutgoing(m, B, alice.request);
    // The archive brings the same stanza again (a new element, as a MAM page parses it anew).
    const copy = xml('message', { ...m.attrs }, ...m.getChildElements());
    assert.equal(bob.p.decryptIncoming(deliver(m, A), A)?.error, undefined);
    assert.equal(m.getChildText('body'), 'once');
    deliver(copy, A);
    const info = bob.p.decryptIncoming(copy, A);
    assert.equal(info?.error, undefined);
    assert.equal(copy.getChild('body'), undefined, 'no body: the adapter shows nothing for it');
  });
});

