/**
 * download.ts against a scripted fetch: authenticated media first with the v3 fallback, the size cap (announced,
 * Content-Length, streamed), the SHA-256 check of an encrypted file, and nothing left at the destination on failure.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { downloadAttachment, encryptedFileFor, parseMxc, rememberEncryptedFile } from '../../../adapters/matrix/download.js';
import type { KeyValue } from '../../../src/core/contract.js';

const dir = mkdtempSync(join(tmpdir(), 'natter-dl-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Reply = { status: number; body?: Buffer | object; length?: boolean };
function scripted(replies: Record<string, Reply>): { fetchFn: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    asked.push(url);
    assert.equal((init?.headers as Record<string, string>).authorization, 'Bearer tok');
    const path = new URL(url).pathname;
    const r: Reply = replies[path] ?? { status: 404, body: { errcode: 'M_NOT_FOUND' } };
    const raw = Buffer.isBuffer(r.body) ? r.body : Buffer.from(JSON.stringify(r.body ?? {}));
    const headers: Record<string, string> = Buffer.isBuffer(r.body) ? {} : { 'content-type': 'application/json' };
    if (r.length !== false) headers['content-length'] = String(raw.length);
    // Streamed in 3 chunks so progress and the streaming cap are exercised.
    const third = Math.ceil(raw.length / 3) || 1;
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < raw.length; i += third) c.enqueue(raw.subarray(i, i + third));
        c.close();
      },
    });
    return new Response(stream, { status: r.status, headers });
  }) as typeof fetch;
  return { fetchFn, asked };
}

const base = { homeserver: 'https://hs.test', accessToken: 'tok', maxBytes: 1000 };
const V1 = '/_matrix/client/v1/media/download/hs.test/abc';
const V3 = '/_matrix/media/v3/download/hs.test/abc';

function encrypt(plain: Buffer) {
  const key = randomBytes(32);
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const c = createCipheriv('aes-256-ctr', key, iv);
  const data = Buffer.concat([c.update(plain), c.final()]);
  const file = {
    url: 'mxc://hs.test/abc',
    key: { k: key.toString('base64url'), alg: 'A256CTR' },
    iv: iv.toString('base64').replace(/=+$/, ''),
    hashes: { sha256: createHash('sha256').update(data).digest('base64').replace(/=+$/, '') },
  };
  return { data, file };
}

describe('matrix download', () => {
  it('parses mxc links', () => {
    assert.deepEqual(parseMxc('mxc://hs.test/abc_-1'), { serverName: 'hs.test', mediaId: 'abc_-1' });
    assert.equal(parseMxc('https://hs.test/abc'), undefined);
    assert.equal(parseMxc('mxc://hs.test/../x'), undefined);
  });

  it('authenticated media first; a plain file is written as it is, with progress', async () => {
    const bytes = randomBytes(500);
    const { fetchFn, asked } = scripted({ [V1]: { status: 200, body: bytes } });
    const dest = join(dir, 'plain');
    const seen: Array<[number, number | undefined]> = [];
    await downloadAttachment({ ...base, fetchFn, attachment: { url: 'mxc://hs.test/abc' }, destination: dest, onProgress: (r, t) => seen.push([r, t]) });
    assert.deepEqual(readFileSync(dest), bytes);
    assert.deepEqual(asked, ['https://hs.test' + V1]);
    assert.equal(seen.length, 3);
    assert.deepEqual(seen.at(-1), [500, 500]);
  });

  it('falls back to /media/v3 when the server does not know the v1 endpoint', async () => {
    const bytes = randomBytes(10);
    for (const v1 of [{ status: 404, body: { errcode: 'M_UNRECOGNIZED' } }, { status: 405, body: {} }]) {
      const { fetchFn, asked } = scripted({ [V1]: v1, [V3]: { status: 200, body: bytes } });
      const dest = join(dir, `fallback-${v1.status}`);
      await downloadAttachment({ ...base, fetchFn, attachment: { url: 'mxc://hs.test/abc' }, destination: dest });
      assert.deepEqual(readFileSync(dest), bytes);
      assert.deepEqual(asked.map((u) => new URL(u).pathname), [V1, V3]);
    }
  });

  it('a missing file is said in plain words (no fallback on M_NOT_FOUND)', async () => {
    const { fetchFn, asked } = scripted({ [V1]: { status: 404, body: { errcode: 'M_NOT_FOUND', error: 'Media not found' } } });
    await assert.rejects(downloadAttachment({ ...base, fetchFn, attachment: { url: 'mxc://hs.test/abc' }, destination: join(dir, 'gone') }), /^Error: the download failed: the server no longer has this file$/);
    assert.equal(asked.length, 1);
  });

  it('the size cap: announced size, Content-Length, and a stream without length', async () => {
    const big = randomBytes(1500);
    const dest = join(dir, 'big');
    const never = scripted({});
    await assert.rejects(downloadAttachment({ ...base, fetchFn: never.fetchFn, attachment: { url: 'mxc://hs.test/abc', size: 5 * 1024 * 1024 }, destination: dest }), /the file is 5 MiB, more than the 0 MiB allowed/);
    assert.equal(never.asked.length, 0, 'refused before asking');
    const withLength = scripted({ [V1]: { status: 200, body: big } });
    await assert.rejects(downloadAttachment({ ...base, fetchFn: withLength.fetchFn, attachment: { url: 'mxc://hs.test/abc' }, destination: dest }), /more than the .* allowed \(max_download_mb\)/);
    const streamed = scripted({ [V1]: { status: 200, body: big, length: false } });
    await assert.rejects(downloadAttachment({ ...base, fetchFn: streamed.fetchFn, attachment: { url: 'mxc://hs.test/abc' }, destination: dest }), /the file is more than the .* allowed/);
    assert.equal(existsSync(dest), false);
  });

  it('an encrypted file is checked against its hash and decrypted; a changed one leaves nothing behind', async () => {
    const plain = randomBytes(900);
    const { data, file } = encrypt(plain);
    const ok = scripted({ [V1]: { status: 200, body: data } });
    const dest = join(dir, 'enc');
    await downloadAttachment({ ...base, fetchFn: ok.fetchFn, attachment: { url: file.url, encrypted: true }, file, destination: dest });
    assert.deepEqual(readFileSync(dest), plain);
    const tampered = Buffer.from(data);
    tampered[0]! ^= 1;
    const bad = scripted({ [V1]: { status: 200, body: tampered } });
    const dest2 = join(dir, 'enc-bad');
    await assert.rejects(downloadAttachment({ ...base, fetchFn: bad.fetchFn, attachment: { url: file.url, encrypted: true }, file, destination: dest2 }), /the file could not be decrypted: the attachment does not match its hash/);
    assert.equal(existsSync(dest2), false);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.part')), []);
    await assert.rejects(downloadAttachment({ ...base, fetchFn: ok.fetchFn, attachment: { url: file.url, encrypted: true }, destination: dest2 }), /key of this encrypted file is not known/);
  });

  it('file descriptions are kept per mxc URL in kv', () => {
    const map = new Map<string, string>();
    const kv: KeyValue = { get: (k) => map.get(k), set: (k, v) => void map.set(k, v), delete: (k) => void map.delete(k), batch: () => undefined };
    const { file } = encrypt(Buffer.from('x'));
    rememberEncryptedFile(kv, file);
    rememberEncryptedFile(kv, { url: 'https://not-mxc' });
    assert.deepEqual(encryptedFileFor(kv, file.url), file);
    assert.equal(encryptedFileFor(kv, 'mxc://hs.test/other'), undefined);
    assert.equal(map.size, 1);
  });
});
