/**
 * The cryptographic building blocks of OMEMO, on audited primitives: @noble/curves for the curve arithmetic
 * (X25519 per RFC 7748, Ed25519 per RFC 8032), @noble/hashes for HMAC-SHA-256 (HKDF per RFC 5869 on top), and
 * node:crypto (OpenSSL) for SHA-512 and AES.
 *
 * - XEdDSA (Signal's "The XEdDSA and VXEdDSA Signature Schemes", rev. 1, §2.3/§2.4): Ed25519-compatible signatures
 *   made with a Montgomery (X25519) private key, verified against a Montgomery public key.
 * - Legacy OMEMO signatures (libsignal's `curve25519_sign`, python-oldmemo): the signer's Edwards sign bit rides in
 *   the otherwise always-zero top bit of the signature (byte 63, bit 7); {@link verifyCurveSignature} honours it, so
 *   signatures made by identity keys with either sign bit verify.
 * - Birational maps between Edwards25519 and Curve25519 (RFC 7748 §4.1): u = (1+y)/(1−y), y = (u−1)/(u+1).
 */
import { createHash, hkdfSync, randomBytes, createCipheriv, createDecipheriv } from 'node:crypto';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bigToLe, concat, equal, leToBig } from './bytes.js';

const Point = ed25519.Point;
const Fp = Point.Fp;
const Fn = Point.Fn;
const P = Fp.ORDER;
const Q = Fn.ORDER;

/** A Curve25519 key pair (32-byte private scalar as X25519 takes it, 32-byte u-coordinate). */
export interface KeyPair {
  priv: Uint8Array;
  pub: Uint8Array;
}

export function randomKeyPair(): KeyPair {
  const priv = x25519.utils.randomSecretKey();
  return { priv, pub: x25519.getPublicKey(priv) };
}

export const x25519Public = (priv: Uint8Array): Uint8Array => x25519.getPublicKey(priv);

/** X25519 (RFC 7748 §5); throws on low-order peer keys (an all-zero shared secret). */
export function dh(priv: Uint8Array, pub: Uint8Array): Uint8Array {
  return x25519.getSharedSecret(priv, pub);
}

/** Edwards public key → Montgomery u (RFC 7748 §4.1); the Edwards sign bit is lost. */
export function edToCurve(edPub: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomery(edPub);
}

/** Montgomery u → Edwards public key with the given sign bit (XEdDSA §2.3 `convert_mont`, which uses sign 0). */
export function curveToEd(curvePub: Uint8Array, signBit: 0 | 1): Uint8Array {
  if (curvePub.length !== 32) throw new Error('Curve25519 key must be 32 bytes');
  const u = leToBig(curvePub) & ((1n << 255n) - 1n);
  if (u >= P) throw new Error('Curve25519 key out of range');
  const y = Fp.div(Fp.sub(u, 1n), Fp.add(u, 1n));
  const out = bigToLe(y);
  out[31] = (out[31]! & 0x7f) | (signBit << 7);
  return out;
}

/** The Ed25519 public key and the X25519 private/public pair of a 32-byte Ed25519 seed (RFC 8032 §5.1.5). */
export function seedKeys(seed: Uint8Array): { edPub: Uint8Array; curve: KeyPair } {
  const edPub = ed25519.getPublicKey(seed);
  const priv = ed25519.utils.toMontgomerySecret(seed);
  return { edPub, curve: { priv, pub: x25519.getPublicKey(priv) } };
}

export function ed25519Sign(seed: Uint8Array, msg: Uint8Array): Uint8Array {
  return ed25519.sign(msg, seed);
}

/** Plain Ed25519 verification (RFC 8032 §5.1.7); false (never throws) for malformed input. */
export function ed25519Verify(sig: Uint8Array, msg: Uint8Array, edPub: Uint8Array): boolean {
  try {
    return sig.length === 64 && edPub.length === 32 && ed25519.verify(sig, msg, edPub);
  } catch {
    return false;
  }
}

const sha512 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const modQ = (b: Uint8Array): bigint => Fn.create(leToBig(b));

/** XEdDSA §2.5 hash_1: SHA-512 over 0xFE ‖ 0xFF×31 ‖ X (domain separation from the plain hash). */
const HASH1_PREFIX = concat(new Uint8Array([0xfe]), new Uint8Array(31).fill(0xff));

/**
 * XEdDSA sign (§2.4) with a Montgomery private key `k` and 64 random bytes `z`. The public key it verifies against is
 * the Edwards form of k's u-coordinate with sign bit 0 (the private scalar is negated when needed).
 */
export function xeddsaSign(k: Uint8Array, msg: Uint8Array, z: Uint8Array = randomBytes(64)): Uint8Array {
  if (z.length !== 64) throw new Error('XEdDSA nonce must be 64 bytes');
  // calculate_key_pair (§2.3): clamp as X25519 does, E = kB, A = E with sign 0, a = ±k.
  const kc = Uint8Array.from(k);
  kc[0]! &= 248;
  kc[31]! &= 127;
  kc[31]! |= 64;
  const kScalar = Fn.create(leToBig(kc));
  const E = Point.BASE.multiply(kScalar);
  const eBytes = E.toBytes();
  const signBit = eBytes[31]! >> 7;
  const a = signBit ? Fn.neg(kScalar) : kScalar;
  const A = Uint8Array.from(eBytes);
  A[31]! &= 0x7f;
  const aBytes = bigToLe(a);
  const r = modQ(sha512(HASH1_PREFIX, aBytes, msg, z));
  const R = Point.BASE.multiply(r === 0n ? Q : r).toBytes();
  const h = modQ(sha512(R, A, msg));
  const s = Fn.add(r, Fn.mul(h, a));
  return concat(R, bigToLe(s));
}

/** XEdDSA verify (§2.4) against a Montgomery public key (Edwards sign 0). */
export function xeddsaVerify(curvePub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64 || curvePub.length !== 32) return false;
  if (sig[63]! & 0xe0) return false; // s ≥ 2^253
  try {
    return ed25519Verify(sig, msg, curveToEd(curvePub, 0));
  } catch {
    return false;
  }
}

/**
 * Verifies a legacy OMEMO / libsignal signature by a Curve25519 identity key. Such signers put their Edwards sign bit
 * in bit 7 of byte 63 (a valid s is < 2^253, so that bit is otherwise zero); XEdDSA signers leave it 0, which is the
 * same rule. Verification takes the sign from there and clears it — keys with either sign bit verify.
 */
export function verifyCurveSignature(curvePub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64 || curvePub.length !== 32) return false;
  const signBit = (sig[63]! >> 7) as 0 | 1;
  const clean = Uint8Array.from(sig);
  clean[63]! &= 0x7f;
  try {
    return ed25519Verify(clean, msg, curveToEd(curvePub, signBit));
  } catch {
    return false;
  }
}

/** HKDF-SHA-256 (RFC 5869). An absent salt is HashLen zero bytes, as the RFC and libsignal both use. */
export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array | string, length: number): Uint8Array {
  const infoBytes = typeof info === 'string' ? new TextEncoder().encode(info) : info;
  if (length > 255 * 32) throw new Error('HKDF output too long');
  // Extract and expand (RFC 5869 §2.2/§2.3) with HMAC directly: node's hkdfSync builds key objects per call, which
  // costs more than the hashing for the short inputs here (a catch-up derives keys for every message).
  const prk = hmacSha256(salt.length ? salt : new Uint8Array(32), ikm);
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    t = hmacSha256(prk, t, infoBytes, new Uint8Array([i]));
    out.set(t.subarray(0, Math.min(32, length - at)), at);
    at += 32;
  }
  return out;
}

/** node:crypto's HKDF, used by the tests as a second opinion on {@link hkdf}. */
export function hkdfNode(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', ikm, salt.length ? salt : new Uint8Array(32), info, length));
}

/**
 * HMAC-SHA-256 (RFC 2104). @noble/hashes rather than node:crypto: createHmac turns every key into a KeyObject, which
 * costs several times the hashing of the short inputs the ratchet feeds it.
 */
export function hmacSha256(key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = nobleHmac.create(sha256, key);
  for (const d of data) h.update(d);
  return h.digest();
}

/** AES-256-CBC with PKCS#7 padding (what both OMEMO versions use inside the ratchet). */
export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  const c = createCipheriv('aes-256-cbc', key, iv);
  return new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-256-cbc', key, iv);
  return new Uint8Array(Buffer.concat([d.update(data), d.final()]));
}

/** AES-GCM (key length picks 128/256) with a 16-byte tag, returned apart from the ciphertext. */
export function aesGcmEncrypt(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array } {
  const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
  const ciphertext = new Uint8Array(Buffer.concat([c.update(plain), c.final()]));
  return { ciphertext, tag: new Uint8Array(c.getAuthTag()) };
}

export function aesGcmDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array {
  const d = createDecipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
  d.setAuthTag(tag);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}

export { equal };
