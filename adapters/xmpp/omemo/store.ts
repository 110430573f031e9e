/**
 * Persistence of OMEMO state through the adapter's key-value store (the contract's `KeyValue`, kept by the engine in
 * the profile's 0600 database). Values are JSON with base64 byte fields. Nothing here is ever logged: keys, seeds and
 * chain keys only ever go to the store.
 *
 * Keys (all under `omemo:`):
 * - `omemo:identity` — identity seed and own device id;
 * - `omemo:x3dh:<version>` — signed prekeys (current and previous) and the one-time prekey pool;
 * - `omemo:session:<version>:<bare jid>:<device id>` — one Double Ratchet session.
 */
import type { KeyValue } from '../../../src/core/contract.js';
import { fromB64, toB64 } from './bytes.js';
import type { PreKey, SignedPreKey } from './keys.js';
import { ratchetFromJson, ratchetToJson, type RatchetState } from './ratchet.js';
import type { OmemoVersion } from './wire.js';

export class OmemoStoreError extends Error {}

export interface StoredIdentity {
  seed: Uint8Array;
  deviceId: number;
}

export interface X3dhState {
  signedPreKey: SignedPreKey;
  previousSignedPreKey?: SignedPreKey;
  preKeys: PreKey[];
  nextPreKeyId: number;
}

export interface Session {
  version: OmemoVersion;
  jid: string;
  deviceId: number;
  /** The peer's identity key in the version's published form. */
  identityKey: Uint8Array;
  /** We started the session (X3DH initiator). */
  initiator: boolean;
  /** IK_initiator ‖ IK_responder in the version's encoding. */
  associatedData: Uint8Array;
  ratchet: RatchetState;
  /** The key exchange: sent with each message while unconfirmed (initiator), or the one that built it (responder). */
  kex: { preKeyId: number; signedPreKeyId: number; ephemeralKey: Uint8Array };
  /** A message from the peer was decrypted in this session (initiator stops sending key exchanges). */
  confirmed: boolean;
}

const spkToJson = (k: SignedPreKey) => ({ id: k.id, priv: toB64(k.pair.priv), pub: toB64(k.pair.pub), sig: toB64(k.signature), at: k.createdAt });
const spkFromJson = (j: { id: number; priv: string; pub: string; sig: string; at: number }): SignedPreKey => ({
  id: j.id,
  pair: { priv: fromB64(j.priv), pub: fromB64(j.pub) },
  signature: fromB64(j.sig),
  createdAt: j.at,
});

export const sessionKey = (version: OmemoVersion, jid: string, deviceId: number): string => `omemo:session:${version}:${jid}:${deviceId}`;
const x3dhKey = (version: OmemoVersion): string => `omemo:x3dh:${version}`;
const IDENTITY = 'omemo:identity';

/** Typed reads and writes of the OMEMO state over a KeyValue. */
export class OmemoStore {
  constructor(private readonly kv: KeyValue) {}

  private json<T>(key: string): T | undefined {
    const raw = this.kv.get(key);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch (e) {
      throw new OmemoStoreError(`stored OMEMO state under ${key} is corrupt`, { cause: e });
    }
  }

  identity(): StoredIdentity | undefined {
    const j = this.json<{ seed: string; deviceId: number }>(IDENTITY);
    return j ? { seed: fromB64(j.seed), deviceId: j.deviceId } : undefined;
  }

  identityWrite(id: StoredIdentity): { key: string; value: string } {
    return { key: IDENTITY, value: JSON.stringify({ seed: toB64(id.seed), deviceId: id.deviceId }) };
  }

  x3dh(version: OmemoVersion): X3dhState | undefined {
    const j = this.json<{ spk: Parameters<typeof spkFromJson>[0]; old?: Parameters<typeof spkFromJson>[0]; pks: Array<[number, string, string]>; next: number }>(x3dhKey(version));
    if (!j) return undefined;
    return {
      signedPreKey: spkFromJson(j.spk),
      previousSignedPreKey: j.old ? spkFromJson(j.old) : undefined,
      preKeys: j.pks.map(([id, priv, pub]) => ({ id, pair: { priv: fromB64(priv), pub: fromB64(pub) } })),
      nextPreKeyId: j.next,
    };
  }

  x3dhWrite(version: OmemoVersion, s: X3dhState): { key: string; value: string } {
    return {
      key: x3dhKey(version),
      value: JSON.stringify({
        spk: spkToJson(s.signedPreKey),
        old: s.previousSignedPreKey ? spkToJson(s.previousSignedPreKey) : undefined,
        pks: s.preKeys.map((p) => [p.id, toB64(p.pair.priv), toB64(p.pair.pub)]),
        next: s.nextPreKeyId,
      }),
    };
  }

  session(version: OmemoVersion, jid: string, deviceId: number): Session | undefined {
    const j = this.json<Record<string, unknown>>(sessionKey(version, jid, deviceId));
    if (!j) return undefined;
    const kex = j.kex as { pk: number; spk: number; ek: string };
    return {
      version,
      jid,
      deviceId,
      identityKey: fromB64(j.ik as string),
      initiator: j.init === true,
      associatedData: fromB64(j.ad as string),
      ratchet: ratchetFromJson(j.dr, fromB64),
      kex: { preKeyId: kex.pk, signedPreKeyId: kex.spk, ephemeralKey: fromB64(kex.ek) },
      confirmed: j.ok === true,
    };
  }

  sessionWrite(s: Session): { key: string; value: string } {
    return {
      key: sessionKey(s.version, s.jid, s.deviceId),
      value: JSON.stringify({
        ik: toB64(s.identityKey),
        init: s.initiator,
        ad: toB64(s.associatedData),
        dr: ratchetToJson(s.ratchet),
        kex: { pk: s.kex.preKeyId, spk: s.kex.signedPreKeyId, ek: toB64(s.kex.ephemeralKey) },
        ok: s.confirmed,
      }),
    };
  }

  /** Several writes in one transaction (a consumed prekey and the session it built land together). */
  commit(writes: Array<{ key: string; value: string | undefined }>): void {
    this.kv.batch(writes);
  }

  deleteSession(version: OmemoVersion, jid: string, deviceId: number): void {
    this.kv.delete(sessionKey(version, jid, deviceId));
  }
}
