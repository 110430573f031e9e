/**
 * OpenPGP for Autocrypt (openpgp.js 6): key generation, encrypt-and-sign, decrypt, and signature checks done after
 * decryption (the sender's key may arrive in the protected headers of the very message it signed).
 *
 * Keys are Ed25519 (EdDSA) signing keys with a Cv25519 (ECDH) encryption subkey, as Delta Chat makes them. openpgp.js
 * writes SEIPDv2 (AEAD) only when every recipient key announces support; it reads v4 and v6 packets (PKESK v3/v6,
 * SEIPD v1/v2) either way.
 */
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
  const decrypted = await message.decrypt([own]);
  const literal = decrypted.getLiteralData();
  if (!(literal instanceof Uint8Array)) throw new Error('unexpected streamed literal data');
  const data = literal;
  return {
    data,
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
