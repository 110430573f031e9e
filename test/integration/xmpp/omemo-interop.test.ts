/**
 * OMEMO interop, for real, through a private Prosody: natter's OMEMO code (on a raw connection of the adapter's XMPP
 * client) against an independent implementation (Debian's python3-omemo with oldmemo and twomemo on slixmpp,
 * test/harness/omemo-peer.py). For both versions and both directions: a session the Python side starts (its first
 * message is a key exchange), a session natter starts, replies in the established sessions; identity keys with both
 * Edwards sign bits on each side (the legacy sign-bit convention and OMEMO 2's plain Ed25519 verification).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OmemoPeer, omemoPeerUnavailable, type PeerEvent } from '../../harness/omemo-peer.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { waitFor } from '../../harness/wait-for.js';
import { deviceWithSignBit, NatterOmemoClient } from './omemo-support.js';
import { OmemoDevice } from '../../../adapters/xmpp/omemo/device.js';
import { PASSWORD, skipReason } from './support.js';
import type { OmemoVersion } from '../../../adapters/xmpp/omemo/wire.js';

function skip(): string | false {
  const s = skipReason();
  if (s) return s;
  if (process.env.CI === 'true') return false;
  return omemoPeerUnavailable() ?? false;
}

const TIMEOUT = 240_000;

/**
 * One natter device (sign bit `natterSign`) and one Python device (sign bit `peerSign`); `peerStarts` names the
 * version whose session the Python side starts, the other one natter starts.
 */
const PAIRS: Array<{ natter: string; peer: string; natterSign: 0 | 1; peerSign: 0 | 1; peerStarts: OmemoVersion }> = [
  { natter: 'natter0', peer: 'py1', natterSign: 0, peerSign: 1, peerStarts: 'legacy' },
  { natter: 'natter1', peer: 'py0', natterSign: 1, peerSign: 0, peerStarts: 'omemo2' },
  { natter: 'natter2', peer: 'py2', natterSign: 0, peerSign: 0, peerStarts: 'omemo2' },
  { natter: 'natter3', peer: 'py3', natterSign: 1, peerSign: 1, peerStarts: 'legacy' },
];

describe('OMEMO interop with python-omemo through Prosody', { skip: skip(), timeout: TIMEOUT * 2 }, () => {
  let server: ProsodyServer;
  const peers: OmemoPeer[] = [];
  const natters: NatterOmemoClient[] = [];

  before(async () => {
    const users: Record<string, string> = {};
    for (const p of PAIRS) {
      users[p.natter] = PASSWORD;
      users[p.peer] = PASSWORD;
    }
    server = await startProsody({ users });
  });

  after(async () => {
    for (const p of peers) await p.stop();
    for (const n of natters) await n.stop();
    await server?.stop();
  });

  for (const pair of PAIRS) {
    it(`natter (identity sign bit ${pair.natterSign}) ⇄ python-omemo (sign bit ${pair.peerSign}), both versions`, { timeout: TIMEOUT }, async () => {
      const natterJid = `${pair.natter}@${server.domain}`;
      const peerJid = `${pair.peer}@${server.domain}`;
      const { device, kv } = deviceWithSignBit(natterJid, pair.natterSign);
      let natter = await NatterOmemoClient.connect(server, pair.natter, PASSWORD, device);
      natters.push(natter);
      const peer = new OmemoPeer({ jid: peerJid, password: PASSWORD, host: server.host, port: server.port, cafile: server.caFile, signBit: pair.peerSign });
      peers.push(peer);
      const ready = await peer.waitEvent((e) => e.event === 'ready', 'python peer ready');
      assert.equal(ready.signBit, pair.peerSign);
      const peerDevice = ready.deviceId as number;

      const natterGets = async (version: OmemoVersion, body: string) => {
        const find = () => natter.received.find((r) => r.result?.body === body);
        const errors = () => natter.received.filter((r) => r.error).map((r) => `${r.error!.code}: ${r.error!.message} (${String(r.error!.cause ?? '')})`);
        await waitFor(find, `natter receives "${body}" (${version})`, 60_000).catch((e: unknown) => {
          throw new Error(`${String(e)}; natter's decryption errors: ${JSON.stringify(errors())}`);
        });
        const got = find()!;
        assert.equal(got.result!.version, version);
        assert.equal(got.result!.senderDevice, peerDevice);
        assert.equal(got.from, peerJid);
        return got.result!;
      };
      const peerGets = async (version: OmemoVersion, body: string, from: number): Promise<PeerEvent> => {
        const e = await peer.waitEvent((ev) => (ev.event === 'message' && ev.body === body) || ev.event === 'decrypt-error', `python receives "${body}" (${version})`, from);
        assert.equal(e.event, 'message', `python failed to decrypt: ${JSON.stringify(e)}`);
        assert.equal(e.version, version);
        assert.equal(e.deviceId, device.deviceId);
        assert.equal(e.from, natterJid);
        return e;
      };

      for (const version of ['legacy', 'omemo2'] as const) {
        if (version === pair.peerStarts) {
          // The Python side starts: its first message is a key exchange built from natter's published bundle.
          let mark = peer.events.length;
          peer.send({ cmd: 'send', to: natterJid, body: `py→natter first ${version}`, version });
          const sent = await peer.waitEvent((e) => e.event === 'sent', 'python sent', mark);
          assert.deepEqual(sent.errors, []);
          const first = await natterGets(version, `py→natter first ${version}`);
          assert.equal(first.newSession, true, 'the first message built the session (key exchange)');
          // Python's identity as natter saw it in the key exchange: the same key the peer reports.
          const peerIdentity = ready.identity as string;
          if (version === 'omemo2') assert.equal(Buffer.from(first.identityKey).toString('hex'), peerIdentity);
          mark = peer.events.length;
          const reply = await natter.send(peerJid, version, `natter→py reply ${version}`);
          assert.deepEqual(reply.failed, []);
          await peerGets(version, `natter→py reply ${version}`, mark);
          peer.send({ cmd: 'send', to: natterJid, body: `py→natter again ${version}`, version });
          const again = await natterGets(version, `py→natter again ${version}`);
          assert.equal(again.newSession, false);
        } else {
          // natter starts from the peer's bundle (its signed prekey signature checked with the version's rule).
          const mark = peer.events.length;
          const r = await natter.send(peerJid, version, `natter→py first ${version}`);
          assert.deepEqual(r.failed, []);
          assert.deepEqual(r.encryptedFor, [{ jid: peerJid, deviceId: peerDevice }]);
          await peerGets(version, `natter→py first ${version}`, mark);
          peer.send({ cmd: 'send', to: natterJid, body: `py→natter reply ${version}`, version });
          const reply = await natterGets(version, `py→natter reply ${version}`);
          assert.equal(reply.newSession, false, 'the reply continues the session natter started');
          const mark2 = peer.events.length;
          for (let i = 0; i < 3; i++) await natter.send(peerJid, version, `natter→py ${version} #${i}`);
          await peerGets(version, `natter→py ${version} #2`, mark2);
        }
      }
      // No message natter received failed to decrypt (empty heartbeats from the peer included).
      assert.deepEqual(natter.received.filter((r) => r.error).map((r) => r.error!.message), []);

      // natter restarts (a new connection, the device loaded again from its key-value store): sessions continue.
      // Prosody hands stanzas the old stream never acknowledged (XEP-0198) to offline storage, so the new connection
      // gets copies of messages already decrypted: those fail as duplicates (the engine dedups them by stanza id).
      await natter.stop();
      const reopened = OmemoDevice.open(kv, natterJid);
      assert.equal(reopened.deviceId, device.deviceId);
      natter = await NatterOmemoClient.connect(server, pair.natter, PASSWORD, reopened);
      natters.push(natter);
      for (const version of ['legacy', 'omemo2'] as const) {
        const mark = peer.events.length;
        const r = await natter.send(peerJid, version, `after restart natter→py ${version}`);
        assert.deepEqual(r.failed, []);
        await peerGets(version, `after restart natter→py ${version}`, mark);
        peer.send({ cmd: 'send', to: natterJid, body: `after restart py→natter ${version}`, version });
        const got = await natterGets(version, `after restart py→natter ${version}`);
        assert.equal(got.newSession, false, 'the stored session continued');
      }
    });
  }
});
