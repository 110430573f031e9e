/**
 * The protobuf messages of both OMEMO versions.
 *
 * Legacy (`eu.siacs.conversations.axolotl`, XEP-0384 v0.3 = libsignal's WhisperText protocol):
 * - WhisperMessage: version byte 0x33, then `{1: ratchetKey (0x05‖key), 2: counter, 3: previousCounter,
 *   4: ciphertext}`, then an 8-byte truncated HMAC.
 * - PreKeyWhisperMessage: 0x33, then `{1: preKeyId, 2: baseKey (0x05‖ek), 3: identityKey (0x05‖ik), 4: message
 *   (a whole WhisperMessage), 6: signedPreKeyId}`.
 * OMEMO 2 (`urn:xmpp:omemo:2`, XEP-0384 v0.8+ §"Protobuf"):
 * - OMEMOMessage `{1: n, 2: pn, 3: dh_pub, 4: ciphertext}`; OMEMOAuthenticatedMessage `{1: mac (16), 2: message}`;
 * - OMEMOKeyExchange `{1: pk_id, 2: spk_id, 3: ik (Ed25519), 4: ek, 5: message (OMEMOAuthenticatedMessage)}`.
 * Keys travel raw (32 bytes) in OMEMO 2 and 0x05-prefixed (33 bytes) in legacy.
 */
import { concat } from './bytes.js';
import { decode, encode, ProtobufError, requireBytes, requireVarint } from './protobuf.js';

export type OmemoVersion = 'legacy' | 'omemo2';

export const LEGACY_VERSION_BYTE = 0x33;
export const LEGACY_MAC_LENGTH = 8;
export const OMEMO2_MAC_LENGTH = 16;
const DJB_TYPE = 0x05;

/** The Double Ratchet header: the sender's current ratchet key (raw Curve25519), message number, previous chain length. */
export interface RatchetHeader {
  dh: Uint8Array;
  n: number;
  pn: number;
}

/** A ratchet message as it travels: the serialized message (the MAC covers it) and the MAC. */
export interface AuthenticatedMessage {
  header: RatchetHeader;
  ciphertext: Uint8Array;
  /** The bytes the MAC covers after the associated data. */
  macInput: Uint8Array;
  mac: Uint8Array;
}

export interface KeyExchange {
  preKeyId: number;
  signedPreKeyId: number;
  /** The sender's identity key: raw Curve25519 for legacy, Ed25519 for OMEMO 2. */
  identityKey: Uint8Array;
  /** The sender's ephemeral (base) key, raw Curve25519. */
  ephemeralKey: Uint8Array;
  /** The serialized authenticated message inside. */
  message: Uint8Array;
}

/** 0x05 ‖ key (libsignal's "DjbECPublicKey" serialization). */
export function djb(key: Uint8Array): Uint8Array {
  if (key.length !== 32) throw new ProtobufError('Curve25519 key must be 32 bytes');
  return concat(new Uint8Array([DJB_TYPE]), key);
}

export function undjb(key: Uint8Array): Uint8Array {
  if (key.length !== 33 || key[0] !== DJB_TYPE) throw new ProtobufError('not a 0x05-prefixed Curve25519 key');
  return key.slice(1);
}

function key32(k: Uint8Array): Uint8Array {
  if (k.length !== 32) throw new ProtobufError('key must be 32 bytes');
  return k;
}

/** The serialized ratchet message (without MAC) that the MAC covers. */
export function encodeMessageBody(version: OmemoVersion, h: RatchetHeader, ciphertext: Uint8Array): Uint8Array {
  if (version === 'legacy') {
    return concat(
      new Uint8Array([LEGACY_VERSION_BYTE]),
      encode([{ no: 1, bytes: djb(h.dh) }, { no: 2, varint: h.n }, { no: 3, varint: h.pn }, { no: 4, bytes: ciphertext }]),
    );
  }
  return encode([{ no: 1, varint: h.n }, { no: 2, varint: h.pn }, { no: 3, bytes: key32(h.dh) }, { no: 4, bytes: ciphertext }]);
}

/** Joins the serialized message and its MAC in the version's envelope. */
export function sealMessage(version: OmemoVersion, body: Uint8Array, mac: Uint8Array): Uint8Array {
  if (version === 'legacy') return concat(body, mac);
  return encode([{ no: 1, bytes: mac }, { no: 2, bytes: body }]);
}

export function openMessage(version: OmemoVersion, data: Uint8Array): AuthenticatedMessage {
  if (version === 'legacy') {
    if (data.length < 1 + LEGACY_MAC_LENGTH) throw new ProtobufError('WhisperMessage too short');
    if (data[0] !== LEGACY_VERSION_BYTE) throw new ProtobufError(`unsupported WhisperMessage version byte ${data[0]}`);
    const macInput = data.subarray(0, data.length - LEGACY_MAC_LENGTH);
    const mac = data.subarray(data.length - LEGACY_MAC_LENGTH);
    const d = decode(macInput.subarray(1));
    return {
      header: { dh: undjb(requireBytes(d, 1, 'WhisperMessage')), n: requireVarint(d, 2, 'WhisperMessage'), pn: requireVarint(d, 3, 'WhisperMessage') },
      ciphertext: requireBytes(d, 4, 'WhisperMessage'),
      macInput,
      mac,
    };
  }
  const outer = decode(data);
  const mac = requireBytes(outer, 1, 'OMEMOAuthenticatedMessage');
  const macInput = requireBytes(outer, 2, 'OMEMOAuthenticatedMessage');
  const d = decode(macInput);
  return {
    header: { n: requireVarint(d, 1, 'OMEMOMessage'), pn: requireVarint(d, 2, 'OMEMOMessage'), dh: key32(requireBytes(d, 3, 'OMEMOMessage')) },
    ciphertext: requireBytes(d, 4, 'OMEMOMessage'),
    macInput,
    mac,
  };
}

export function encodeKeyExchange(version: OmemoVersion, k: KeyExchange): Uint8Array {
  if (version === 'legacy') {
    return concat(
      new Uint8Array([LEGACY_VERSION_BYTE]),
      encode([
        { no: 1, varint: k.preKeyId },
        { no: 2, bytes: djb(k.ephemeralKey) },
        { no: 3, bytes: djb(k.identityKey) },
        { no: 4, bytes: k.message },
        { no: 6, varint: k.signedPreKeyId },
      ]),
    );
  }
  return encode([
    { no: 1, varint: k.preKeyId },
    { no: 2, varint: k.signedPreKeyId },
    { no: 3, bytes: key32(k.identityKey) },
    { no: 4, bytes: key32(k.ephemeralKey) },
    { no: 5, bytes: k.message },
  ]);
}

export function decodeKeyExchange(version: OmemoVersion, data: Uint8Array): KeyExchange {
  if (version === 'legacy') {
    if (data[0] !== LEGACY_VERSION_BYTE) throw new ProtobufError(`unsupported PreKeyWhisperMessage version byte ${data[0]}`);
    const d = decode(data.subarray(1));
    return {
      preKeyId: requireVarint(d, 1, 'PreKeyWhisperMessage'),
      ephemeralKey: undjb(requireBytes(d, 2, 'PreKeyWhisperMessage')),
      identityKey: undjb(requireBytes(d, 3, 'PreKeyWhisperMessage')),
      message: requireBytes(d, 4, 'PreKeyWhisperMessage'),
      signedPreKeyId: requireVarint(d, 6, 'PreKeyWhisperMessage'),
    };
  }
  const d = decode(data);
  return {
    preKeyId: requireVarint(d, 1, 'OMEMOKeyExchange'),
    signedPreKeyId: requireVarint(d, 2, 'OMEMOKeyExchange'),
    identityKey: key32(requireBytes(d, 3, 'OMEMOKeyExchange')),
    ephemeralKey: key32(requireBytes(d, 4, 'OMEMOKeyExchange')),
    message: requireBytes(d, 5, 'OMEMOKeyExchange'),
  };
}
