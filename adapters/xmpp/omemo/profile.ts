/**
 * What differs between the two OMEMO versions inside X3DH and the Double Ratchet (XEP-0384 v0.3 follows libsignal;
 * v0.8+ §"Double Ratchet"/§"X3DH" names its own constants):
 *
 * | | legacy | OMEMO 2 |
 * |-|-|-|
 * | X3DH info | `WhisperText` | `OMEMO X3DH` |
 * | root chain info | `WhisperRatchet` | `OMEMO Root Chain` |
 * | message key info | `WhisperMessageKeys` | `OMEMO Message Key Material` |
 * | MAC | 8 bytes | 16 bytes |
 * | identity in AD | 0x05 ‖ Curve25519 (33) | Ed25519 (32) |
 * | AD order | sender ‖ receiver | initiator ‖ responder |
 * | SPK signature | XEdDSA-style over 0x05 ‖ spk | Ed25519 over spk |
 * | plain key material | AES-128-GCM key ‖ tag (32) | payload key ‖ HMAC (48) |
 */
import { LEGACY_MAC_LENGTH, OMEMO2_MAC_LENGTH, type OmemoVersion } from './wire.js';

export interface Profile {
  version: OmemoVersion;
  namespace: string;
  x3dhInfo: string;
  rootInfo: string;
  messageKeyInfo: string;
  macLength: number;
  /** Associated data is ordered sender ‖ receiver (legacy) rather than initiator ‖ responder (OMEMO 2). */
  adBySender: boolean;
}

export const NS_LEGACY = 'eu.siacs.conversations.axolotl';
export const NS_OMEMO2 = 'urn:xmpp:omemo:2';

export const PROFILES: Record<OmemoVersion, Profile> = {
  legacy: {
    version: 'legacy',
    namespace: NS_LEGACY,
    x3dhInfo: 'WhisperText',
    rootInfo: 'WhisperRatchet',
    messageKeyInfo: 'WhisperMessageKeys',
    macLength: LEGACY_MAC_LENGTH,
    adBySender: true,
  },
  omemo2: {
    version: 'omemo2',
    namespace: NS_OMEMO2,
    x3dhInfo: 'OMEMO X3DH',
    rootInfo: 'OMEMO Root Chain',
    messageKeyInfo: 'OMEMO Message Key Material',
    macLength: OMEMO2_MAC_LENGTH,
    adBySender: false,
  },
};
