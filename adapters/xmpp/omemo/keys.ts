/**
 * Key material of one OMEMO device: the identity key (one Ed25519 seed serving both versions — XEP-0384 v0.8 §5.3.1
 * allows it and python-omemo does the same), and per version a signed prekey and a pool of one-time prekeys.
 *
 * Identity forms: legacy bundles and key exchanges carry the Curve25519 form (Montgomery u), OMEMO 2 the Ed25519
 * form. Legacy signed-prekey signatures are Ed25519 signatures over 0x05 ‖ spk with the identity's Edwards sign bit
 * in bit 7 of byte 63 (libsignal's `curve25519_sign` convention, which python-oldmemo follows); OMEMO 2 ones are
 * plain Ed25519 over the raw spk and are verified with plain Ed25519 against `ik` (converting `ik` to Curve25519 first
 * would lose its sign bit and reject about half of all valid bundles).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { ed25519Sign, ed25519Verify, edToCurve, randomKeyPair, seedKeys, verifyCurveSignature, type KeyPair } from './primitives.js';
import { djb, type OmemoVersion } from './wire.js';

export interface IdentityKey {
  seed: Uint8Array;
  edPub: Uint8Array;
  curve: KeyPair;
}

export function identityFromSeed(seed: Uint8Array): IdentityKey {
  const { edPub, curve } = seedKeys(seed);
  return { seed, edPub, curve };
}

export const newIdentity = (): IdentityKey => identityFromSeed(new Uint8Array(randomBytes(32)));

/** The identity key as the given version publishes it (legacy: raw Curve25519, OMEMO 2: Ed25519). */
export function publicIdentity(version: OmemoVersion, id: IdentityKey): Uint8Array {
  return version === 'legacy' ? id.curve.pub : id.edPub;
}

/** A peer's published identity key in the X25519 form used for Diffie-Hellman. */
export function identityDhKey(version: OmemoVersion, published: Uint8Array): Uint8Array {
  return version === 'legacy' ? published : edToCurve(published);
}

/** The identity key as it enters the associated data (legacy: 0x05 ‖ Curve25519, OMEMO 2: Ed25519). */
export function identityForAd(version: OmemoVersion, published: Uint8Array): Uint8Array {
  return version === 'legacy' ? djb(published) : published;
}

export interface SignedPreKey {
  id: number;
  pair: KeyPair;
  signature: Uint8Array;
  createdAt: number;
}

export interface PreKey {
  id: number;
  pair: KeyPair;
}

/** Signs a signed prekey's public part for the given version. */
export function signPreKey(version: OmemoVersion, id: IdentityKey, spkPub: Uint8Array): Uint8Array {
  if (version === 'omemo2') return ed25519Sign(id.seed, spkPub);
  const sig = ed25519Sign(id.seed, djb(spkPub));
  sig[63]! |= id.edPub[31]! & 0x80;
  return sig;
}

/** Verifies a bundle's signed prekey signature (see the module comment for the per-version rule). */
export function verifyPreKeySignature(version: OmemoVersion, identityKey: Uint8Array, spkPub: Uint8Array, sig: Uint8Array): boolean {
  if (version === 'omemo2') return ed25519Verify(sig, spkPub, identityKey);
  return verifyCurveSignature(identityKey, djb(spkPub), sig);
}

export function newSignedPreKey(version: OmemoVersion, identity: IdentityKey, keyId: number, now: number): SignedPreKey {
  const pair = randomKeyPair();
  return { id: keyId, pair, signature: signPreKey(version, identity, pair.pub), createdAt: now };
}

export const newPreKey = (keyId: number): PreKey => ({ id: keyId, pair: randomKeyPair() });

/** A device id: 1 … 2^31−1 (XEP-0384: a random positive 32-bit signed integer). */
export const newDeviceId = (): number => randomInt(1, 0x7fffffff);

/**
 * The fingerprint users compare: hex of the identity key in Curve25519 form (what Conversations, Dino and Gajim
 * show for both versions), in groups of 8.
 */
export function fingerprintOf(version: OmemoVersion, published: Uint8Array): string {
  const key = `${version}:${Buffer.from(published).toString('hex')}`;
  let fp = fingerprints.get(key);
  if (fp === undefined) {
    // The Edwards → Montgomery map costs a field inversion: computed once per key (a catch-up asks per message).
    fp = Buffer.from(identityDhKey(version, published)).toString('hex').match(/.{8}/g)!.join(' ');
    if (fingerprints.size > 1000) fingerprints.clear();
    fingerprints.set(key, fp);
  }
  return fp;
}
const fingerprints = new Map<string, string>();

