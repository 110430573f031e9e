/**
 * `/open` of a received file (Adapter.download) through real Postfix and Dovecot: a file alice sends inside an
 * encrypted mail downloads on bob's side to the same bytes, found on the server by its Message-ID and decrypted with
 * bob's key, written with mode 0600; a file in a plain mail downloads too; the size cap and a mail that is gone are
 * refused in plain words.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmailAdapter } from '../../../adapters/email/adapter.js';
import { mailSkipReason, startMailServer, type MailServer } from '../../harness/mail-server.js';
import { client, direct, PASSWORD, received, type Client } from './support.js';

const skip = mailSkipReason();
let server: MailServer;
let alice: Client;
let bob: Client;
let dir: string;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'natter-email-download-'));
  server = await startMailServer({ users: { alice: PASSWORD, bob: PASSWORD } });
  alice = await client(server, 'alice');
  bob = await client(server, 'bob');
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await server?.stop();
});

async function sendFile(from: Client, to: Client, body: string, name: string, content: Buffer) {
  const path = join(dir, `out-${randomBytes(4).toString('hex')}`);
  writeFileSync(path, content);
  const mark = to.ctx.events.length;
  await from.adapter.send({ localId: body, conversation: direct(to.address), kind: 'text', body, attachment: { path, name, size: content.length, mime: 'application/octet-stream' } });
  return received(to, body, mark);
}

test('a file in a plain first-contact mail downloads to the same bytes', { skip }, async () => {
  const content = randomBytes(3000);
  const got = await sendFile(alice, bob, 'plain file', 'first.bin', content);
  assert.equal(got.encryption?.scheme, 'none');
  const dest = join(dir, 'first.bin');
  await bob.adapter.download!(got.attachments![0]!, dest);
  assert.deepEqual(readFileSync(dest), content);
});

test('an encrypted file sent by one natter account downloads to identical bytes on the other, mode 0600', { skip }, async () => {
  // bob answers so alice learns his key: from now on her mail to him is PGP/MIME.
  const mark = alice.ctx.events.length;
  await bob.adapter.send({ localId: 'k', conversation: direct(alice.address), kind: 'text', body: 'my key' });
  await received(alice, 'my key', mark);

  const content = randomBytes(300_000);
  const got = await sendFile(alice, bob, 'secret file', 'photo ✓.bin', content);
  assert.equal(got.encryption?.scheme, 'openpgp');
  assert.equal(got.attachments?.length, 1);
  const a = got.attachments![0]!;
  assert.equal(a.name, 'photo ✓.bin');
  assert.match(a.url, /^mid:/);
  // The file is inside the ciphertext: bob's stored mail does not carry its bytes in the clear.
  const needle = content.subarray(0, 48).toString('base64');
  assert.ok(server.inboxFiles('bob').every((f) => !readFileSync(f, 'utf8').includes(needle)));

  const dest = join(dir, 'secret.bin');
  const progress: Array<[number, number | undefined]> = [];
  await bob.adapter.download!(a, dest, (n, total) => progress.push([n, total]));
  assert.deepEqual(readFileSync(dest), content);
  assert.equal(statSync(dest).mode & 0o777, 0o600);
  assert.ok(progress.length > 0);
  // No temp file is left beside it.
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a file over max_message_bytes and a mail that is not on the server are refused in plain words', { skip }, async () => {
  const s = (bob.adapter as EmailAdapter).s;
  const dest = join(dir, 'never.bin');
  await assert.rejects(
    bob.adapter.download!({ url: `mid:${encodeURIComponent('Mr.missing.x@natter.test')}`, name: 'x.bin', size: 10 }, dest),
    /no longer in the inbox/,
  );
  await assert.rejects(bob.adapter.download!({ url: 'cid:part1@natter.test', name: 'x.bin' }, dest), /ask the sender to send it again/);
  const limit = s.opts!.maxMessageBytes;
  await assert.rejects(bob.adapter.download!({ url: 'mid:a%40b', name: 'x.bin', size: limit + 1 }, dest), /max_message_bytes/);
  assert.equal(existsSync(dest), false);
});
