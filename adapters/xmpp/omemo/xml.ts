/**
 * OMEMO's XML: device lists, bundles and `<encrypted/>` elements of both versions, and their PEP nodes.
 *
 * Legacy (XEP-0384 v0.3): device list node `eu.siacs.conversations.axolotl.devicelist` (item `current`,
 * `<list><device id/></list>`); one bundle node per device `eu.siacs.conversations.axolotl.bundles:<id>` (item
 * `current`, `<bundle>` with `signedPreKeyPublic@signedPreKeyId`, `signedPreKeySignature`, `identityKey`,
 * `prekeys/preKeyPublic@preKeyId`, keys 0x05-prefixed); `<encrypted><header sid><key rid [prekey]/>…<iv/></header>
 * <payload/></encrypted>`.
 * OMEMO 2 (XEP-0384 v0.8+): device list node `urn:xmpp:omemo:2:devices` (item `current`, `<devices><device id
 * label?/></devices>`); one bundle node `urn:xmpp:omemo:2:bundles` with one item per device id (`<bundle>` with
 * `spk@id`, `spks`, `ik`, `prekeys/pk@id`, raw keys); `<encrypted><header sid><keys jid><key rid [kex]/></keys>…
 * </header><payload/></encrypted>`.
 */
import xml, { type Element } from '@xmpp/xml';
import { fromB64, toB64 } from './bytes.js';
import { publicIdentity, type IdentityKey, type PreKey, type SignedPreKey } from './keys.js';
import { NS_LEGACY, NS_OMEMO2, PROFILES } from './profile.js';
import type { Bundle } from './x3dh.js';
import { djb, undjb, type OmemoVersion } from './wire.js';

export class OmemoXmlError extends Error {}

export const NODES = {
  legacy: { devices: `${NS_LEGACY}.devicelist`, bundle: (id: number) => `${NS_LEGACY}.bundles:${id}` },
  omemo2: { devices: `${NS_OMEMO2}:devices`, bundle: (_id: number) => `${NS_OMEMO2}:bundles` },
} as const;

/** The PEP item id a bundle is published under. */
export const bundleItemId = (version: OmemoVersion, deviceId: number): string => (version === 'legacy' ? 'current' : String(deviceId));

export const versionOfNamespace = (ns: string | undefined): OmemoVersion | undefined =>
  ns === NS_LEGACY ? 'legacy' : ns === NS_OMEMO2 ? 'omemo2' : undefined;

function id(v: string | undefined, what: string): number {
  if (!v || !/^\d{1,10}$/.test(v)) throw new OmemoXmlError(`${what}: bad id ${v ?? '(none)'}`);
  const n = Number(v);
  if (n > 0xffffffff) throw new OmemoXmlError(`${what}: id out of range`);
  return n;
}

export function buildDeviceList(version: OmemoVersion, devices: Array<{ id: number; label?: string }>): Element {
  const ns = PROFILES[version].namespace;
  if (version === 'legacy') return xml('list', { xmlns: ns }, ...devices.map((d) => xml('device', { id: String(d.id) })));
  return xml('devices', { xmlns: ns }, ...devices.map((d) => xml('device', { id: String(d.id), label: d.label })));
}

/** Device ids from a device list element (entries with bad ids are skipped, not fatal). */
export function parseDeviceList(el: Element): { version: OmemoVersion; ids: number[] } {
  const version = el.is('list', NS_LEGACY) ? 'legacy' : el.is('devices', NS_OMEMO2) ? 'omemo2' : undefined;
  if (!version) throw new OmemoXmlError(`not an OMEMO device list: <${el.name} xmlns='${el.getNS() ?? ''}'>`);
  const ids: number[] = [];
  for (const d of el.getChildren('device')) {
    try {
      ids.push(id(d.attrs.id, 'device'));
    } catch {
      // A malformed entry must not hide the others.
    }
  }
  return { version, ids: [...new Set(ids)] };
}

export function buildBundle(version: OmemoVersion, identity: IdentityKey, spk: SignedPreKey, preKeys: PreKey[]): Element {
  const ns = PROFILES[version].namespace;
  if (version === 'legacy') {
    return xml(
      'bundle',
      { xmlns: ns },
      xml('signedPreKeyPublic', { signedPreKeyId: String(spk.id) }, toB64(djb(spk.pair.pub))),
      xml('signedPreKeySignature', {}, toB64(spk.signature)),
      xml('identityKey', {}, toB64(djb(publicIdentity(version, identity)))),
      xml('prekeys', {}, ...preKeys.map((p) => xml('preKeyPublic', { preKeyId: String(p.id) }, toB64(djb(p.pair.pub))))),
    );
  }
  return xml(
    'bundle',
    { xmlns: ns },
    xml('spk', { id: String(spk.id) }, toB64(spk.pair.pub)),
    xml('spks', {}, toB64(spk.signature)),
    xml('ik', {}, toB64(publicIdentity(version, identity))),
    xml('prekeys', {}, ...preKeys.map((p) => xml('pk', { id: String(p.id) }, toB64(p.pair.pub)))),
  );
}

function b64Child(el: Element, name: string, what: string): { el: Element; bytes: Uint8Array } {
  const c = el.getChild(name);
  if (!c) throw new OmemoXmlError(`${what}: <${name}/> missing`);
  try {
    return { el: c, bytes: fromB64(c.text()) };
  } catch (e) {
    throw new OmemoXmlError(`${what}: <${name}/> is not base64`, { cause: e });
  }
}

function key32(b: Uint8Array, what: string): Uint8Array {
  if (b.length !== 32) throw new OmemoXmlError(`${what}: key has ${b.length} bytes`);
  return b;
}

function legacyKey(b: Uint8Array, what: string): Uint8Array {
  try {
    return undjb(b);
  } catch (e) {
    throw new OmemoXmlError(`${what}: not a 0x05-prefixed key`, { cause: e });
  }
}

/** Parses a bundle element of either version (signature not checked here: X3DH does that). */
export function parseBundle(el: Element): Bundle {
  if (el.is('bundle', NS_LEGACY)) {
    const spk = b64Child(el, 'signedPreKeyPublic', 'bundle');
    const preKeys = (el.getChild('prekeys')?.getChildren('preKeyPublic') ?? []).flatMap((p) => {
      try {
        return [{ id: id(p.attrs.preKeyId, 'preKeyPublic'), key: legacyKey(fromB64(p.text()), 'preKeyPublic') }];
      } catch {
        return [];
      }
    });
    return {
      version: 'legacy',
      identityKey: legacyKey(b64Child(el, 'identityKey', 'bundle').bytes, 'identityKey'),
      signedPreKeyId: id(spk.el.attrs.signedPreKeyId, 'signedPreKeyPublic'),
      signedPreKey: legacyKey(spk.bytes, 'signedPreKeyPublic'),
      signedPreKeySignature: b64Child(el, 'signedPreKeySignature', 'bundle').bytes,
      preKeys,
    };
  }
  if (el.is('bundle', NS_OMEMO2)) {
    const spk = b64Child(el, 'spk', 'bundle');
    const preKeys = (el.getChild('prekeys')?.getChildren('pk') ?? []).flatMap((p) => {
      try {
        return [{ id: id(p.attrs.id, 'pk'), key: key32(fromB64(p.text()), 'pk') }];
      } catch {
        return [];
      }
    });
    return {
      version: 'omemo2',
      identityKey: key32(b64Child(el, 'ik', 'bundle').bytes, 'ik'),
      signedPreKeyId: id(spk.el.attrs.id, 'spk'),
      signedPreKey: key32(spk.bytes, 'spk'),
      signedPreKeySignature: b64Child(el, 'spks', 'bundle').bytes,
      preKeys,
    };
  }
  throw new OmemoXmlError(`not an OMEMO bundle: <${el.name} xmlns='${el.getNS() ?? ''}'>`);
}

/** One `<key/>` of an encrypted element. */
export interface KeyEntry {
  jid: string;
  rid: number;
  /** A key exchange (legacy `prekey`, OMEMO 2 `kex`) rather than a plain ratchet message. */
  kex: boolean;
  data: Uint8Array;
}

export interface EncryptedElement {
  version: OmemoVersion;
  sid: number;
  keys: KeyEntry[];
  /** Legacy only. */
  iv?: Uint8Array;
  payload?: Uint8Array;
}

const truthy = (v: string | undefined): boolean => v === 'true' || v === '1';

export function buildEncrypted(e: EncryptedElement): Element {
  const ns = PROFILES[e.version].namespace;
  if (e.version === 'legacy') {
    return xml(
      'encrypted',
      { xmlns: ns },
      xml(
        'header',
        { sid: String(e.sid) },
        ...e.keys.map((k) => xml('key', { rid: String(k.rid), prekey: k.kex ? 'true' : undefined }, toB64(k.data))),
        xml('iv', {}, toB64(e.iv ?? new Uint8Array(12))),
      ),
      e.payload ? xml('payload', {}, toB64(e.payload)) : undefined,
    );
  }
  const byJid = new Map<string, KeyEntry[]>();
  for (const k of e.keys) byJid.set(k.jid, [...(byJid.get(k.jid) ?? []), k]);
  return xml(
    'encrypted',
    { xmlns: ns },
    xml(
      'header',
      { sid: String(e.sid) },
      ...[...byJid].map(([jid, keys]) =>
        xml('keys', { jid }, ...keys.map((k) => xml('key', { rid: String(k.rid), kex: k.kex ? 'true' : undefined }, toB64(k.data)))),
      ),
    ),
    e.payload ? xml('payload', {}, toB64(e.payload)) : undefined,
  );
}

/**
 * Parses an `<encrypted/>` element. Legacy keys name no JID: they get `legacyJid` (the recipient, i.e. us, as the
 * caller knows it).
 */
export function parseEncrypted(el: Element, legacyJid = ''): EncryptedElement {
  const version = versionOfNamespace(el.getNS());
  if (!el.is('encrypted') || !version) throw new OmemoXmlError('not an OMEMO <encrypted/> element');
  const header = el.getChild('header');
  if (!header) throw new OmemoXmlError('encrypted: <header/> missing');
  const sid = id(header.attrs.sid, 'header');
  const payloadEl = el.getChild('payload');
  const payload = payloadEl ? fromB64(payloadEl.text()) : undefined;
  const keys: KeyEntry[] = [];
  const keyOf = (k: Element, jid: string, kexAttr: string): void => {
    try {
      keys.push({ jid, rid: id(k.attrs.rid, 'key'), kex: truthy(k.attrs[kexAttr]), data: fromB64(k.text()) });
    } catch {
      // One malformed key does not spoil the ones for other devices.
    }
  };
  if (version === 'legacy') {
    for (const k of header.getChildren('key')) keyOf(k, legacyJid, 'prekey');
    const ivEl = header.getChild('iv');
    return { version, sid, keys, iv: ivEl ? fromB64(ivEl.text()) : undefined, payload };
  }
  for (const ks of header.getChildren('keys')) for (const k of ks.getChildren('key')) keyOf(k, ks.attrs.jid ?? '', 'kex');
  return { version, sid, keys, payload };
}
