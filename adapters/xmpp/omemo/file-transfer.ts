/**
 * Encrypted files over HTTP File Upload (XEP-0454 "OMEMO Media sharing", keys in aesgcm.ts):
 *
 * - upload: {@link encryptToTempFile} encrypts the file (AES-256-GCM, tag appended) into a private temp file that
 *   upload.ts then PUTs like any file; the message carries `aesgcm://host/path#<iv><key>` inside the OMEMO payload
 *   only, never in an OOB element or a clear body;
 * - download: {@link downloadAesgcm} GETs the https URL under the account's TLS trust (and proxy), decrypts it and
 *   writes the plaintext to a new file (0600) in the download directory, never overwriting one.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { rootCertificates, type TLSSocket } from 'node:tls';
import { Socks5HttpsAgent } from '../../../src/core/net/proxy-agent.js';
import type { PutTrust } from '../upload-put.js';
import { AesgcmError, decryptFile, encryptFile, parseAesgcmUrl } from './aesgcm.js';

/** Downloads larger than this are refused (the whole file is decrypted in memory: GCM authenticates it at the end). */
export const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

export class FileTransferError extends Error {}

export interface EncryptedTempFile {
  /** The ciphertext with its tag, ready to upload. */
  path: string;
  size: number;
  /** A file name for the slot that tells the server nothing but the extension. */
  slotName: string;
  key: Uint8Array;
  iv: Uint8Array;
  /** Removes the temp file (call after the upload, whatever its outcome). */
  cleanup(): void;
}

/** Encrypts `path` for upload into a private temp directory (0700, file 0600). */
export function encryptToTempFile(path: string, name: string): EncryptedTempFile {
  let plain: Buffer;
  try {
    plain = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileTransferError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(e)}`, { cause: e });
  }
  const enc = encryptFile(plain);
  const dir = mkdtempSync(join(tmpdir(), 'natter-upload-'));
  const out = join(dir, 'file.enc');
  writeFileSync(out, enc.data, { mode: 0o600 });
  const ext = extname(name).replace(/[^A-Za-z0-9.]/g, '').slice(0, 12);
  return {
    path: out,
    size: enc.data.length,
    slotName: `${randomBytes(12).toString('hex')}${ext}`,
    key: enc.key,
    iv: enc.iv,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The directory `/download` writes to: the configured one (`~/` expanded), else a private one under the temp dir. */
export function downloadDir(configured: string | undefined, accountId: string): string {
  if (configured) {
    const dir = configured === '~' || configured.startsWith('~/') ? join(homedir(), configured.slice(2)) : resolve(configured);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  }
  const dir = join(tmpdir(), `natter-downloads-${process.getuid?.() ?? 'user'}`, accountId.replace(/[^A-Za-z0-9._-]/g, '_'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A file name for the link's last path segment, safe to create in `dir`, not taken yet. */
function freeName(dir: string, link: string): string {
  let base = 'download';
  try {
    base = decodeURIComponent(basename(new URL(link.replace(/^aesgcm:/, 'https:')).pathname)) || base;
  } catch {
    // A name that does not decode: keep the default.
  }
  // No path separators, controls or leading dots: the name stays inside `dir` and visible.
  // eslint-disable-next-line no-control-regex
  base = base.replace(/[/\\\x00-\x1f\x7f]/g, '_').replace(/^\.+/, '').slice(0, 120) || 'download';
  const ext = extname(base);
  const stem = base.slice(0, base.length - ext.length);
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? base : `${stem} (${i})${ext}`;
    try {
      writeFileSync(join(dir, candidate), '', { flag: 'wx', mode: 0o600 });
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new FileTransferError(`cannot write to ${dir}: ${String(e)}`, { cause: e });
    }
  }
}

/** GETs `url` whole under the account's trust; rejects with FileTransferError in plain words. */
export function httpsGet(url: string, trust: PutTrust, maxBytes = MAX_DOWNLOAD_BYTES): Promise<Buffer> {
  return new Promise<Buffer>((resolveGet, reject) => {
    const pinned = trust.fingerprint;
    let settled = false;
    const fail = (e: FileTransferError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(e);
    };
    const req = request(new URL(url), {
      method: 'GET',
      ca: trust.ca ? [...rootCertificates, trust.ca.toString('utf8')] : undefined,
      rejectUnauthorized: !(trust.acceptInvalidCerts || pinned),
      agent: trust.proxy ? new Socks5HttpsAgent(trust.proxy, { keepAlive: false }) : false,
      timeout: 60_000,
    });
    req.on('socket', (socket) => {
      if (!pinned || trust.acceptInvalidCerts) return;
      socket.once('secureConnect', () => {
        const tls = socket as TLSSocket;
        if (tls.getPeerCertificate()?.fingerprint256?.toUpperCase() !== pinned && !tls.authorized) fail(new FileTransferError('the file server\'s certificate is not trusted'));
      });
    });
    req.on('timeout', () => fail(new FileTransferError('the file server stopped responding')));
    req.on('error', (e) => fail(new FileTransferError(`the download failed: ${e.message}`, { cause: e })));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        fail(new FileTransferError(`the file server answered HTTP ${status}${status === 404 ? ' (the file is gone)' : ''}`));
        return;
      }
      const chunks: Buffer[] = [];
      let got = 0;
      res.on('data', (c: Buffer) => {
        got += c.length;
        if (got > maxBytes) fail(new FileTransferError(`the file is larger than ${maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('error', (e) => fail(new FileTransferError(`the download failed: ${e.message}`, { cause: e })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        resolveGet(Buffer.concat(chunks));
      });
    });
    req.end();
  });
}

/**
 * Downloads the file of an `aesgcm://` link, decrypts it and writes it into `dir` (a new file, 0600). Resolves with
 * its path and size; rejects with FileTransferError (also when the file does not decrypt: nothing is kept then).
 */
export async function downloadAesgcm(link: string, dir: string, trust: PutTrust): Promise<{ path: string; size: number }> {
  const parsed = parseAesgcmUrl(link);
  if (!parsed) throw new FileTransferError('not an aesgcm:// link with its key (XEP-0454)');
  const data = await httpsGet(parsed.httpsUrl, trust);
  let plain: Uint8Array;
  try {
    plain = decryptFile(new Uint8Array(data), parsed.key, parsed.iv);
  } catch (e) {
    throw new FileTransferError(e instanceof AesgcmError ? e.message : String(e), { cause: e });
  }
  const name = freeName(dir, link);
  const path = join(dir, name);
  writeFileSync(path, plain, { mode: 0o600 });
  return { path, size: plain.length };
}
