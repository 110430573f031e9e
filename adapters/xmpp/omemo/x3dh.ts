/**
 * X3DH (Signal's "The X3DH Key Agreement Protocol", rev. 1, §3.3/§3.4) as both OMEMO versions use it: SK =
 * HKDF(salt = 32 zero bytes, IKM = 0xFF×32 ‖ DH1 ‖ DH2 ‖ DH3 ‖ DH4, info = the version's X3DH info, 32 bytes), and
 * AD = IK_initiator ‖ IK_responder in the version's encoding. The 32 0xFF bytes are the spec's F for X25519.
 */
import { concat } from './bytes.js';
import { identityDhKey, identityForAd, publicIdentity, verifyPreKeySignature, type IdentityKey, type PreKey, type SignedPreKey } from './keys.js';
import { dh, hkdf, randomKeyPair } from './primitives.js';
import { PROFILES } from './profile.js';
import type { OmemoVersion } from './wire.js';

/** A peer device's published bundle, parsed. `identityKey` is in the version's published form. */
export interface Bundle {
  version: OmemoVersion;
  identityKey: Uint8Array;
  signedPreKeyId: number;
  signedPreKey: Uint8Array;
  signedPreKeySignature: Uint8Array;
  preKeys: Array<{ id: number; key: Uint8Array }>;
}

export class KeyAgreementError extends Error {}

const F = new Uint8Array(32).fill(0xff);

function deriveSecret(version: OmemoVersion, dhs: Uint8Array[]): Uint8Array {
  return hkdf(concat(F, ...dhs), new Uint8Array(32), PROFILES[version].x3dhInfo, 32);
}

export interface ActiveResult {
  sharedSecret: Uint8Array;
  /** IK_initiator ‖ IK_responder. */
  associatedData: Uint8Array;
  ephemeralKey: Uint8Array;
  preKeyId: number;
  signedPreKeyId: number;
  /** The responder's signed prekey: the first remote ratchet key. */
  signedPreKey: Uint8Array;
}

/** The initiator's side: verifies the bundle's signature, picks a random one-time prekey, derives SK. */
export function x3dhActive(own: IdentityKey, bundle: Bundle, pickPreKey: (n: number) => number): ActiveResult {
  const v = bundle.version;
  if (!verifyPreKeySignature(v, bundle.identityKey, bundle.signedPreKey, bundle.signedPreKeySignature)) {
    throw new KeyAgreementError('the signature of the signed prekey in the bundle does not verify');
  }
  if (bundle.preKeys.length === 0) throw new KeyAgreementError('the bundle has no one-time prekeys');
  const pk = bundle.preKeys[pickPreKey(bundle.preKeys.length)]!;
  const ek = randomKeyPair();
  const theirIk = identityDhKey(v, bundle.identityKey);
  const sharedSecret = deriveSecret(v, [
    dh(own.curve.priv, bundle.signedPreKey),
    dh(ek.priv, theirIk),
    dh(ek.priv, bundle.signedPreKey),
    dh(ek.priv, pk.key),
  ]);
  return {
    sharedSecret,
    associatedData: concat(identityForAd(v, publicIdentity(v, own)), identityForAd(v, bundle.identityKey)),
    ephemeralKey: ek.pub,
    preKeyId: pk.id,
    signedPreKeyId: bundle.signedPreKeyId,
    signedPreKey: bundle.signedPreKey,
  };
}

/** The responder's side, from a key exchange naming our signed prekey and one-time prekey. */
export function x3dhPassive(
  version: OmemoVersion,
  own: IdentityKey,
  theirIdentity: Uint8Array,
  theirEphemeral: Uint8Array,
  spk: SignedPreKey,
  pk: PreKey,
): { sharedSecret: Uint8Array; associatedData: Uint8Array } {
  const theirIk = identityDhKey(version, theirIdentity);
  const sharedSecret = deriveSecret(version, [
    dh(spk.pair.priv, theirIk),
    dh(own.curve.priv, theirEphemeral),
    dh(spk.pair.priv, theirEphemeral),
    dh(pk.pair.priv, theirEphemeral),
  ]);
  return { sharedSecret, associatedData: concat(identityForAd(version, theirIdentity), identityForAd(version, publicIdentity(version, own))) };
}
