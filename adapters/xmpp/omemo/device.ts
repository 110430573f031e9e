/**
 * One own OMEMO device speaking both versions with one identity key and one device id: it publishes bundles, builds
 * sessions from peers' bundles, encrypts a message for a set of peer devices and decrypts what arrives. Headless: it
 * never touches the network (the caller fetches bundles and device lists, see `pep.ts`) and persists through
 * {@link OmemoStore} after every change, so a restart continues every session.
 *
 * Session rules (XEP-0384 v0.8 §5.4–5.6, v0.3 §4.4–4.6; python-omemo behaves the same):
 * - the initiator wraps every message in a key exchange until it has decrypted one from the responder;
 * - a key exchange equal to the one that built the current session is a repeat (more messages sent before our
 *   answer, or a MAM copy), decrypted in that session; a different one replaces the session;
 * - a used one-time prekey is deleted and replaced at once, and the caller is told to republish the bundle.
 */
import { randomInt } from 'node:crypto';
import type { Element } from '@xmpp/xml';
import type { KeyValue } from '../../../src/core/contract.js';
import { concat, equal, utf8 } from './bytes.js';
import {
  fingerprintOf, identityFromSeed, newDeviceId, newIdentity, newPreKey, newSignedPreKey, publicIdentity, type IdentityKey,
} from './keys.js';
import { legacyDecrypt, legacyEmptyKeyMaterial, legacyEncrypt, omemo2Decrypt, omemo2EmptyKeyMaterial, omemo2Encrypt } from './payload.js';
import { PROFILES } from './profile.js';
import { DuplicateMessageError, initActive, initPassive, ratchetDecrypt, ratchetEncrypt } from './ratchet.js';
import { buildEnvelope, parseEnvelope } from './sce.js';
import { OmemoStore, type Session, type X3dhState } from './store.js';
import { openMessage, decodeKeyExchange, encodeKeyExchange, type OmemoVersion } from './wire.js';
import { x3dhActive, x3dhPassive, type Bundle } from './x3dh.js';
import { buildBundle, buildEncrypted, parseEncrypted, type KeyEntry } from './xml.js';

export const VERSIONS: readonly OmemoVersion[] = ['omemo2', 'legacy'];

/** Why a message could not be decrypted, in words for the user (`reason`) and a stable code for the program. */
export class OmemoDecryptError extends Error {
  constructor(
    readonly code: 'not-for-us' | 'no-session' | 'broken-session' | 'duplicate' | 'bad-message' | 'unknown-prekey' | 'payload' | 'envelope',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface Recipient {
  jid: string;
  deviceId: number;
  /** Needed when there is no session with the device yet. */
  bundle?: Bundle;
}

export interface EncryptResult {
  element: Element;
  /** Devices that got key material. */
  encryptedFor: Array<{ jid: string; deviceId: number }>;
  failed: Array<{ jid: string; deviceId: number; error: string }>;
}

export interface DecryptResult {
  version: OmemoVersion;
  senderDevice: number;
  /** Undefined for an empty message (heartbeat / key transport). */
  body?: string;
  /** The sender's identity key (published form) and its fingerprint, for trust decisions. */
  identityKey: Uint8Array;
  fingerprint: string;
  /** The message built a new session (the sender started it). */
  newSession: boolean;
  /** A one-time prekey was used: publish the bundle again. */
  republishBundle: boolean;
  /** OMEMO 2 SCE affixes (the sender's claim, checked against the stanza's sender). */
  envelopeFrom?: string;
  envelopeTo?: string;
}

export interface OmemoDeviceOptions {
  now?: () => number;
  /** One-time prekeys kept per version (XEP-0384 v0.8: SHOULD be around 100; at least 25). */
  preKeyCount?: number;
}

/** The own device: create or load with {@link OmemoDevice.open}. */
export class OmemoDevice {
  private readonly store: OmemoStore;
  private readonly identity: IdentityKey;
  readonly deviceId: number;
  private readonly now: () => number;
  private readonly preKeyCount: number;

  private constructor(kv: KeyValue, readonly ownJid: string, options: OmemoDeviceOptions) {
    this.store = new OmemoStore(kv);
    this.now = options.now ?? Date.now;
    this.preKeyCount = options.preKeyCount ?? 100;
    const stored = this.store.identity();
    const writes: Array<{ key: string; value: string }> = [];
    if (stored) {
      this.identity = identityFromSeed(stored.seed);
      this.deviceId = stored.deviceId;
    } else {
      this.identity = newIdentity();
      this.deviceId = newDeviceId();
      writes.push(this.store.identityWrite({ seed: this.identity.seed, deviceId: this.deviceId }));
    }
    for (const v of VERSIONS) {
      if (this.store.x3dh(v)) continue;
      const preKeys = Array.from({ length: this.preKeyCount }, (_, i) => newPreKey(i + 1));
      writes.push(this.store.x3dhWrite(v, { signedPreKey: newSignedPreKey(v, this.identity, 1, this.now()), preKeys, nextPreKeyId: this.preKeyCount + 1 }));
    }
    if (writes.length) this.store.commit(writes);
  }

  /** Loads the device from the store, creating identity, device id and prekeys on first use. */
  static open(kv: KeyValue, ownJid: string, options: OmemoDeviceOptions = {}): OmemoDevice {
    return new OmemoDevice(kv, ownJid, options);
  }

  /** Own identity key as the version publishes it. */
  identityKey(version: OmemoVersion): Uint8Array {
    return publicIdentity(version, this.identity);
  }

  fingerprint(): string {
    return fingerprintOf('legacy', this.identity.curve.pub);
  }

  private x3dh(version: OmemoVersion): X3dhState {
    const s = this.store.x3dh(version);
    if (!s) throw new Error('OMEMO prekeys missing from the store');
    return s;
  }

  /** The bundle to publish for the version (current signed prekey and all one-time prekeys). */
  bundle(version: OmemoVersion): Element {
    const s = this.x3dh(version);
    return buildBundle(version, this.identity, s.signedPreKey, s.preKeys);
  }

  /** Makes a new signed prekey (the previous one still answers late key exchanges). Republish the bundle after. */
  rotateSignedPreKey(version: OmemoVersion): void {
    const s = this.x3dh(version);
    const next = newSignedPreKey(version, this.identity, s.signedPreKey.id + 1, this.now());
    this.store.commit([this.store.x3dhWrite(version, { ...s, signedPreKey: next, previousSignedPreKey: s.signedPreKey })]);
  }

  /** Age of the current signed prekey in ms (XEP-0384: rotate weekly to monthly). */
  signedPreKeyAge(version: OmemoVersion): number {
    return this.now() - this.x3dh(version).signedPreKey.createdAt;
  }

  /** The peer device's identity key (published form) of the session with it, if there is one. */
  sessionIdentity(version: OmemoVersion, jid: string, deviceId: number): Uint8Array | undefined {
    return this.store.session(version, jid, deviceId)?.identityKey;
  }

  hasSession(version: OmemoVersion, jid: string, deviceId: number): boolean {
    return this.store.session(version, jid, deviceId) !== undefined;
  }

  /** Forgets a session (the next message builds a new one from the bundle): recovery from a broken session. */
  dropSession(version: OmemoVersion, jid: string, deviceId: number): void {
    this.store.deleteSession(version, jid, deviceId);
  }

  private buildActive(version: OmemoVersion, r: Recipient & { bundle: Bundle }): Session {
    if (r.bundle.version !== version) throw new Error(`bundle is for ${r.bundle.version}, not ${version}`);
    const x = x3dhActive(this.identity, r.bundle, (n) => randomInt(0, n));
    return {
      version,
      jid: r.jid,
      deviceId: r.deviceId,
      identityKey: r.bundle.identityKey,
      initiator: true,
      associatedData: x.associatedData,
      ratchet: initActive(version, x.sharedSecret, x.signedPreKey),
      kex: { preKeyId: x.preKeyId, signedPreKeyId: x.signedPreKeyId, ephemeralKey: x.ephemeralKey },
      confirmed: false,
    };
  }

  /** AD for a ratchet message: legacy orders sender ‖ receiver, OMEMO 2 initiator ‖ responder. */
  private adFor(s: Session, sending: boolean): Uint8Array {
    const ad = s.associatedData;
    if (!PROFILES[s.version].adBySender) return ad;
    const half = ad.length / 2;
    const swap = concat(ad.subarray(half), ad.subarray(0, half));
    // Stored order is initiator ‖ responder; a sending initiator and a receiving responder use it as is.
    return sending === s.initiator ? ad : swap;
  }

  private encryptKey(s: Session, keyMaterial: Uint8Array): { session: Session; entry: KeyEntry } {
    const { state, message } = ratchetEncrypt(s.version, s.ratchet, keyMaterial, this.adFor(s, true));
    const session = { ...s, ratchet: state };
    if (s.initiator && !s.confirmed) {
      const data = encodeKeyExchange(s.version, {
        preKeyId: s.kex.preKeyId,
        signedPreKeyId: s.kex.signedPreKeyId,
        identityKey: this.identityKey(s.version),
        ephemeralKey: s.kex.ephemeralKey,
        message,
      });
      return { session, entry: { jid: s.jid, rid: s.deviceId, kex: true, data } };
    }
    return { session, entry: { jid: s.jid, rid: s.deviceId, kex: false, data: message } };
  }

  private encryptFor(version: OmemoVersion, keyMaterial: Uint8Array, recipients: Recipient[]): Omit<EncryptResult, 'element'> & { keys: KeyEntry[] } {
    const keys: KeyEntry[] = [];
    const encryptedFor: EncryptResult['encryptedFor'] = [];
    const failed: EncryptResult['failed'] = [];
    const writes: Array<{ key: string; value: string }> = [];
    for (const r of recipients) {
      if (r.jid === this.ownJid && r.deviceId === this.deviceId) continue;
      try {
        let s = this.store.session(version, r.jid, r.deviceId);
        if (!s) {
          if (!r.bundle) throw new Error('no session and no bundle');
          s = this.buildActive(version, { ...r, bundle: r.bundle });
        }
        const { session, entry } = this.encryptKey(s, keyMaterial);
        keys.push(entry);
        writes.push(this.store.sessionWrite(session));
        encryptedFor.push({ jid: r.jid, deviceId: r.deviceId });
      } catch (e) {
        failed.push({ jid: r.jid, deviceId: r.deviceId, error: e instanceof Error ? e.message : String(e) });
      }
    }
    if (writes.length) this.store.commit(writes);
    return { keys, encryptedFor, failed };
  }

  /**
   * Encrypts a body for the given devices. Legacy encrypts the body text itself; OMEMO 2 an SCE envelope naming
   * `from` (our bare JID) and `to` (the contact's bare JID or the room). The caller adds the element, a fallback
   * body and a store hint to the message stanza.
   */
  encrypt(version: OmemoVersion, body: string, recipients: Recipient[], envelope: { to: string }): EncryptResult {
    if (version === 'legacy') {
      const p = legacyEncrypt(utf8(body));
      const r = this.encryptFor(version, p.keyMaterial, recipients);
      return { element: buildEncrypted({ version, sid: this.deviceId, keys: r.keys, iv: p.iv, payload: p.ciphertext }), encryptedFor: r.encryptedFor, failed: r.failed };
    }
    const p = omemo2Encrypt(utf8(buildEnvelope({ body, from: this.ownJid, to: envelope.to })));
    const r = this.encryptFor(version, p.keyMaterial, recipients);
    return { element: buildEncrypted({ version, sid: this.deviceId, keys: r.keys, payload: p.ciphertext }), encryptedFor: r.encryptedFor, failed: r.failed };
  }

  /** An empty OMEMO message (no payload): a heartbeat that confirms a session or moves the ratchet forward. */
  encryptEmpty(version: OmemoVersion, recipients: Recipient[]): EncryptResult {
    const km = version === 'legacy' ? legacyEmptyKeyMaterial() : omemo2EmptyKeyMaterial();
    const r = this.encryptFor(version, km, recipients);
    const iv = version === 'legacy' ? new Uint8Array(12) : undefined;
    return { element: buildEncrypted({ version, sid: this.deviceId, keys: r.keys, iv }), encryptedFor: r.encryptedFor, failed: r.failed };
  }

  /**
   * Decrypts an `<encrypted/>` element sent by `senderJid` (bare). Throws {@link OmemoDecryptError}; on any failure
   * the stored state is unchanged.
   */
  decrypt(el: Element, senderJid: string): DecryptResult {
    let parsed;
    try {
      parsed = parseEncrypted(el, this.ownJid);
    } catch (e) {
      throw new OmemoDecryptError('bad-message', 'the encrypted element is malformed', { cause: e });
    }
    const version = parsed.version;
    const entry = parsed.keys.find((k) => k.rid === this.deviceId && (version === 'legacy' || k.jid === this.ownJid));
    if (!entry) throw new OmemoDecryptError('not-for-us', 'the message was not encrypted for this device');
    const sid = parsed.sid;
    const existing = this.store.session(version, senderJid, sid);
    const writes: Array<{ key: string; value: string | undefined }> = [];
    let session: Session;
    let keyMaterial: Uint8Array;
    let newSession = false;
    let republishBundle = false;

    if (entry.kex) {
      let kex;
      try {
        kex = decodeKeyExchange(version, entry.data);
      } catch (e) {
        throw new OmemoDecryptError('bad-message', 'the key exchange is malformed', { cause: e });
      }
      const repeat = existing && !existing.initiator && equal(existing.kex.ephemeralKey, kex.ephemeralKey) && existing.kex.preKeyId === kex.preKeyId && existing.kex.signedPreKeyId === kex.signedPreKeyId;
      if (repeat) {
        session = existing;
        try {
          keyMaterial = this.ratchetOpen(session, kex.message, (s) => (session = s));
        } catch (e) {
          // The key exchange that built this session, again: a copy of a message already read (MAM, offline
          // storage of unacknowledged stanzas), whose chain has moved on.
          throw new OmemoDecryptError('duplicate', 'the message was already decrypted before', { cause: e });
        }
      } else {
        const x = this.x3dh(version);
        const spk = x.signedPreKey.id === kex.signedPreKeyId ? x.signedPreKey : x.previousSignedPreKey?.id === kex.signedPreKeyId ? x.previousSignedPreKey : undefined;
        const pk = x.preKeys.find((p) => p.id === kex.preKeyId);
        if (!spk || !pk) throw new OmemoDecryptError('unknown-prekey', `the key exchange uses a prekey this device no longer has (signed ${kex.signedPreKeyId}, one-time ${kex.preKeyId})`);
        let firstHeader;
        try {
          firstHeader = openMessage(version, kex.message).header;
        } catch (e) {
          throw new OmemoDecryptError('bad-message', 'the message inside the key exchange is malformed', { cause: e });
        }
        const agreed = x3dhPassive(version, this.identity, kex.identityKey, kex.ephemeralKey, spk, pk);
        session = {
          version,
          jid: senderJid,
          deviceId: sid,
          identityKey: kex.identityKey,
          initiator: false,
          associatedData: agreed.associatedData,
          ratchet: initPassive(version, agreed.sharedSecret, spk.pair, firstHeader.dh),
          kex: { preKeyId: kex.preKeyId, signedPreKeyId: kex.signedPreKeyId, ephemeralKey: kex.ephemeralKey },
          confirmed: true,
        };
        keyMaterial = this.ratchetOpen(session, kex.message, (s) => (session = s));
        newSession = true;
        republishBundle = true;
        const preKeys = x.preKeys.filter((p) => p.id !== pk.id);
        preKeys.push(newPreKey(x.nextPreKeyId));
        writes.push(this.store.x3dhWrite(version, { ...x, preKeys, nextPreKeyId: x.nextPreKeyId + 1 }));
      }
    } else {
      if (!existing) throw new OmemoDecryptError('no-session', `no session with ${senderJid} device ${sid}`);
      session = existing;
      keyMaterial = this.ratchetOpen(session, entry.data, (s) => (session = s));
    }

    // The key material is authentic: the payload is checked before anything is stored, so a forged payload with a
    // replayed key does not advance the session.
    let body: string | undefined;
    let envelopeFrom: string | undefined;
    let envelopeTo: string | undefined;
    if (parsed.payload) {
      try {
        if (version === 'legacy') {
          if (!parsed.iv) throw new Error('legacy message without IV');
          body = new TextDecoder('utf-8', { fatal: true }).decode(legacyDecrypt(keyMaterial, parsed.iv, parsed.payload));
        } else {
          const env = parseEnvelope(new TextDecoder('utf-8', { fatal: true }).decode(omemo2Decrypt(keyMaterial, parsed.payload)));
          if (env.from !== undefined && env.from !== senderJid) throw new OmemoDecryptError('envelope', `the encrypted envelope claims to be from ${env.from}, not ${senderJid}`);
          body = env.body;
          envelopeFrom = env.from;
          envelopeTo = env.to;
        }
      } catch (e) {
        if (e instanceof OmemoDecryptError) throw e;
        throw new OmemoDecryptError('payload', 'the message content does not decrypt', { cause: e });
      }
    }
    session = { ...session, confirmed: true };
    writes.push(this.store.sessionWrite(session));
    this.store.commit(writes);
    return {
      version,
      senderDevice: sid,
      body,
      identityKey: session.identityKey,
      fingerprint: fingerprintOf(version, session.identityKey),
      newSession,
      republishBundle,
      envelopeFrom,
      envelopeTo,
    };
  }

  private ratchetOpen(s: Session, data: Uint8Array, set: (s: Session) => void): Uint8Array {
    try {
      const { state, plaintext } = ratchetDecrypt(s.version, s.ratchet, data, this.adFor(s, false));
      set({ ...s, ratchet: state });
      return plaintext;
    } catch (e) {
      if (e instanceof DuplicateMessageError) throw new OmemoDecryptError('duplicate', 'the message was already decrypted before', { cause: e });
      throw new OmemoDecryptError('broken-session', 'the message does not decrypt in the session with this device', { cause: e });
    }
  }
}
