/**
 * Payload encryption, the part outside the ratchet.
 *
 * - Legacy (XEP-0384 v0.3 §4.5): the body text under AES-128-GCM with a random key and 12-byte IV; the 16-byte key
 *   and the 16-byte GCM tag together (32 bytes) are what each device's ratchet encrypts; the IV goes in the header.
 * - OMEMO 2 (XEP-0384 v0.8 §4.4): a random 32-byte key; HKDF-SHA-256(salt = 32 zero bytes, info "OMEMO Payload")
 *   gives an AES-256 key ‖ HMAC key ‖ IV (80 bytes); the plaintext (an XEP-0420 SCE envelope) under AES-256-CBC;
 *   the first 16 bytes of HMAC-SHA-256(ciphertext) are the tag; key ‖ tag (48 bytes) go into each ratchet.
 * - Empty messages (heartbeats, key transport) carry key material but no payload.
 */
import { randomBytes } from 'node:crypto';
import { concat, equal } from './bytes.js';
import { aesCbcDecrypt, aesCbcEncrypt, aesGcmDecrypt, aesGcmEncrypt, hkdf, hmacSha256 } from './primitives.js';

export class PayloadError extends Error {}

export interface LegacyPayload {
  iv: Uint8Array;
  ciphertext: Uint8Array;
  /** key (16) ‖ GCM tag (16). */
  keyMaterial: Uint8Array;
}

export function legacyEncrypt(plain: Uint8Array): LegacyPayload {
  const key = new Uint8Array(randomBytes(16));
  const iv = new Uint8Array(randomBytes(12));
  const { ciphertext, tag } = aesGcmEncrypt(key, iv, plain);
  return { iv, ciphertext, keyMaterial: concat(key, tag) };
}

export function legacyDecrypt(keyMaterial: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  // Some old clients appended the tag to the payload and sent a 16-byte key (XEP-0384 v0.3 leaves it open).
  let key = keyMaterial;
  let tag: Uint8Array;
  let ct = ciphertext;
  if (keyMaterial.length >= 32) {
    key = keyMaterial.subarray(0, 16);
    tag = keyMaterial.subarray(16, 32);
  } else if (keyMaterial.length === 16 && ciphertext.length >= 16) {
    tag = ciphertext.subarray(ciphertext.length - 16);
    ct = ciphertext.subarray(0, ciphertext.length - 16);
  } else throw new PayloadError('key material too short');
  try {
    return aesGcmDecrypt(key, iv, ct, tag);
  } catch (e) {
    throw new PayloadError('the payload does not decrypt (AES-GCM tag mismatch)', { cause: e });
  }
}

/** Key material for an empty legacy message: a fresh key, no tag (python-oldmemo, libsignal clients). */
export const legacyEmptyKeyMaterial = (): Uint8Array => new Uint8Array(randomBytes(16));

function payloadKeys(key: Uint8Array): { enc: Uint8Array; auth: Uint8Array; iv: Uint8Array } {
  const out = hkdf(key, new Uint8Array(32), 'OMEMO Payload', 80);
  return { enc: out.slice(0, 32), auth: out.slice(32, 64), iv: out.slice(64) };
}

export function omemo2Encrypt(plain: Uint8Array): { ciphertext: Uint8Array; keyMaterial: Uint8Array } {
  const key = new Uint8Array(randomBytes(32));
  const k = payloadKeys(key);
  const ciphertext = aesCbcEncrypt(k.enc, k.iv, plain);
  return { ciphertext, keyMaterial: concat(key, hmacSha256(k.auth, ciphertext).slice(0, 16)) };
}

export function omemo2Decrypt(keyMaterial: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (keyMaterial.length !== 48) throw new PayloadError(`key material has ${keyMaterial.length} bytes, expected 48`);
  const k = payloadKeys(keyMaterial.subarray(0, 32));
  if (!equal(hmacSha256(k.auth, ciphertext).slice(0, 16), keyMaterial.subarray(32))) {
    throw new PayloadError('the payload does not authenticate (HMAC mismatch)');
  }
  try {
    return aesCbcDecrypt(k.enc, k.iv, ciphertext);
  } catch (e) {
    throw new PayloadError('the payload does not decrypt', { cause: e });
  }
}

/** Key material for an empty OMEMO 2 message: 32 zero bytes (python-twomemo; XEP-0384 v0.8 §4.6). */
export const omemo2EmptyKeyMaterial = (): Uint8Array => new Uint8Array(32);
