/**
 * The Double Ratchet (Signal's "The Double Ratchet Algorithm", rev. 1, §3) with the OMEMO parameters:
 * - KDF_RK: HKDF-SHA-256(salt = root key, IKM = DH output, info = the version's root info) → 32-byte root key ‖
 *   32-byte chain key;
 * - KDF_CK: message key = HMAC-SHA-256(ck, 0x01), next chain key = HMAC-SHA-256(ck, 0x02);
 * - ENCRYPT: HKDF-SHA-256(salt = 32 zero bytes, IKM = message key, info = the version's message key info) → AES-256
 *   key ‖ HMAC key ‖ 16-byte IV; AES-256-CBC/PKCS#7; MAC = HMAC-SHA-256(AD ‖ serialized message) truncated to 8
 *   (legacy) or 16 (OMEMO 2) bytes.
 * - The initiator starts with a sending chain towards the responder's signed prekey; the responder's first receiving
 *   chain uses its signed prekey as its own ratchet key (X3DH §3.3, as libsignal and python-doubleratchet do).
 *
 * States are plain data: every operation works on a copy and returns the new state, so a message that fails to
 * decrypt never changes the session. Skipped message keys are kept up to {@link MAX_SKIPPED_PER_SESSION} (oldest
 * dropped first); a single message may skip at most {@link MAX_SKIP} (a DoS guard, §3.5 MAX_SKIP).
 */
import { equal, toB64 } from './bytes.js';
import { aesCbcDecrypt, aesCbcEncrypt, dh, hkdf, hmacSha256, randomKeyPair, type KeyPair } from './primitives.js';
import { PROFILES } from './profile.js';
import { encodeMessageBody, openMessage, sealMessage, type OmemoVersion, type RatchetHeader } from './wire.js';

export const MAX_SKIP = 1000;
export const MAX_SKIPPED_PER_SESSION = 1000;

export interface SkippedKey {
  dh: string;
  n: number;
  mk: Uint8Array;
}

export interface RatchetState {
  rootKey: Uint8Array;
  self: KeyPair;
  remote: Uint8Array;
  sendChain: Uint8Array;
  sendN: number;
  prevN: number;
  recvChain?: Uint8Array;
  recvN: number;
  skipped: SkippedKey[];
}

export class RatchetError extends Error {}
/** The message was decrypted before (its key is gone): not a broken session. */
export class DuplicateMessageError extends RatchetError {}

const ONE = new Uint8Array([1]);
const TWO = new Uint8Array([2]);

function kdfRk(version: OmemoVersion, rk: Uint8Array, dhOut: Uint8Array): [Uint8Array, Uint8Array] {
  const out = hkdf(dhOut, rk, PROFILES[version].rootInfo, 64);
  return [out.slice(0, 32), out.slice(32)];
}

function kdfCk(ck: Uint8Array): [Uint8Array, Uint8Array] {
  return [hmacSha256(ck, TWO), hmacSha256(ck, ONE)];
}

function messageKeys(version: OmemoVersion, mk: Uint8Array): { enc: Uint8Array; auth: Uint8Array; iv: Uint8Array } {
  const out = hkdf(mk, new Uint8Array(32), PROFILES[version].messageKeyInfo, 80);
  return { enc: out.slice(0, 32), auth: out.slice(32, 64), iv: out.slice(64) };
}

const clone = (s: RatchetState): RatchetState => structuredClone(s);

/** Initiator: the first remote ratchet key is the responder's signed prekey. */
export function initActive(version: OmemoVersion, sharedSecret: Uint8Array, theirSignedPreKey: Uint8Array): RatchetState {
  const self = randomKeyPair();
  const [rootKey, sendChain] = kdfRk(version, sharedSecret, dh(self.priv, theirSignedPreKey));
  return { rootKey, self, remote: theirSignedPreKey, sendChain, sendN: 0, prevN: 0, recvN: 0, skipped: [] };
}

/** Responder: our signed prekey is the first own ratchet key; the first message's ratchet key is the remote one. */
export function initPassive(version: OmemoVersion, sharedSecret: Uint8Array, ownSignedPreKey: KeyPair, theirRatchetKey: Uint8Array): RatchetState {
  const [rk1, recvChain] = kdfRk(version, sharedSecret, dh(ownSignedPreKey.priv, theirRatchetKey));
  const self = randomKeyPair();
  const [rootKey, sendChain] = kdfRk(version, rk1, dh(self.priv, theirRatchetKey));
  return { rootKey, self, remote: theirRatchetKey, sendChain, sendN: 0, prevN: 0, recvChain, recvN: 0, skipped: [] };
}

/** Encrypts one plaintext; returns the new state and the authenticated message as it travels. */
export function ratchetEncrypt(version: OmemoVersion, state: RatchetState, plaintext: Uint8Array, ad: Uint8Array): { state: RatchetState; message: Uint8Array } {
  const s = clone(state);
  const [nextCk, mk] = kdfCk(s.sendChain);
  const header: RatchetHeader = { dh: s.self.pub, n: s.sendN, pn: s.prevN };
  s.sendChain = nextCk;
  s.sendN += 1;
  const k = messageKeys(version, mk);
  const body = encodeMessageBody(version, header, aesCbcEncrypt(k.enc, k.iv, plaintext));
  const mac = hmacSha256(k.auth, ad, body).slice(0, PROFILES[version].macLength);
  return { state: s, message: sealMessage(version, body, mac) };
}

function skipUntil(s: RatchetState, until: number): void {
  if (!s.recvChain) return;
  if (until - s.recvN > MAX_SKIP) throw new RatchetError(`message skips more than ${MAX_SKIP} keys`);
  const remote = toB64(s.remote);
  while (s.recvN < until) {
    const [nextCk, mk] = kdfCk(s.recvChain);
    s.skipped.push({ dh: remote, n: s.recvN, mk });
    s.recvChain = nextCk;
    s.recvN += 1;
  }
  if (s.skipped.length > MAX_SKIPPED_PER_SESSION) s.skipped.splice(0, s.skipped.length - MAX_SKIPPED_PER_SESSION);
}

function open(version: OmemoVersion, mk: Uint8Array, ad: Uint8Array, macInput: Uint8Array, mac: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const k = messageKeys(version, mk);
  const expected = hmacSha256(k.auth, ad, macInput).slice(0, PROFILES[version].macLength);
  if (!equal(expected, mac)) throw new RatchetError('message authentication failed');
  try {
    return aesCbcDecrypt(k.enc, k.iv, ciphertext);
  } catch (e) {
    throw new RatchetError('message decryption failed', { cause: e });
  }
}

/** Decrypts one authenticated message; the returned state replaces the old one only on success. */
export function ratchetDecrypt(version: OmemoVersion, state: RatchetState, data: Uint8Array, ad: Uint8Array): { state: RatchetState; plaintext: Uint8Array } {
  let msg;
  try {
    msg = openMessage(version, data);
  } catch (e) {
    throw new RatchetError('malformed message', { cause: e });
  }
  const s = clone(state);
  const h = msg.header;
  const dhB64 = toB64(h.dh);
  const idx = s.skipped.findIndex((k) => k.dh === dhB64 && k.n === h.n);
  if (idx >= 0) {
    const plaintext = open(version, s.skipped[idx]!.mk, ad, msg.macInput, msg.mac, msg.ciphertext);
    s.skipped.splice(idx, 1);
    return { state: s, plaintext };
  }
  if (!equal(h.dh, s.remote)) {
    skipUntil(s, h.pn);
    s.remote = h.dh;
    [s.rootKey, s.recvChain] = kdfRk(version, s.rootKey, dh(s.self.priv, s.remote));
    s.recvN = 0;
    s.prevN = s.sendN;
    s.sendN = 0;
    s.self = randomKeyPair();
    [s.rootKey, s.sendChain] = kdfRk(version, s.rootKey, dh(s.self.priv, s.remote));
  }
  if (!s.recvChain) throw new RatchetError('no receiving chain yet');
  if (h.n < s.recvN) throw new DuplicateMessageError('message already decrypted (or its key was dropped)');
  skipUntil(s, h.n);
  const [nextCk, mk] = kdfCk(s.recvChain);
  const plaintext = open(version, mk, ad, msg.macInput, msg.mac, msg.ciphertext);
  s.recvChain = nextCk;
  s.recvN += 1;
  return { state: s, plaintext };
}

/** Serialized form for the store (base64 fields). */
export function ratchetToJson(s: RatchetState): unknown {
  return {
    rk: toB64(s.rootKey),
    sp: toB64(s.self.priv),
    su: toB64(s.self.pub),
    r: toB64(s.remote),
    cs: toB64(s.sendChain),
    ns: s.sendN,
    pn: s.prevN,
    cr: s.recvChain ? toB64(s.recvChain) : undefined,
    nr: s.recvN,
    sk: s.skipped.map((k) => [k.dh, k.n, toB64(k.mk)]),
  };
}

export function ratchetFromJson(j: unknown, b64: (s: string) => Uint8Array): RatchetState {
  const o = j as Record<string, unknown>;
  const str = (k: string): string => {
    if (typeof o[k] !== 'string') throw new RatchetError(`stored ratchet: ${k} missing`);
    return o[k];
  };
  const num = (k: string): number => {
    if (typeof o[k] !== 'number') throw new RatchetError(`stored ratchet: ${k} missing`);
    return o[k];
  };
  return {
    rootKey: b64(str('rk')),
    self: { priv: b64(str('sp')), pub: b64(str('su')) },
    remote: b64(str('r')),
    sendChain: b64(str('cs')),
    sendN: num('ns'),
    prevN: num('pn'),
    recvChain: typeof o.cr === 'string' ? b64(o.cr) : undefined,
    recvN: num('nr'),
    skipped: (Array.isArray(o.sk) ? (o.sk as Array<[string, number, string]>) : []).map(([d, n, mk]) => ({ dh: d, n, mk: b64(mk) })),
  };
}

