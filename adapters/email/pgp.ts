/**
 * OpenPGP for Autocrypt (openpgp.js 6): key generation, encrypt-and-sign, decrypt, and signature checks done after
 * decryption (the sender's key may arrive in the protected headers of the very message it signed).
 *
 * Keys are Ed25519 (EdDSA) signing keys with a Cv25519 (ECDH) encryption subkey, as Delta Chat makes them. openpgp.js
 * writes SEIPDv2 (AEAD) only when every recipient key announces support; it reads v4 and v6 packets (PKESK v3/v6,
 * SEIPD v1/v2) either way.
 */
import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import * as openpgp from 'openpgp';

export type PublicKey = openpgp.PublicKey;
export type PrivateKey = openpgp.PrivateKey;

/** Generates the account's own key (no passphrase: it lives in the account's key-value store, mode 0600). */
export async function generateOwnKey(address: string): Promise<PrivateKey> {
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ email: address }],
    format: 'object',
  });
  return privateKey;
}

export async function readPrivate(armored: string): Promise<PrivateKey> {
  return openpgp.readPrivateKey({ armoredKey: armored });
}

/** Reads a transferable public key from Autocrypt keydata (binary); throws on garbage. */
export async function readPublicBinary(data: Uint8Array): Promise<PublicKey> {
  return openpgp.readKey({ binaryKey: data });
}

export function fingerprintOf(key: PublicKey | PrivateKey): string {
  return key.getFingerprint().toUpperCase();
}

/** Whether `key` can encrypt now and carries a user id for `address` (Autocrypt Level 1 §2.1). */
export async function usableFor(key: PublicKey, address: string): Promise<boolean> {
  try {
    await key.getEncryptionKey();
  } catch {
    return false;
  }
  return key.users.some((u) => u.userID?.email?.toLowerCase() === address.toLowerCase());
}

/** Encrypts `payload` to every key in `to` and signs it with `signer`; ASCII-armored (RFC 3156 §4). */
export async function encryptAndSign(payload: Uint8Array, to: PublicKey[], signer: PrivateKey): Promise<string> {
  return openpgp.encrypt({
    message: await openpgp.createMessage({ binary: payload }),
    encryptionKeys: to,
    signingKeys: signer,
    format: 'armored',
  });
}

export interface Decrypted {
  data: Uint8Array;
  /** Checks the message's signatures against `keys`: the fingerprint of the key that made a valid one, or undefined. */
  verify(keys: PublicKey[]): Promise<string | undefined>;
}

/** Decrypts an armored message with the own key; throws when it is not for us or broken. */
export async function decrypt(armored: string, own: PrivateKey): Promise<Decrypted> {
  const message = await openpgp.readMessage({ armoredMessage: armored });
  return decryptedResult(await message.decrypt([own]));
}

function decryptedResult(decrypted: openpgp.Message<Uint8Array>): Decrypted {
  const literal = decrypted.getLiteralData();
  if (!(literal instanceof Uint8Array)) throw new Error('unexpected streamed literal data');
  return {
    data: literal,
    async verify(keys) {
      if (keys.length === 0) return undefined;
      const sigs = await decrypted.verify(keys);
      for (const s of sigs) {
        try {
          await s.verified;
          const signer = keys.find((k) => k.getKeys(s.keyID).length > 0);
          if (signer) return fingerprintOf(signer);
        } catch {
          // not valid or not by one of these keys
        }
      }
      return undefined;
    },
  };
}

/**
 * Symmetric encryption as Delta Chat does it for SecureJoin v3 (chatmail/core `symm_encrypt_message`): a v6 SKESK
 * with a *salted* S2K (Delta Chat refuses every other S2K type, to bound the cost of trying shared secrets), SHA-256,
 * AES-128, OCB; the data in SEIPDv2 (RFC 9580 §5.3.2, §5.13.2). openpgp.js only writes iterated or Argon2 S2K, so the
 * SKESK packet is built here and put in front of the SEIPDv2 packet openpgp.js made for the same session key.
 */
export async function encryptSymmetric(payload: Uint8Array, password: string, signer?: PrivateKey): Promise<string> {
  const sessionKey = new Uint8Array(randomBytes(16));
  const binary = (await openpgp.encrypt({
    message: await openpgp.createMessage({ binary: payload }),
    passwords: [randomBytes(16).toString('hex')],
    sessionKey: { data: sessionKey, algorithm: 'aes128', aeadAlgorithm: 'ocb' },
    ...(signer ? { signingKeys: signer } : {}),
    format: 'binary',
    config: { aeadProtect: true, preferredAEADAlgorithm: openpgp.enums.aead.ocb, preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed },
  })) as Uint8Array;
  // Drop openpgp.js's SKESK (the first packet) and put ours in its place.
  const rest = binary.subarray(packetLength(binary));
  const skesk = saltedSkeskV6(password, sessionKey);
  return openpgp.armor(openpgp.enums.armor.message, concat([skesk, rest]));
}

/** Decrypts a password-encrypted message; throws when `password` does not open it. */
export async function decryptSymmetric(armored: string, password: string): Promise<Decrypted> {
  const message = await openpgp.readMessage({ armoredMessage: armored });
  const decrypted = await message.decrypt(undefined, [password]);
  return decryptedResult(decrypted);
}

/** Whether an armored message is encrypted to a password (SKESK) rather than to keys. */
export async function isSymmetric(armored: string): Promise<boolean> {
  const message = await openpgp.readMessage({ armoredMessage: armored });
  return message.packets.filterByTag(openpgp.enums.packet.symEncryptedSessionKey).length > 0 && message.packets.filterByTag(openpgp.enums.packet.publicKeyEncryptedSessionKey).length === 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

/** Total length (header and body) of the first OpenPGP packet, new format (RFC 9580 §4.2.1). */
function packetLength(bytes: Uint8Array): number {
  if ((bytes[0]! & 0xc0) !== 0xc0) throw new Error('expected a new-format packet');
  const l0 = bytes[1]!;
  if (l0 < 192) return 2 + l0;
  if (l0 < 224) return 3 + ((l0 - 192) << 8) + bytes[2]! + 192;
  if (l0 === 255) return 6 + ((bytes[2]! << 24) | (bytes[3]! << 16) | (bytes[4]! << 8) | bytes[5]!);
  throw new Error('partial length in a session key packet');
}

function saltedSkeskV6(password: string, sessionKey: Uint8Array): Uint8Array {
  const AES128 = openpgp.enums.symmetric.aes128;
  const OCB = openpgp.enums.aead.ocb;
  const SHA256 = openpgp.enums.hash.sha256;
  const salt = randomBytes(8);
  // Salted S2K (RFC 9580 §3.7.1.2): hash(salt || password), truncated to the key size.
  const s2kKey = createHash('sha256').update(salt).update(password, 'utf8').digest().subarray(0, 16);
  const adata = new Uint8Array([0xc0 | openpgp.enums.packet.symEncryptedSessionKey, 6, AES128, OCB]);
  const kek = Buffer.from(hkdfSync('sha256', s2kKey, new Uint8Array(0), adata, 16));
  const iv = randomBytes(15);
  const cipher = createCipheriv('aes-128-ocb', kek, iv, { authTagLength: 16 });
  cipher.setAAD(adata);
  const encrypted = Buffer.concat([cipher.update(sessionKey), cipher.final(), cipher.getAuthTag()]);
  const s2k = Buffer.concat([Buffer.from([1, SHA256]), salt]);
  const fields = Buffer.concat([Buffer.from([AES128, OCB, s2k.length]), s2k, iv]);
  const body = Buffer.concat([Buffer.from([6, fields.length]), fields, encrypted]);
  return new Uint8Array(Buffer.concat([Buffer.from([0xc0 | openpgp.enums.packet.symEncryptedSessionKey, body.length]), body]));
}
