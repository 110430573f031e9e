/**
 * OMEMO through the XMPP adapter (config `omemo = true`) against python-omemo (test/harness/omemo-peer.py) on a
 * private Prosody: the adapter publishes its device on connect, decrypts incoming messages of both versions into
 * contract messages with `encryption` set, encrypts what it sends for a contact that publishes devices, shows an
 * undecryptable message as a placeholder with the reason, and decrypts what arrived while it was offline after a
 * restart with the same key-value store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OmemoPeer, omemoPeerUnavailable } from '../../harness/omemo-peer.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, messages, PASSWORD, skipReason, type Client, type MessageEvent } from './support.js';
import { deviceWithSignBit, NatterOmemoClient } from './omemo-support.js';
import { fetchBundle } from '../../../adapters/xmpp/omemo/pep.js';
import { FALLBACK_BODY } from '../../../adapters/xmpp/omemo/pipeline.js';

function skip(): string | false {
  const s = skipReason();
  if (s) return s;
  if (process.env.CI === 'true') return false;
  return omemoPeerUnavailable() ?? false;
}

describe('OMEMO in the XMPP adapter', { skip: skip(), timeout: 300_000 }, () => {
  let server: ProsodyServer;
  let natter: Client;
  let peer: OmemoPeer;
  let peerDevice: number;
  const natterJid = 'alice@localhost';
  const peerJid = 'bob@localhost';

  before(async () => {
    server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD } });
    natter = await client(server, 'alice', { omemo: true });
    await waitFor(() => natter.ctx.logs.some((l) => l.includes('omemo device announced')), 'device announced', 30_000);
    peer = new OmemoPeer({ jid: peerJid, password: PASSWORD, host: server.host, port: server.port, cafile: server.caFile });
    peerDevice = (await peer.waitEvent((e) => e.event === 'ready', 'peer ready')).deviceId as number;
  });

  after(async () => {
    await peer?.stop();
    await natter?.adapter.stop();
    await server?.stop();
  });

  const incoming = async (c: Client, body: string, from: number): Promise<MessageEvent['message']> => {
    const e = (await c.ctx.waitFor((ev) => ev.type === 'message' && ev.message.body === body, `adapter receives "${body}"`, 60_000, from)) as MessageEvent;
    return e.message;
  };

  it('publishes the device in both device lists on connect', async () => {
    const mark = peer.events.length;
    peer.send({ cmd: 'refresh', jid: natterJid });
    const r = await peer.waitEvent((e) => e.event === 'refreshed', 'refreshed', mark);
    const devices = r.devices as Array<{ id: number; namespaces: string[] }>;
    assert.equal(devices.length, 1);
    assert.deepEqual(devices[0]!.namespaces, ['eu.siacs.conversations.axolotl', 'urn:xmpp:omemo:2']);
  });

  for (const version of ['omemo2', 'legacy'] as const) {
    it(`decrypts a ${version} message from python-omemo into a message with encryption info`, async () => {
      const from = natter.ctx.events.length;
      peer.send({ cmd: 'send', to: natterJid, body: `hello natter over ${version}`, version });
      const m = await incoming(natter, `hello natter over ${version}`, from);
      assert.deepEqual(m.encryption, { scheme: version === 'omemo2' ? 'omemo:2' : 'omemo:legacy', senderDevice: String(peerDevice), trust: 'unverified' });
      assert.equal(m.senderId, peerJid);
      assert.ok(!messages(natter).some((x) => x.body === FALLBACK_BODY || x.body.includes('OMEMO encrypted')), 'the fallback body never surfaces');
    });
  }

  it('encrypts what it sends to a contact that publishes devices (OMEMO 2 preferred)', async () => {
    const mark = peer.events.length;
    const r = await natter.adapter.send({ localId: 'omemo-1', conversation: { remoteId: peerJid, kind: 'direct' }, kind: 'text', body: 'secret from natter' });
    assert.equal(r.state, 'sent');
    const got = await peer.waitEvent((e) => (e.event === 'message' && e.body === 'secret from natter') || e.event === 'decrypt-error', 'peer decrypts', mark);
    assert.equal(got.event, 'message', JSON.stringify(got));
    assert.equal(got.version, 'omemo2');
    // The plaintext never travelled: the stanza as the peer received it has only the fallback body.
    assert.equal(got.stanzaBody, FALLBACK_BODY);
    assert.ok(!(got.stanza as string).includes('secret from natter'), 'plaintext in the stanza');
    assert.match(got.stanza as string, /<encryption xmlns="urn:xmpp:eme:0"/);
  });

  it('a second device of the account: learns of it by PEP notification, gets own copies as carbons, both read the contact', async () => {
    const second = await client(server, 'alice', { omemo: true, resource: 'second' });
    try {
      const secondId = () => (JSON.parse(second.ctx.kv.get('omemo:identity')!) as { deviceId: number }).deviceId;
      await waitFor(() => second.ctx.logs.some((l) => l.includes('omemo device announced')), 'second device announced', 30_000);
      // The first device hears of the second through the device-list notification (+notify in its caps).
      await waitFor(() => natter.ctx.logs.some((l) => l.includes('omemo device list update') && l.includes(String(secondId()))), 'device-list notification on the first device', 30_000);
      const mark = peer.events.length;
      const fromSecond = second.ctx.events.length;
      await natter.adapter.send({ localId: 'omemo-own-copy', conversation: { remoteId: peerJid, kind: 'direct' }, kind: 'text', body: 'copy for my other device' });
      await peer.waitEvent((e) => e.event === 'message' && e.body === 'copy for my other device', 'peer decrypts', mark);
      const copy = (await second.ctx.waitFor((e) => e.type === 'message' && e.message.localId === 'omemo-own-copy', 'sent carbon on the second device', 30_000, fromSecond)) as MessageEvent;
      assert.equal(copy.message.direction, 'out');
      assert.equal(copy.message.body, 'copy for my other device', `the carbon decrypts: ${JSON.stringify(copy.message.encryption)}`);
      assert.equal(copy.message.encryption?.scheme, 'omemo:2');
      // The contact's message reaches both devices of the account, each decrypting its own key.
      const from1 = natter.ctx.events.length;
      const from2 = second.ctx.events.length;
      peer.send({ cmd: 'send', to: natterJid, body: 'to both of your devices', version: 'omemo2' });
      const m1 = await incoming(natter, 'to both of your devices', from1);
      const m2 = await incoming(second, 'to both of your devices', from2);
      assert.equal(m1.encryption?.error, undefined);
      assert.equal(m2.encryption?.error, undefined);
    } finally {
      await second.adapter.stop();
    }
  });

  it('shows an undecryptable message as a placeholder saying why', async () => {
    const { device } = deviceWithSignBit('carol@localhost', 0);
    const carol = await NatterOmemoClient.connect(server, 'carol', PASSWORD, device);
    try {
      const bundle = await fetchBundle(carol.request, natterJid, 'omemo2', (await natterDeviceId())!);
      // Encrypted for a device id natter does not have: natter's device finds no key for itself.
      const r = carol.device.encrypt('omemo2', 'not for you', [{ jid: natterJid, deviceId: 4242, bundle }], { to: natterJid });
      const from = natter.ctx.events.length;
      const { default: xml } = await import('@xmpp/xml');
      await carol.client.entity.send(xml('message', { to: natterJid, type: 'chat', id: 'carol-1' }, r.element, xml('body', {}, FALLBACK_BODY)));
      const e = (await natter.ctx.waitFor((ev) => ev.type === 'message' && ev.message.senderId === 'carol@localhost', 'placeholder', 30_000, from)) as MessageEvent;
      assert.match(e.message.body, /could not be decrypted: the message was not encrypted for this device/);
      assert.equal(e.message.encryption?.scheme, 'omemo:2');
      assert.match(e.message.encryption?.error ?? '', /not encrypted for this device/);
    } finally {
      await carol.stop();
    }
  });

  it('after a restart with the same store, decrypts what arrived while offline', async () => {
    const kv = natter.ctx.kv;
    await natter.adapter.stop();
    const mark = peer.events.length;
    peer.send({ cmd: 'send', to: natterJid, body: 'while you were away', version: 'omemo2' });
    await peer.waitEvent((e) => e.event === 'sent', 'peer sent', mark);
    natter = await client(server, 'alice', { omemo: true }, { kv });
    const m = await incoming(natter, 'while you were away', 0);
    assert.equal(m.encryption?.scheme, 'omemo:2');
    // And the session continues in the other direction.
    const mark2 = peer.events.length;
    await natter.adapter.send({ localId: 'omemo-2', conversation: { remoteId: peerJid, kind: 'direct' }, kind: 'text', body: 'back again' });
    const got = await peer.waitEvent((e) => (e.event === 'message' && e.body === 'back again') || e.event === 'decrypt-error', 'peer decrypts after restart', mark2);
    assert.equal(got.event, 'message', JSON.stringify(got));
  });

  async function natterDeviceId(): Promise<number | undefined> {
    const raw = natter.ctx.kv.get('omemo:identity');
    return raw ? (JSON.parse(raw) as { deviceId: number }).deviceId : undefined;
  }
});
