/**
 * Sending a file (spec §"Content repository" and §"Sending encrypted attachments"). The file streams from disk to
 * `POST /_matrix/media/v3/upload` while `transfer` events report the bytes the HTTP client has taken; in an
 * encrypted room it is encrypted on the way with AES-256-CTR under a fresh key (the `file` object of the event
 * carries key, IV and the SHA-256 of the ciphertext, and goes to the room end-to-end encrypted like any content).
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { OutgoingAttachment } from '../../src/core/contract.js';

/** Progress callback: bytes sent so far and the total. */
export type Progress = (sent: number, total: number) => void;

export interface Uploaded {
  /** Event content fields describing the file: `url` (plain) or `file` (encrypted), plus `info`. */
  content: Record<string, unknown>;
}

const unpadded = (b: Buffer) => b.toString('base64').replace(/=+$/, '');
const base64url = (b: Buffer) => b.toString('base64url');

/** The msgtype for a MIME type (spec §"m.room.message msgtypes"). */
export function msgtypeFor(mime: string): string {
  if (mime.startsWith('image/')) return 'm.image';
  if (mime.startsWith('video/')) return 'm.video';
  if (mime.startsWith('audio/')) return 'm.audio';
  return 'm.file';
}

/** How often progress is reported at most (the last report always goes out). */
const PROGRESS_EVERY_MS = 200;

/**
 * Uploads `file` to the homeserver; `encrypt` for an encrypted room. Resolves with the content fields for the
 * message event. Rejects with the server's error text when the upload is refused.
 */
export async function uploadFile(
  homeserver: string,
  accessToken: string,
  file: OutgoingAttachment,
  encrypt: boolean,
  progress: Progress,
  fetchFn: typeof fetch = fetch,
): Promise<Uploaded> {
  const total = file.size;
  let sent = 0;
  let last = 0;
  const key = randomBytes(32);
  // Spec: a 128-bit IV whose low 64 bits (the counter) start at zero, so the counter never wraps.
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const cipher = encrypt ? createCipheriv('aes-256-ctr', key, iv) : undefined;
  const hash = createHash('sha256');
  async function* body(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(file.path) as AsyncIterable<Buffer>) {
      const out = cipher ? cipher.update(chunk) : chunk;
      hash.update(out);
      sent += chunk.length;
      const now = Date.now();
      if (now - last >= PROGRESS_EVERY_MS) {
        last = now;
        progress(sent, total);
      }
      yield out;
    }
    if (cipher) {
      const tail = cipher.final();
      if (tail.length) {
        hash.update(tail);
        yield tail;
      }
    }
  }
  const url = `${homeserver}/_matrix/media/v3/upload?filename=${encodeURIComponent(file.name)}`;
  const res = await fetchFn(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      // An encrypted upload must not reveal the type; the real one goes inside the encrypted event.
      'content-type': encrypt ? 'application/octet-stream' : file.mime || 'application/octet-stream',
    },
    body: Readable.toWeb(Readable.from(body())) as unknown as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const json = (await res.json().catch(() => ({}))) as { content_uri?: string; error?: string; errcode?: string };
  if (!res.ok || !json.content_uri) throw new Error(`upload refused: ${json.error ?? json.errcode ?? `HTTP ${res.status}`}`);
  progress(sent, total);
  const info = { size: file.size, mimetype: file.mime };
  if (!encrypt) return { content: { url: json.content_uri, info } };
  return {
    content: {
      file: {
        v: 'v2',
        url: json.content_uri,
        key: { kty: 'oct', key_ops: ['encrypt', 'decrypt'], alg: 'A256CTR', k: base64url(key), ext: true },
        iv: unpadded(iv),
        hashes: { sha256: unpadded(hash.digest()) },
      },
      info,
    },
  };
}

/** The `file` object of an encrypted attachment (spec §"Sending encrypted attachments"). */
export interface EncryptedFile {
  url: string;
  key: { k: string; alg?: string };
  iv: string;
  hashes: { sha256?: string };
}

/**
 * Decrypts a downloaded encrypted attachment after checking its SHA-256 against the event's; throws when the hash
 * does not match (the file was changed) or the algorithm is not AES-256-CTR.
 */
export function decryptFile(data: Buffer, file: EncryptedFile): Buffer {
  if (file.key.alg && file.key.alg !== 'A256CTR') throw new Error(`unsupported attachment cipher ${file.key.alg}`);
  const expected = file.hashes.sha256;
  if (!expected || unpadded(createHash('sha256').update(data).digest()) !== expected.replace(/=+$/, '')) {
    throw new Error('the attachment does not match its hash');
  }
  const key = Buffer.from(file.key.k, 'base64url');
  const iv = Buffer.from(file.iv, 'base64');
  const decipher = createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}
