/**
 * Encrypted file transfer as OMEMO clients do it (XEP-0454 "OMEMO Media sharing"): the file is encrypted with
 * AES-256-GCM under a random 32-byte key and 12-byte IV, the 16-byte tag appended, uploaded over HTTP (XEP-0363), and
 * the link sent inside the encrypted message as `aesgcm://host/path#<IV hex><key hex>`. Old clients used a 16-byte IV
 * (a 96-digit fragment); both are read. Upload and download themselves are the adapter's (upload.ts).
 */
import { randomBytes } from 'node:crypto';
import { concat } from './bytes.js';
import { aesGcmDecrypt, aesGcmEncrypt } from './primitives.js';

export class AesgcmError extends Error {}

export interface EncryptedFile {
  /** Ciphertext with the GCM tag appended: what is uploaded. */
  data: Uint8Array;
  key: Uint8Array;
  iv: Uint8Array;
}

export function encryptFile(plain: Uint8Array): EncryptedFile {
  const key = new Uint8Array(randomBytes(32));
  const iv = new Uint8Array(randomBytes(12));
  const { ciphertext, tag } = aesGcmEncrypt(key, iv, plain);
  return { data: concat(ciphertext, tag), key, iv };
}

export function decryptFile(data: Uint8Array, key: Uint8Array, iv: Uint8Array): Uint8Array {
  if (data.length < 16) throw new AesgcmError('the encrypted file is too short');
  try {
    return aesGcmDecrypt(key, iv, data.subarray(0, data.length - 16), data.subarray(data.length - 16));
  } catch (e) {
    throw new AesgcmError('the file does not decrypt (damaged, or not the key the message named)', { cause: e });
  }
}

/** The `aesgcm://` link for an uploaded file (`https://` URL of the upload slot's GET). */
export function aesgcmUrl(httpsUrl: string, key: Uint8Array, iv: Uint8Array): string {
  const u = new URL(httpsUrl);
  if (u.protocol !== 'https:') throw new AesgcmError('aesgcm links are made from https URLs');
  u.hash = '';
  return `aesgcm:${u.toString().slice('https:'.length)}#${Buffer.from(iv).toString('hex')}${Buffer.from(key).toString('hex')}`;
}

/** Reads an `aesgcm://` link: the https URL to download and the key material; undefined when it is not one. */
export function parseAesgcmUrl(link: string): { httpsUrl: string; key: Uint8Array; iv: Uint8Array } | undefined {
  const m = /^aesgcm:\/\/([^#\s]+)#([0-9a-fA-F]{88}|[0-9a-fA-F]{96})$/.exec(link.trim());
  if (!m) return undefined;
  const hex = m[2]!;
  const ivLen = hex.length === 88 ? 12 : 16;
  const bytes = Buffer.from(hex, 'hex');
  let httpsUrl: string;
  try {
    httpsUrl = new URL(`https://${m[1]}`).toString();
  } catch {
    return undefined;
  }
  return { httpsUrl, iv: new Uint8Array(bytes.subarray(0, ivLen)), key: new Uint8Array(bytes.subarray(ivLen)) };
}
