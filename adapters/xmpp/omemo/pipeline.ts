/**
 * OMEMO as a pipeline on the XMPP adapter's one-to-one messages: the adapter calls {@link OmemoPipeline.online} when
 * a new session is bound, {@link OmemoPipeline.encryptOutgoing} on each outgoing chat stanza before it is written,
 * and {@link OmemoPipeline.decryptIncoming} on each incoming chat message (live, carbon copy or archive result, after
 * the adapter's own trust checks on the wrapper) before turning it into a contract message.
 *
 * Policy (issue #4): a contact that publishes OMEMO devices gets encrypted messages; each device gets OMEMO 2 when it
 * publishes it, else legacy (one stanza may carry both elements); the own other devices get copies. When a contact
 * publishes devices but no device could be encrypted for, the message is refused rather than sent in the clear.
 * Trust is Blind Trust Before Verification: every device is used, and messages report `unverified`.
 */
import xml, { type Element } from '@xmpp/xml';
import type { KeyValue } from '../../../src/core/contract.js';
import type { Logger } from '../../../src/core/logger.js';
import type { EncryptionInfo } from '../../../src/core/model.js';
import { OmemoDecryptError, OmemoDevice, VERSIONS, type Recipient } from './device.js';
import { fingerprintOf } from './keys.js';
import { announceOwnDevice, fetchBundle, fetchDeviceList, publishBundle, publishDeviceList, type IqRequest } from './pep.js';
import { NS_LEGACY, NS_OMEMO2 } from './profile.js';
import type { OmemoVersion } from './wire.js';
import { NODES, parseDeviceList, versionOfNamespace } from './xml.js';

/** The body other clients show when they cannot decrypt (XEP-0384 §4.5 fallback). */
export const FALLBACK_BODY = 'I sent you an OMEMO encrypted message but your client doesn’t seem to support that.';
const SCHEME: Record<OmemoVersion, EncryptionInfo['scheme']> = { legacy: 'omemo:legacy', omemo2: 'omemo:2' };
const NS_EME = 'urn:xmpp:eme:0';
const NS_HINTS = 'urn:xmpp:hints';
const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';
const SIGNED_PREKEY_ROTATION_MS = 7 * 24 * 3600_000;
/** How long a fetched device list is used before asking again (PEP notifications update it in between). */
const DEVICE_LIST_TTL_MS = 5 * 60_000;
/** How often one sender device may get a repairing key exchange (see repairSession). */
const REPAIR_INTERVAL_MS = 10 * 60_000;
/** Decryption failures that mean this device has no usable session with the sender's device. */
const REPAIRABLE: ReadonlySet<string> = new Set(['no-session', 'broken-session', 'unknown-prekey']);

/** The `+notify` features (XEP-0163 §6) that subscribe us to contacts' device lists of both versions. */
export const OMEMO_NOTIFY_FEATURES = [`${NODES.legacy.devices}+notify`, `${NODES.omemo2.devices}+notify`] as const;

/** What the user decided about a device: `blind` (trusted before verification), `verified`, `distrusted`. */
export interface KnownDevice {
  fingerprint: string;
  trust: 'blind' | 'verified' | 'distrusted';
  /** A different identity key seen for this device id, waiting for the user to accept it by its fingerprint. */
  pending?: string;
}

/** A device of a contact appeared (`added`) or came with a different identity key (`changed`). */
export interface DeviceChange {
  /** The conversation it was seen in: the contact's JID, or the room's for a group message. */
  conversation: string;
  group: boolean;
  jid: string;
  deviceId: number;
  fingerprint: string;
  kind: 'added' | 'changed';
  /** First device ever seen of this contact (the contact started using OMEMO, or natter just met them). */
  first: boolean;
}

const FILES_KEPT = 20;
const filesKey = (conversation: string) => `omemo:files:${conversation}`;

/** Keeps the newest `aesgcm://` links (XEP-0454) that arrived encrypted in a conversation, for `/download`. */
export function rememberFileLinks(kv: KeyValue, conversation: string, body: string): void {
  const links: string[] = body.match(/aesgcm:\/\/\S+/g) ?? [];
  if (links.length === 0) return;
  const list = recentFileLinks(kv, conversation).filter((l) => !links.includes(l));
  kv.set(filesKey(conversation), JSON.stringify([...list, ...links].slice(-FILES_KEPT)));
}

/** The encrypted file links of a conversation, oldest first (at most {@link FILES_KEPT}). */
export function recentFileLinks(kv: KeyValue, conversation: string): string[] {
  try {
    const v = JSON.parse(kv.get(filesKey(conversation.toLowerCase())) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/** Thrown by {@link OmemoPipeline.encryptOutgoing} when encryption is due but impossible: nothing is sent. */
export class OmemoEncryptError extends Error {}

export interface OmemoPipelineOptions {
  kv: KeyValue;
  /** Own bare JID. */
  own: string;
  log: Logger;
  now?: () => number;
  /** A user-visible notice (a contact's new device, a changed identity key): the adapter emits it. */
  notice?: (level: 'info' | 'warn', text: string) => void;
  /** A contact's new device or changed key, for an unmistakable line in the conversation it was seen in. */
  deviceChange?: (change: DeviceChange) => void;
}

export class OmemoPipeline {
  readonly device: OmemoDevice;
  private readonly lists = new Map<string, { at: number; ids: number[] }>();
  /** When each (version, jid, device) last got a repairing key exchange. */
  private readonly repairs = new Map<string, number>();
  /** Each stanza is decrypted once (several handlers may look at it; a second try would be a duplicate). */
  private readonly seen = new WeakMap<Element, EncryptionInfo | undefined>();
  private readonly now: () => number;
  /** The current connection's IQ sender (set by {@link online}), for work that notifications trigger. */
  private request?: IqRequest;

  constructor(private readonly o: OmemoPipelineOptions) {
    this.now = o.now ?? Date.now;
    this.device = OmemoDevice.open(o.kv, o.own, { now: this.now });
  }

  /** A new session is bound: publish both bundles and make sure both own device lists name this device. */
  async online(request: IqRequest): Promise<void> {
    this.request = request;
    // XEP-0384 v0.8 §5.3.3: rotate the signed prekey periodically (weekly to monthly); the previous one stays for
    // key exchanges already under way.
    for (const v of VERSIONS) if (this.device.signedPreKeyAge(v) > SIGNED_PREKEY_ROTATION_MS) this.device.rotateSignedPreKey(v);
    try {
      await announceOwnDevice(request, this.o.own, this.device, VERSIONS);
      this.o.log.info('omemo device announced', { deviceId: this.device.deviceId });
    } catch (e) {
      this.o.log.warn('omemo: publishing the device failed', e);
    }
  }

  /** A PEP notification (XEP-0163) of a device list: refreshes the cache. True when it was one. */
  onPepEvent(m: Element): boolean {
    const items = m.getChild('event', NS_PUBSUB_EVENT)?.getChild('items');
    const node = items?.attrs.node;
    const version = VERSIONS.find((v) => NODES[v].devices === node);
    if (!items || !version) return false;
    const jid = (m.attrs.from ?? this.o.own).split('/')[0]!.toLowerCase();
    const el = items.getChild('item')?.getChildElements()[0];
    try {
      const ids = el ? parseDeviceList(el).ids : [];
      this.lists.set(`${version} ${jid}`, { at: this.now(), ids });
      this.o.log.debug('omemo device list update', { jid, version, ids });
      // Another client of the account dropped this device from the list: put it back (XEP-0384 v0.8 §5.3.1).
      if (jid === this.o.own && !ids.includes(this.device.deviceId) && this.request) void this.online(this.request);
    } catch (e) {
      this.o.log.debug('omemo: bad device list notification', e);
    }
    return true;
  }

  private async deviceIds(request: IqRequest, jid: string, version: OmemoVersion): Promise<number[]> {
    const key = `${version} ${jid}`;
    const cached = this.lists.get(key);
    if (cached && this.now() - cached.at < DEVICE_LIST_TTL_MS) return cached.ids;
    const ids = await fetchDeviceList(request, jid, version);
    this.lists.set(key, { at: this.now(), ids });
    return ids;
  }

  /** Recipients per version: OMEMO 2 for devices that publish it, legacy for the rest. */
  private async recipients(request: IqRequest, jid: string, where: { conversation: string; group: boolean }): Promise<Record<OmemoVersion, Recipient[]>> {
    const two = await this.deviceIds(request, jid, 'omemo2').catch((): number[] => []);
    const legacy = (await this.deviceIds(request, jid, 'legacy').catch((): number[] => [])).filter((id) => !two.includes(id));
    const out: Record<OmemoVersion, Recipient[]> = { omemo2: [], legacy: [] };
    for (const [version, ids] of [['omemo2', two], ['legacy', legacy]] as const) {
      for (const deviceId of ids) {
        if (jid === this.o.own && deviceId === this.device.deviceId) continue;
        const ik = this.device.sessionIdentity(version, jid, deviceId);
        if (ik) {
          // Distrusted devices, and devices whose key changed, get nothing.
          if (this.remember(jid, deviceId, fingerprintOf(version, ik), where) !== 'untrusted') out[version].push({ jid, deviceId });
        }
        else {
          const bundle = await fetchBundle(request, jid, version, deviceId).catch((e: unknown) => {
            this.o.log.debug('omemo: bundle fetch failed', { jid, deviceId, version, error: String(e) });
            return undefined;
          });
          // A device seen for the first time is announced; one whose identity key changed gets nothing.
          if (bundle && this.remember(jid, deviceId, fingerprintOf(version, bundle.identityKey), where) !== 'untrusted') out[version].push({ jid, deviceId, bundle });
        }
      }
    }
    return out;
  }

  /**
   * Encrypts a one-to-one chat stanza in place when `to` publishes OMEMO devices: the `<body/>` becomes the fallback
   * text, `<encrypted/>` elements (one per version in use), an EME hint (XEP-0380) and a store hint (XEP-0334) are
   * added. Returns what protected it, or undefined when `to` has no OMEMO devices (sent as is). Throws
   * {@link OmemoEncryptError} when `to` has devices but none could be encrypted for.
   */
  async encryptOutgoing(stanza: Element, to: string, request: IqRequest): Promise<EncryptionInfo | undefined> {
    const peer = to.split('/')[0]!.toLowerCase();
    return this.encryptFor(stanza, peer, [peer], request, false);
  }

  /**
   * Encrypts a group chat stanza in place for the room's members (their real bare JIDs: the room must be
   * non-anonymous, XEP-0384 §6): as {@link encryptOutgoing}, with `to` in the envelope the room's JID. Members that
   * publish no devices cannot read it; when none does, it goes as is.
   */
  async encryptGroupOutgoing(stanza: Element, room: string, members: string[], request: IqRequest): Promise<EncryptionInfo | undefined> {
    const others = [...new Set(members.map((m) => m.split('/')[0]!.toLowerCase()))].filter((m) => m !== this.o.own);
    return this.encryptFor(stanza, room.toLowerCase(), others, request, true);
  }

  private async encryptFor(stanza: Element, to: string, peers: string[], request: IqRequest, group: boolean): Promise<EncryptionInfo | undefined> {
    const bodyEl = stanza.getChild('body');
    if (!bodyEl || peers.length === 0) return undefined;
    const where = { conversation: to, group };
    const theirs: Record<OmemoVersion, Recipient[]> = { omemo2: [], legacy: [] };
    for (const peer of peers) {
      const r = await this.recipients(request, peer, where);
      theirs.omemo2.push(...r.omemo2);
      theirs.legacy.push(...r.legacy);
    }
    if (theirs.omemo2.length + theirs.legacy.length === 0) {
      // No device to encrypt for: does anyone publish device ids at all? Then refuse rather than leak.
      const listed = peers.filter((peer) => this.listedIds(peer).length > 0);
      if (listed.length) throw new OmemoEncryptError(this.whyNoDevice(to, listed));
      return undefined;
    }
    const peer = to;
    const mine = peers.includes(this.o.own) ? { omemo2: [], legacy: [] } : await this.recipients(request, this.o.own, where);
    const body = bodyEl.text();
    const elements: Element[] = [];
    const failures: string[] = [];
    let used: OmemoVersion | undefined;
    const reached: Array<{ jid: string; deviceId: number }> = [];
    for (const version of VERSIONS) {
      // Own devices of this version get a copy even when the contact is reached through the other version.
      const targets = [...theirs[version], ...mine[version]];
      if (targets.length === 0) continue;
      const r = this.device.encrypt(version, body, targets, { to: peer });
      failures.push(...r.failed.map((f) => `${f.jid}/${f.deviceId}: ${f.error}`));
      if (r.encryptedFor.some((d) => peers.includes(d.jid))) used = version === 'legacy' || !used ? version : used;
      reached.push(...r.encryptedFor.filter((d) => peers.includes(d.jid)));
      if (r.encryptedFor.length) elements.push(r.element);
    }
    if (!used) throw new OmemoEncryptError(`could not encrypt for any device of ${peer}: ${failures.join('; ')}`);
    if (failures.length) this.o.log.warn('omemo: some devices were left out', { failures });
    bodyEl.children = [FALLBACK_BODY];
    stanza.append(...elements);
    stanza.append(xml('encryption', { xmlns: NS_EME, namespace: used === 'legacy' ? NS_LEGACY : NS_OMEMO2, name: 'OMEMO' }));
    if (!stanza.getChild('store', NS_HINTS)) stanza.append(xml('store', { xmlns: NS_HINTS }));
    // Verified only when every device of the other side that can read it was verified by the user.
    const verified = reached.length > 0 && reached.every((d) => this.known(d.jid, d.deviceId)?.trust === 'verified');
    return { scheme: SCHEME[used], senderDevice: String(this.device.deviceId), trust: verified ? 'verified' : 'unverified' };
  }

  /** Device ids the cached device lists of `jid` name (both versions), without asking the server. */
  private listedIds(jid: string): number[] {
    return [...new Set([...(this.lists.get(`omemo2 ${jid}`)?.ids ?? []), ...(this.lists.get(`legacy ${jid}`)?.ids ?? [])])];
  }

  /** Plain words for a message that was not sent because no device of `peers` could be encrypted for. */
  private whyNoDevice(to: string, peers: string[]): string {
    const parts = peers.map((peer) => {
      const states = this.listedIds(peer).map((id) => {
        const k = this.known(peer, id);
        if (!k) return `${id} unreachable (no bundle)`;
        if (k.pending) return `${id} changed its key`;
        return k.trust === 'distrusted' ? `${id} distrusted` : `${id} unreachable`;
      });
      return `${peer}: ${states.join(', ')}`;
    });
    const trustable = parts.some((p) => /distrusted|changed/.test(p));
    const what = trustable
      ? 'compare fingerprints with /omemo, then /omemo trust <device-id or fingerprint>'
      : 'try again later (the devices may publish their keys again)';
    return `not sent: none of the OMEMO devices of ${to} can receive it (${parts.join('; ')}); ${what}, or /omemo off to send this conversation unencrypted`;
  }

  /**
   * The device ids `jid` publishes (both versions, fresh from the server unless cached within a few minutes): empty
   * when the contact does not use OMEMO.
   */
  async publishedDevices(jid: string, request: IqRequest): Promise<number[]> {
    const bare = jid.split('/')[0]!.toLowerCase();
    const ids = new Set<number>();
    for (const v of VERSIONS) for (const id of await this.deviceIds(request, bare, v).catch((): number[] => [])) ids.add(id);
    return [...ids];
  }

  /**
   * Decrypts an incoming chat message in place: the `<body/>` becomes the plaintext, or a placeholder saying why
   * decryption failed, or goes away for an empty OMEMO message (a heartbeat carries no text). Returns what protected
   * the message, or undefined when it carries no OMEMO element. `sender` is the bare JID the adapter has checked.
   */
  decryptIncoming(m: Element, sender: string, request?: IqRequest, send?: (stanza: Element) => void): EncryptionInfo | undefined {
    if (this.seen.has(m)) return this.seen.get(m);
    const info = this.decryptOnce(m, sender, request, send);
    this.seen.set(m, info);
    return info;
  }

  private decryptOnce(m: Element, sender: string, request?: IqRequest, send?: (stanza: Element) => void): EncryptionInfo | undefined {
    const els = m.getChildren('encrypted').filter((e) => versionOfNamespace(e.getNS()));
    if (els.length === 0) return undefined;
    // Prefer OMEMO 2 when both are present; fall back to the other element when ours is not in the first.
    els.sort((a, b) => (a.getNS() === NS_OMEMO2 ? -1 : b.getNS() === NS_OMEMO2 ? 1 : 0));
    let lastError: OmemoDecryptError | undefined;
    let version: OmemoVersion = versionOfNamespace(els[0]!.getNS())!;
    // Our own message coming back (the archive, a carbon of it): this device never encrypts for itself, and the
    // engine already has the text from the send, so nothing is shown (a heartbeat would else become a placeholder).
    if (sender.toLowerCase() === this.o.own && els.every((el) => Number(el.getChild('header')?.attrs.sid) === this.device.deviceId)) {
      this.setBody(m, undefined);
      return { scheme: SCHEME[version], senderDevice: String(this.device.deviceId), trust: 'verified' };
    }
    for (const el of els) {
      version = versionOfNamespace(el.getNS())!;
      try {
        const from = sender.toLowerCase();
        const r = this.device.decrypt(el, from);
        if (r.republishBundle && request) void publishBundle(request, this.device, r.version).catch((e: unknown) => this.o.log.warn('omemo: bundle republish failed', e));
        // XEP-0384 v0.8 §5.6.2 (v0.3 §4.5): answer a new session at once with an empty message, so the initiator
        // stops wrapping its messages in key exchanges.
        if (r.newSession && send && from !== this.o.own) {
          const hb = this.device.encryptEmpty(r.version, [{ jid: from, deviceId: r.senderDevice }]);
          if (hb.encryptedFor.length) send(xml('message', { type: 'chat', to: from }, hb.element, xml('store', { xmlns: NS_HINTS })));
        }
        const group = m.attrs.type === 'groupchat';
        const conversation = group ? (m.attrs.from ?? '').split('/')[0]!.toLowerCase() : from === this.o.own ? (m.attrs.to ?? from).split('/')[0]!.toLowerCase() : from;
        const trust = this.remember(from, r.senderDevice, r.fingerprint, { conversation, group });
        this.setBody(m, r.body);
        if (r.body?.includes('aesgcm://')) rememberFileLinks(this.o.kv, conversation, r.body);
        return { scheme: SCHEME[r.version], senderDevice: String(r.senderDevice), trust };
      } catch (e) {
        if (!(e instanceof OmemoDecryptError)) throw e;
        // Another copy of a message already decrypted (an archive page after the live copy, a carbon and its MAM
        // copy): the engine has the text from the first copy (or it was a heartbeat without any); nothing to show.
        if (e.code === 'duplicate') {
          this.setBody(m, undefined);
          return { scheme: SCHEME[version], trust: 'unknown' };
        }
        lastError = e;
        if (e.code !== 'not-for-us') break;
      }
    }
    const reason = lastError?.message ?? 'unknown error';
    this.o.log.info('omemo: could not decrypt', { sender, code: lastError?.code, reason });
    if (lastError && REPAIRABLE.has(lastError.code) && request && send && sender.toLowerCase() !== this.o.own) {
      const el = els.find((e) => versionOfNamespace(e.getNS()) === version);
      const sid = Number(el?.getChild('header')?.attrs.sid);
      if (version && Number.isSafeInteger(sid) && sid > 0) void this.repairSession(version, sender.toLowerCase(), sid, request, send);
    }
    this.setBody(m, `[OMEMO message that could not be decrypted: ${reason}]`);
    return { scheme: SCHEME[version], trust: 'unknown', error: reason };
  }

  /**
   * Recovers a broken session without the user (the "could not decrypt" pain of other clients): the sender's device
   * encrypts in a session this device no longer has (lost state, a restore, a prekey used up), so every further
   * message would fail too. This device drops its side, builds a fresh session from the sender's bundle and sends an
   * empty key exchange (XEP-0384 v0.8 §5.6.2 heartbeat); the sender's next message then uses the new session. At most
   * once per device in {@link REPAIR_INTERVAL_MS}, so a catch-up full of old undecryptable messages sends one.
   */
  private async repairSession(version: OmemoVersion, jid: string, deviceId: number, request: IqRequest, send: (stanza: Element) => void): Promise<void> {
    const key = `${version} ${jid} ${deviceId}`;
    const last = this.repairs.get(key);
    if (last !== undefined && this.now() - last < REPAIR_INTERVAL_MS) return;
    this.repairs.set(key, this.now());
    try {
      const bundle = await fetchBundle(request, jid, version, deviceId);
      if (!bundle) return;
      // A device whose identity key changed is not re-keyed silently: that needs the user (see remember()).
      if (this.remember(jid, deviceId, fingerprintOf(version, bundle.identityKey), { conversation: jid, group: false }) === 'untrusted') return;
      this.device.dropSession(version, jid, deviceId);
      const hb = this.device.encryptEmpty(version, [{ jid, deviceId, bundle }]);
      if (hb.encryptedFor.length === 0) return;
      send(xml('message', { type: 'chat', to: jid }, hb.element, xml('store', { xmlns: NS_HINTS })));
      this.o.log.info('omemo: sent a new key exchange to repair a broken session', { jid, deviceId, version });
    } catch (e) {
      this.o.log.warn('omemo: session repair failed', { jid, deviceId, error: String(e) });
    }
  }

  /**
   * Blind Trust Before Verification: the first key seen for a device is used (`unverified`) until the user verifies
   * it (`verified`) or distrusts it (`untrusted`, gets nothing); a contact's new device gets a notice; a device whose
   * identity key changed is `untrusted` with a warning (an attack, or a reinstall that kept the device id) until the
   * user accepts the new key with {@link setTrust}.
   */
  private remember(jid: string, deviceId: number, fingerprint: string, where: { conversation: string; group: boolean }): EncryptionInfo['trust'] {
    const known = this.known(jid, deviceId);
    if (known?.fingerprint === fingerprint) return known.trust === 'verified' ? 'verified' : known.trust === 'distrusted' ? 'untrusted' : 'unverified';
    if (known === undefined) {
      const first = this.devices(jid).length === 0;
      this.writeKnown(jid, deviceId, { fingerprint, trust: 'blind' });
      if (jid !== this.o.own) {
        this.o.notice?.('info', `${jid} uses a new OMEMO device ${deviceId}, fingerprint ${fingerprint}`);
        this.o.deviceChange?.({ ...where, jid, deviceId, fingerprint, kind: 'added', first });
      } else this.o.notice?.('info', `a new device of this account: ${deviceId}, fingerprint ${fingerprint}`);
      return 'unverified';
    }
    if (known.pending !== fingerprint) {
      this.writeKnown(jid, deviceId, { ...known, pending: fingerprint });
      this.o.notice?.('warn', `the OMEMO identity key of ${jid}'s device ${deviceId} changed: was ${known.fingerprint}, now ${fingerprint}. Verify it before trusting what it sends.`);
      if (jid !== this.o.own) this.o.deviceChange?.({ ...where, jid, deviceId, fingerprint, kind: 'changed', first: false });
    }
    return 'untrusted';
  }

  private known(jid: string, deviceId: number): KnownDevice | undefined {
    const raw = this.o.kv.get(`omemo:known:${jid}:${deviceId}`);
    if (raw === undefined) return undefined;
    try {
      const j = JSON.parse(raw) as KnownDevice;
      if (typeof j.fingerprint === 'string' && ['blind', 'verified', 'distrusted'].includes(j.trust)) return { fingerprint: j.fingerprint, trust: j.trust, ...(typeof j.pending === 'string' ? { pending: j.pending } : {}) };
    } catch {
      // Unreadable: treated as unknown (a notice follows).
    }
    return undefined;
  }

  private writeKnown(jid: string, deviceId: number, d: KnownDevice): void {
    const indexKey = `omemo:known-devices:${jid}`;
    const ids = new Set<number>(JSON.parse(this.o.kv.get(indexKey) ?? '[]') as number[]);
    ids.add(deviceId);
    this.o.kv.batch([
      { key: `omemo:known:${jid}:${deviceId}`, value: JSON.stringify(d) },
      { key: indexKey, value: JSON.stringify([...ids]) },
    ]);
  }

  /** The devices seen for `jid` (contact or own account) with their fingerprints and trust, for `/omemo` views. */
  devices(jid: string): Array<{ deviceId: number } & KnownDevice> {
    const bare = jid.toLowerCase();
    const ids = JSON.parse(this.o.kv.get(`omemo:known-devices:${bare}`) ?? '[]') as number[];
    return ids.flatMap((deviceId) => {
      const k = this.known(bare, deviceId);
      return k ? [{ deviceId, ...k }] : [];
    });
  }

  /**
   * Sets the trust of a device after the user compared fingerprints: applies only when `fingerprint` (as shown, any
   * spacing) is the device's current key, so a verification never carries over to a replaced key. True when applied.
   */
  setTrust(jid: string, deviceId: number, fingerprint: string, trust: KnownDevice['trust']): boolean {
    const bare = jid.toLowerCase();
    const clean = (f: string) => f.replace(/[^0-9a-f]/gi, '').toLowerCase();
    const known = this.known(bare, deviceId);
    // A changed key (seen in a bundle or a message, `pending`) is accepted only by naming its fingerprint.
    if (known?.pending && clean(known.pending) === clean(fingerprint)) {
      // Sessions built on the old key must not be used for the new one: the next message builds one from the bundle.
      for (const v of VERSIONS) {
        const ik = this.device.sessionIdentity(v, bare, deviceId);
        if (ik && clean(fingerprintOf(v, ik)) !== clean(known.pending)) this.device.dropSession(v, bare, deviceId);
      }
      this.writeKnown(bare, deviceId, { fingerprint: known.pending, trust });
      return true;
    }
    const current = this.currentFingerprint(bare, deviceId) ?? known?.fingerprint;
    if (!current || clean(current) !== clean(fingerprint)) return false;
    this.writeKnown(bare, deviceId, { fingerprint: current, trust });
    return true;
  }

  private currentFingerprint(jid: string, deviceId: number): string | undefined {
    for (const v of VERSIONS) {
      const ik = this.device.sessionIdentity(v, jid, deviceId);
      if (ik) return fingerprintOf(v, ik);
    }
    return undefined;
  }

  /**
   * Removes own other devices (a lost phone, an old install) from both own device lists, on the user's request
   * (XEP-0384 v0.8 §5.3.1: only the own client may edit the list). This device is never removed. Their bundles stay
   * until their owner goes; they get no more copies once the list no longer names them.
   */
  async removeOwnDevices(ids: number[], request: IqRequest): Promise<number[]> {
    const drop = new Set(ids.filter((id) => id !== this.device.deviceId));
    const removed = new Set<number>();
    for (const v of VERSIONS) {
      const current = await fetchDeviceList(request, this.o.own, v);
      const keep = current.filter((id) => !drop.has(id));
      if (keep.length === current.length) continue;
      current.filter((id) => drop.has(id)).forEach((id) => removed.add(id));
      await publishDeviceList(request, v, keep.includes(this.device.deviceId) ? keep : [...keep, this.device.deviceId]);
      this.lists.set(`${v} ${this.o.own}`, { at: this.now(), ids: keep });
    }
    return [...removed];
  }

  /** Own fingerprint as users compare it (hex groups of the Curve25519 identity key). */
  ownFingerprint(): string {
    return this.device.fingerprint();
  }

  /**
   * The `xmpp:` URI with this device's fingerprint that Conversations scans to verify (its QR code): `xmpp:<jid>?
   * omemo-sid-<device id>=<64 hex digits of the Curve25519 identity key>`.
   */
  verificationUri(): string {
    return `xmpp:${this.o.own}?omemo-sid-${this.device.deviceId}=${this.device.fingerprint().replace(/ /g, '')}`;
  }

  private setBody(m: Element, text: string | undefined): void {
    m.children = m.children.filter((c) => typeof c === 'string' || c.name !== 'body');
    if (text !== undefined) m.append(xml('body', {}, text));
  }
}
