/**
 * Adapter.download through the test homeserver: an encrypted file sent by one natter account into an encrypted room
 * downloads (authenticated media) and decrypts to identical bytes on the other account, with progress; the sender's
 * own device can fetch it too (it kept the key of its upload); a file over max_download_mb is refused in plain words and leaves no file behind.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { client, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, type Client } from './support.js';

let server: MatrixTestServer;
let alice: Client;
let bob: Client;
let room = '';
const dir = mkdtempSync(join(tmpdir(), 'natter-matrix-download-'));

before(async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  alice = await client(server, a.userId, { config: { max_download_mb: 1 } });
  bob = await client(server, b.userId);
  await alice.adapter.command('create', ['Files']);
  room = (await waitConversation(alice, (c) => c.title === 'Files' && c.joined === true, 'the new room')).remoteId;
  await alice.adapter.command('invite', [bob.userId], room);
  await waitConversation(bob, (c) => c.remoteId === room && c.invitedBy === alice.userId, 'the invitation');
  await bob.adapter.join(room);
  await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && (e.add ?? []).some((p) => p.id === bob.userId), 'bob in the room', 60_000);
});

after(async () => {
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await server?.stop();
  releaseTimers();
  rmSync(dir, { recursive: true, force: true });
});

async function sendFile(from: Client, name: string, bytes: Buffer): Promise<void> {
  const path = join(dir, `src-${name}`);
  writeFileSync(path, bytes);
  await from.adapter.send({
    localId: `up-${name}`,
    conversation: { remoteId: room, kind: 'group' },
    kind: 'text',
    body: '',
    attachment: { path, name, size: bytes.length, mime: 'application/octet-stream' },
  });
}

test('an encrypted file from bob downloads and decrypts to the same bytes on alice, with progress', { timeout: 180_000 }, async () => {
  const bytes = randomBytes(700_000);
  await sendFile(bob, 'report.bin', bytes);
  const m = await waitMessage(alice, room, 'report.bin');
  assert.equal(m.encryption?.scheme, 'megolm');
  const a = m.attachments![0]!;
  assert.equal(a.encrypted, true);
  const dest = join(dir, 'alice-report.bin');
  const progress: Array<[number, number | undefined]> = [];
  await alice.adapter.download!(a, dest, (received, total) => progress.push([received, total]));
  assert.deepEqual(readFileSync(dest), bytes);
  assert.equal(statSync(dest).mode & 0o777, 0o600);
  assert.ok(progress.length >= 1);
  assert.equal(progress.at(-1)![0], bytes.length, 'the last report is the whole (encrypted, same length) file');

  // The sender's device kept the key of its own upload and can fetch the file as well.
  const ownDest = join(dir, 'bob-report.bin');
  await bob.adapter.download!({ url: a.url, encrypted: true }, ownDest);
  assert.deepEqual(readFileSync(ownDest), bytes);
});

test('a file over max_download_mb is refused in plain words, before or while it streams, and leaves nothing', { timeout: 180_000 }, async () => {
  const bytes = randomBytes(1_200_000);
  await sendFile(bob, 'big.bin', bytes);
  const m = await waitMessage(alice, room, 'big.bin');
  const a = m.attachments![0]!;
  const dest = join(dir, 'alice-big.bin');
  await assert.rejects(alice.adapter.download!(a, dest), /the file is 1\.1 MiB, more than the 1 MiB allowed \(max_download_mb\)/);
  // Without the announced size the server's length stops it.
  const { size: _size, ...unsized } = a;
  await assert.rejects(alice.adapter.download!(unsized, dest), /more than the 1 MiB allowed/);
  assert.equal(existsSync(dest), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('alice-big')), []);
});

test('an encrypted attachment whose key this device never saw is refused in plain words', { timeout: 60_000 }, async () => {
  await assert.rejects(
    alice.adapter.download!({ url: `mxc://${server.serverName}/unknownmedia`, encrypted: true }, join(dir, 'x')),
    /the key of this encrypted file is not known on this device/,
  );
});
