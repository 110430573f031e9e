/**
 * HTTP File Upload (XEP-0363) against a real Prosody 0.12 with mod_http_file_share on loopback HTTPS (the test
 * certificate, trusted through ca_file): alice sends a real file, bob receives a message whose attachment URL
 * downloads to the same bytes; progress is reported; files above the server's limit are refused in plain words.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendRejected } from '../../../src/core/contract.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, messages, PASSWORD, skipReason, type Client } from './support.js';

const skip = skipReason();
const LIMIT = 6 * 1024 * 1024;
let server: ProsodyServer;
let alice: Client;
let bob: Client;
let dir: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'natter-upload-it-'));
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD }, uploadLimit: LIMIT });
  alice = await client(server, 'alice');
  bob = await client(server, 'bob');
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function download(url: string, ca: Buffer): Promise<{ status: number; body: Buffer; type?: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), type: res.headers['content-type'] }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('alice uploads a real file; bob gets the message with an attachment that downloads to the same bytes', { skip, timeout: 120_000 }, async () => {
  const bytes = randomBytes(4 * 1024 * 1024 + 123);
  const path = join(dir, 'holiday photo.jpg');
  writeFileSync(path, bytes);
  const result = await alice.adapter.send({
    localId: 'up-1',
    conversation: { remoteId: bob.jid, kind: 'direct' },
    kind: 'text',
    body: '',
    attachment: { path, name: 'holiday photo.jpg', size: bytes.length, mime: 'image/jpeg' },
  });
  assert.equal(result.state, 'sent');

  const progress = alice.ctx.ofType('transfer').filter((e) => e.localId === 'up-1');
  assert.ok(progress.length >= 2, `progress reported (${progress.length} events)`);
  for (const p of progress) assert.equal(p.total, bytes.length);
  const sent = progress.map((p) => p.sent);
  assert.deepEqual(sent, [...sent].sort((a, b) => a - b), 'progress never goes back');
  assert.equal(sent[0], 0);
  assert.equal(sent.at(-1), bytes.length, 'the last event is the whole file');

  const got = await bob.ctx.waitFor((e) => e.type === 'message' && (e.message.attachments?.length ?? 0) > 0, 'bob gets the file message', 30_000);
  const m = messages(bob).find((x) => x.attachments?.length)!;
  assert.equal(got.type, 'message');
  assert.equal(m.body, '', 'the body was only the URL');
  assert.equal(m.direction, 'in');
  const [a] = m.attachments!;
  assert.match(a!.url, new RegExp(`^https://localhost:${server.httpsPort}/`));
  assert.equal(a!.name, 'holiday photo.jpg');
  const dl = await download(a!.url, readFileSync(server.caFile));
  assert.equal(dl.status, 200);
  assert.equal(dl.body.length, bytes.length);
  assert.equal(sha(dl.body), sha(bytes), 'identical bytes');
  assert.equal(dl.type, 'image/jpeg');
  // The engine learns the link of its own pending upload from an echo with the local id.
  const echo = messages(alice).find((x) => x.localId === 'up-1');
  assert.equal(echo?.direction, 'out');
  assert.deepEqual(echo?.attachments, [{ url: a!.url, name: 'holiday photo.jpg', size: bytes.length, mime: 'image/jpeg' }]);
});

test('a caption goes before the URL; a group chat gets the file too', { skip, timeout: 120_000 }, async () => {
  const path = join(dir, 'notes.txt');
  writeFileSync(path, 'some notes\n');
  await alice.adapter.send({ localId: 'up-2', conversation: { remoteId: bob.jid, kind: 'direct' }, kind: 'text', body: 'my notes', attachment: { path, name: 'notes.txt', size: 11, mime: 'text/plain' } });
  const e = await bob.ctx.waitFor((x) => x.type === 'message' && x.message.body.startsWith('my notes\nhttps://'), 'captioned file', 30_000);
  assert.equal(e.type === 'message' && e.message.attachments?.[0]?.name, 'notes.txt');

  const room = `files@${server.muc}`;
  await alice.adapter.join(room);
  await alice.ctx.waitFor((x) => x.type === 'members' && x.conversationRemoteId === room && !!x.replace, 'alice in the room', 15_000);
  await bob.adapter.join(room);
  await bob.ctx.waitFor((x) => x.type === 'members' && x.conversationRemoteId === room && !!x.replace, 'bob in the room', 15_000);
  // A content type with parameters is sent as octet-stream in both the slot request and the PUT (they must match).
  const r = await alice.adapter.send({ localId: 'up-3', conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: '', attachment: { path, name: 'notes.txt', size: 11, mime: 'text/plain; charset=utf-8' } });
  assert.ok(r.remoteId, 'the room reflected it');
  const g = await bob.ctx.waitFor((x) => x.type === 'message' && x.message.conversation.remoteId === room && (x.message.attachments?.length ?? 0) > 0, 'room file', 30_000);
  assert.equal(g.type === 'message' && (await download(g.message.attachments![0]!.url, readFileSync(server.caFile))).body.toString(), 'some notes\n');
});

test('a file above the server limit is refused before any upload, in plain words, not retried', { skip, timeout: 60_000 }, async () => {
  const path = join(dir, 'big.iso');
  writeFileSync(path, '');
  truncateSync(path, LIMIT + 1);
  const before = alice.ctx.ofType('transfer').length;
  await assert.rejects(
    alice.adapter.send({ localId: 'up-big', conversation: { remoteId: bob.jid, kind: 'direct' }, kind: 'text', body: '', attachment: { path, name: 'big.iso', size: LIMIT + 1, mime: 'application/octet-stream' } }),
    (e: unknown) => {
      assert.ok(e instanceof SendRejected);
      assert.match(e.message, /big\.iso is too large to upload: 6291457 bytes, the server takes at most 6291456 bytes/);
      assert.equal(e.retryable, false);
      return true;
    },
  );
  assert.equal(alice.ctx.ofType('transfer').length, before, 'no bytes went out');
  await assert.rejects(
    alice.adapter.send({ localId: 'up-missing', conversation: { remoteId: bob.jid, kind: 'direct' }, kind: 'text', body: '', attachment: { path: join(dir, 'gone'), name: 'gone', size: 1, mime: 'text/plain' } }),
    (e: unknown) => e instanceof SendRejected && /no such file/.test(e.message) && !e.retryable,
  );
});
