/**
 * HTTP File Upload pieces without a server: discovery answers, slot reading (allowed headers only, https only), the
 * slot request, progress throttling, and the PUT itself against a local HTTPS server (bytes, headers, and each kind
 * of failure with its retryability).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parse from '@xmpp/xml/lib/parse.js';
import { freePort, selfSignedCert } from '../../harness/server-kit.js';
import { discoItems, readSlot, slotRequest, uploadServiceFromInfo, UploadError } from '../../../adapters/xmpp/upload-service.js';
import { putFile } from '../../../adapters/xmpp/upload-put.js';
import { bodyWithUpload, dropClearLinkWhenEncrypted, oobElement, progressReporter } from '../../../adapters/xmpp/upload.js';

const info = (features: string, form = '') =>
  parse(`<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="store" type="file"/>${features}${form}</query></iq>`);
const FEATURE = '<feature var="urn:xmpp:http:upload:0"/>';
const form = (max: string, type = 'urn:xmpp:http:upload:0') =>
  `<x xmlns="jabber:x:data" type="result"><field var="FORM_TYPE" type="hidden"><value>${type}</value></field><field var="max-file-size"><value>${max}</value></field></x>`;

test('disco#info: the upload feature makes a service; max-file-size only from the upload form', () => {
  assert.deepEqual(uploadServiceFromInfo('up.example', info(FEATURE, form('5242880'))), { jid: 'up.example', maxFileSize: 5242880 });
  assert.deepEqual(uploadServiceFromInfo('up.example', info(FEATURE)), { jid: 'up.example' });
  assert.deepEqual(uploadServiceFromInfo('up.example', info(FEATURE, form('lots'))), { jid: 'up.example' });
  assert.deepEqual(uploadServiceFromInfo('up.example', info(FEATURE, form('10', 'urn:other'))), { jid: 'up.example' });
  assert.equal(uploadServiceFromInfo('muc.example', info('<feature var="http://jabber.org/protocol/muc"/>')), undefined);
  assert.equal(uploadServiceFromInfo('x', undefined), undefined);
  const items = parse(`<iq type="result"><query xmlns="http://jabber.org/protocol/disco#items"><item jid="upload.example"/><item/><item jid="muc.example"/></query></iq>`);
  assert.deepEqual(discoItems(items), ['upload.example', 'muc.example']);
});

test('slot request: the file name without path or controls, size, a valid content type', () => {
  const el = slotRequest({ name: '../../etc/pass\u202ewd\u0007.txt', size: 42, mime: 'text/plain' });
  assert.equal(el.attrs.xmlns, 'urn:xmpp:http:upload:0');
  assert.equal(el.attrs.filename, 'passwd.txt');
  assert.equal(el.attrs.size, '42');
  assert.equal(el.attrs['content-type'], 'text/plain');
  assert.equal(slotRequest({ name: '', size: 1, mime: 'evil\r\nX: y' }).attrs['content-type'], 'application/octet-stream');
  assert.equal(slotRequest({ name: '/', size: 1, mime: '' }).attrs.filename, 'file');
});

test('slot: only Authorization, Cookie and Expires are kept, line breaks removed; both URLs must be https', () => {
  const slot = readSlot(
    parse(`<iq type="result"><slot xmlns="urn:xmpp:http:upload:0"><put url="https://up.example/put/1/a.txt">
      <header name="Authorization">Bearer abc&#13;&#10;X-Evil: 1</header><header name="cookie">c=1</header><header name="Expires">Tue</header>
      <header name="Host">evil.example</header><header name="Content-Length">1</header><header name="X-Other">1</header>
    </put><get url="https://up.example/get/1/a.txt"/></slot></iq>`),
  );
  assert.deepEqual(slot, { put: 'https://up.example/put/1/a.txt', get: 'https://up.example/get/1/a.txt', headers: { Authorization: 'Bearer abcX-Evil: 1', Cookie: 'c=1', Expires: 'Tue' } });
  for (const [put, get] of [
    ['http://up.example/p', 'https://up.example/g'],
    ['https://up.example/p', 'http://up.example/g'],
    ['javascript:alert(1)', 'https://up.example/g'],
    ['https://up.example/p', 'https://up example/g'],
  ]) {
    assert.throws(() => readSlot(parse(`<iq type="result"><slot xmlns="urn:xmpp:http:upload:0"><put url="${put}"/><get url="${get}"/></slot></iq>`)), UploadError);
  }
  assert.throws(() => readSlot(parse(`<iq type="result"/>`)), /no usable upload slot/);
});

test('progress: monotonic, at most one report per interval, forced reports at start and end', () => {
  let t = 0;
  const seen: number[] = [];
  const p = progressReporter((n) => seen.push(n), () => t);
  p.report(0, true);
  for (let sent = 1000; sent <= 10_000; sent += 1000) {
    t += 30;
    p.report(sent);
  }
  p.report(5000, true);
  p.report(10_000, true);
  assert.deepEqual(seen, [0, 4000, 8000, 10_000]);
  p.report(10_000, true);
  assert.deepEqual(seen, [0, 4000, 8000, 10_000, 10_000], "a forced final report repeats the total");
});

test('the message body and OOB element of an upload (Conversations shows a file when body = OOB URL)', () => {
  const up = { url: 'https://up.example/g/a.png', name: 'a.png', size: 1, mime: 'image/png' };
  assert.equal(bodyWithUpload('', up), up.url);
  assert.equal(bodyWithUpload('look', up), `look\n${up.url}`);
  assert.equal(bodyWithUpload('text', undefined), 'text');
  assert.equal(oobElement(up)?.toString(), `<x xmlns="jabber:x:oob"><url>${up.url}</url></x>`);
  assert.equal(oobElement(undefined), undefined);
});

test('an OMEMO-encrypted stanza loses the clear OOB link; a plain one keeps it', () => {
  const up = { url: 'https://up.example/g/a.png', name: 'a.png', size: 1, mime: 'image/png' };
  const plain = parse(`<message><body>x</body>${oobElement(up)!.toString()}</message>`);
  dropClearLinkWhenEncrypted(plain);
  assert.ok(plain.getChild('x', 'jabber:x:oob'));
  const enc = parse(`<message><body>fallback</body>${oobElement(up)!.toString()}<encrypted xmlns="urn:xmpp:omemo:2"><payload>AA==</payload></encrypted></message>`);
  dropClearLinkWhenEncrypted(enc);
  assert.equal(enc.getChild('x', 'jabber:x:oob'), undefined);
  assert.ok(enc.getChild('encrypted', 'urn:xmpp:omemo:2'));
  assert.equal(enc.toString().includes(up.url), false, 'the link is nowhere in the clear');
});

let dir: string;
let server: Server;
let port: number;
let ca: Buffer;
let answer = 201;
const received: Array<{ headers: IncomingHttpHeaders; body: Buffer; url: string }> = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'natter-upload-'));
  const cert = selfSignedCert(dir);
  ca = readFileSync(cert.certFile);
  server = createServer({ cert: readFileSync(cert.certFile), key: readFileSync(cert.keyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks), url: req.url ?? '' });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function file(size: number): { path: string; bytes: Buffer } {
  const bytes = randomBytes(size);
  const path = join(dir, `f-${size}-${Math.random()}`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

test('PUT streams the file with its length, type and the slot headers; progress ends at the size', async () => {
  answer = 201;
  const { path, bytes } = file(3 * 1024 * 1024 + 17);
  const progress: number[] = [];
  await putFile({ url: `https://localhost:${port}/put/x/a.bin`, headers: { Authorization: 'Bearer t' }, path, size: bytes.length, mime: 'application/octet-stream', trust: { ca, acceptInvalidCerts: false }, onProgress: (n) => progress.push(n) });
  const got = received.at(-1)!;
  assert.equal(createHash('sha256').update(got.body).digest('hex'), createHash('sha256').update(bytes).digest('hex'));
  assert.equal(got.headers['content-length'], String(bytes.length));
  assert.equal(got.headers['content-type'], 'application/octet-stream');
  assert.equal(got.headers.authorization, 'Bearer t');
  assert.equal(got.url, '/put/x/a.bin');
  assert.ok(progress.length > 1);
  assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'monotonic');
  assert.equal(progress.at(-1), bytes.length);
});

test('PUT failures: 503 and refused connections are retryable; 403, 413, untrusted certificates and missing files are not', async () => {
  const { path, bytes } = file(1000);
  const put = (o: { url?: string; trust?: { ca?: Buffer; acceptInvalidCerts: boolean; fingerprint?: string }; path?: string }) =>
    putFile({ url: o.url ?? `https://localhost:${port}/p`, headers: {}, path: o.path ?? path, size: bytes.length, mime: 'text/plain', trust: o.trust ?? { ca, acceptInvalidCerts: false }, onProgress: () => undefined });
  const rejectsWith = async (p: Promise<void>, message: RegExp, retryable: boolean) => {
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof UploadError, String(e));
      assert.match(e.message, message);
      assert.equal(e.retryable, retryable, e.message);
      return true;
    });
  };
  answer = 503;
  await rejectsWith(put({}), /unavailable for now \(HTTP 503\)/, true);
  answer = 403;
  await rejectsWith(put({}), /refused the upload \(HTTP 403/, false);
  answer = 413;
  await rejectsWith(put({}), /too large/, false);
  answer = 201;
  await rejectsWith(put({ trust: { acceptInvalidCerts: false } }), /certificate is not trusted/, false);
  await rejectsWith(put({ url: `https://localhost:${await freePort()}/p` }), /refused the connection/, true);
  await rejectsWith(put({ path: join(dir, 'missing') }), /no such file/, false);
  // A pinned certificate needs no CA.
  const pin = createHash('sha256').update(Buffer.from(ca.toString('utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64')).digest('hex').toUpperCase().match(/../g)!.join(':');
  await put({ trust: { fingerprint: pin, acceptInvalidCerts: false } });
  await rejectsWith(put({ trust: { fingerprint: pin.replace(/^../, pin.startsWith('00') ? '11' : '00'), acceptInvalidCerts: false } }), /certificate is not trusted/, false);
});
