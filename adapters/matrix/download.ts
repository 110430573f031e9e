/**
 * Fetching a received attachment (spec §"Content repository"): authenticated media first
 * (`GET /_matrix/client/v1/media/download/{serverName}/{mediaId}`, spec v1.11), the legacy unauthenticated
 * `/_matrix/media/v3/download/…` when the server does not know the new endpoint (404 `M_UNRECOGNIZED`, 405, or a bare
 * 404 from an older server). An encrypted attachment (spec §"Sending encrypted attachments") is checked against the
 * SHA-256 of its event and decrypted with the key and IV of its `file` object, which the adapter kept in kv when the
 * event was read (the engine's message row only has the plain Attachment). The file is held in memory up to
 * `maxBytes` (the hash must match before any plaintext is written), then written 0600 through a temporary file and a
 * rename, so a failed download never leaves a partial or unverified file at `destination`.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import type { KeyValue } from '../../src/core/contract.js';
import type { Attachment } from '../../src/core/model.js';
import { decryptFile, type EncryptedFile } from './upload.js';

/** kv key prefix of a kept encrypted-file description: `file:<mxc url>` → the event's `file` object (JSON). */
export const KV_FILE_PREFIX = 'file:';

/** Keeps the `file` object of an encrypted attachment for {@link downloadAttachment}; ignores malformed ones. */
export function rememberEncryptedFile(kv: KeyValue | undefined, file: Record<string, unknown>): void {
  if (!kv || typeof file.url !== 'string' || !file.url.startsWith('mxc://')) return;
  const key = KV_FILE_PREFIX + file.url;
  const value = JSON.stringify(file);
  if (kv.get(key) !== value) kv.set(key, value);
}

/** The kept `file` object for an mxc URL, when it has what decryption needs. */
export function encryptedFileFor(kv: KeyValue | undefined, url: string): EncryptedFile | undefined {
  const raw = kv?.get(KV_FILE_PREFIX + url);
  if (!raw) return undefined;
  try {
    const f = JSON.parse(raw) as Partial<EncryptedFile>;
    if (typeof f.key?.k !== 'string' || typeof f.iv !== 'string' || typeof f.hashes !== 'object') return undefined;
    return f as EncryptedFile;
  } catch {
    return undefined;
  }
}

export interface DownloadRequest {
  homeserver: string;
  accessToken: string;
  attachment: Attachment;
  /** What decrypts it, for an encrypted attachment. */
  file?: EncryptedFile;
  destination: string;
  maxBytes: number;
  onProgress?: (received: number, total?: number) => void;
  fetchFn?: typeof fetch;
}

/** `mxc://server/id` → its parts, or undefined for anything else. */
export function parseMxc(url: string): { serverName: string; mediaId: string } | undefined {
  const m = /^mxc:\/\/([^/?#\s]+)\/([A-Za-z0-9_-]+)$/.exec(url);
  return m ? { serverName: m[1]!, mediaId: m[2]! } : undefined;
}

const mib = (n: number) => `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;

/** Downloads (and decrypts) the attachment into `destination`. Rejects with a plain-words Error. */
export async function downloadAttachment(req: DownloadRequest): Promise<void> {
  const { attachment, maxBytes } = req;
  const fetchFn = req.fetchFn ?? fetch;
  const mxc = parseMxc(attachment.url);
  if (!mxc) throw new Error(`not a Matrix media link: ${attachment.url}`);
  if (attachment.encrypted && !req.file) {
    throw new Error('the key of this encrypted file is not known on this device (the message was not read here)');
  }
  if (attachment.size !== undefined && attachment.size > maxBytes) {
    throw new Error(`the file is ${mib(attachment.size)}, more than the ${mib(maxBytes)} allowed (max_download_mb)`);
  }
  const path = `${encodeURIComponent(mxc.serverName)}/${encodeURIComponent(mxc.mediaId)}`;
  const auth = { authorization: `Bearer ${req.accessToken}` };
  let res: Response;
  try {
    res = await fetchFn(`${req.homeserver}/_matrix/client/v1/media/download/${path}`, { headers: auth });
    if (await isUnknownEndpoint(res)) {
      res = await fetchFn(`${req.homeserver}/_matrix/media/v3/download/${path}`, { headers: auth });
    }
  } catch (e) {
    throw new Error(`the download failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!res.ok) {
    const json = (await res.json().catch(() => ({}))) as { error?: string; errcode?: string };
    const why = res.status === 404 ? 'the server no longer has this file' : (json.error ?? json.errcode ?? `HTTP ${res.status}`);
    throw new Error(`the download failed: ${why}`);
  }
  const data = await readCapped(res, maxBytes, req.onProgress);
  let plain: Buffer;
  try {
    plain = req.file ? decryptFile(data, req.file) : data;
  } catch (e) {
    throw new Error(`the file could not be decrypted: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const tmp = `${req.destination}.${randomBytes(4).toString('hex')}.part`;
  try {
    await writeFile(tmp, plain, { mode: 0o600, flag: 'wx' });
    await rename(tmp, req.destination);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new Error(`the file could not be saved: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** A server without authenticated media answers the v1 path with 404 M_UNRECOGNIZED (or 405, or a bare 404). */
async function isUnknownEndpoint(res: Response): Promise<boolean> {
  if (res.status === 405) return true;
  if (res.status !== 404) return false;
  const json = (await res.clone().json().catch(() => undefined)) as { errcode?: string } | undefined;
  return !json || json.errcode === 'M_UNRECOGNIZED';
}

/** Reads the body, refusing (and aborting) as soon as it is longer than `maxBytes`. */
async function readCapped(res: Response, maxBytes: number, onProgress?: (received: number, total?: number) => void): Promise<Buffer> {
  const header = Number(res.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : undefined;
  if (total !== undefined && total > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new Error(`the file is ${mib(total)}, more than the ${mib(maxBytes)} allowed (max_download_mb)`);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new Error(`the file is more than the ${mib(maxBytes)} allowed (max_download_mb)`);
      }
      chunks.push(Buffer.from(value));
      onProgress?.(received, total);
    }
  }
  return Buffer.concat(chunks);
}
