/**
 * OMEMO figures (issue #4): encrypting one message for 20 devices with established sessions, and decrypting 1,000
 * messages of one session in a row (an archive catch-up), for both versions. In memory, no network.
 */
import { performance } from 'node:perf_hooks';
import { OmemoDevice } from '../adapters/xmpp/omemo/device.js';
import type { OmemoVersion } from '../adapters/xmpp/omemo/wire.js';
import { parseBundle } from '../adapters/xmpp/omemo/xml.js';
import type { KeyValue } from '../src/core/contract.js';

function kv(): KeyValue {
  const map = new Map<string, string>();
  return {
    get: (k) => map.get(k),
    set: (k, v) => void map.set(k, v),
    delete: (k) => void map.delete(k),
    batch: (ws) => ws.forEach((w) => (w.value === undefined ? map.delete(w.key) : map.set(w.key, w.value))),
  };
}

export interface OmemoFigures {
  version: OmemoVersion;
  encrypt20Ms: number;
  decrypt1000Ms: number;
}

export function omemoBench(version: OmemoVersion): OmemoFigures {
  const me = OmemoDevice.open(kv(), 'me@example.org', { preKeyCount: 25 });
  const peers = Array.from({ length: 20 }, (_, i) => OmemoDevice.open(kv(), `p${i}@example.org`, { preKeyCount: 25 }));
  // Sessions established both ways (no key exchange any more), as for a contact one has talked to.
  for (const p of peers) {
    const first = me.encrypt(version, 'hi', [{ jid: p.ownJid, deviceId: p.deviceId, bundle: parseBundle(p.bundle(version)) }], { to: p.ownJid });
    p.decrypt(first.element, me.ownJid);
    me.decrypt(p.encryptEmpty(version, [{ jid: me.ownJid, deviceId: me.deviceId }]).element, p.ownJid);
  }
  const recipients = peers.map((p) => ({ jid: p.ownJid, deviceId: p.deviceId }));
  const rounds = 50;
  let t = performance.now();
  for (let i = 0; i < rounds; i++) me.encrypt(version, `message ${i} with a body of ordinary length for a chat line`, recipients, { to: 'p0@example.org' });
  const encrypt20Ms = (performance.now() - t) / rounds;

  const sender = peers[0]!;
  const archived = Array.from({ length: 1000 }, (_, i) => sender.encrypt(version, `archived ${i}`, [{ jid: me.ownJid, deviceId: me.deviceId }], { to: me.ownJid }).element);
  t = performance.now();
  for (const el of archived) me.decrypt(el, sender.ownJid);
  const decrypt1000Ms = performance.now() - t;
  return { version, encrypt20Ms, decrypt1000Ms };
}
