/**
 * Late decryption through the whole of natter (engine, store, Matrix adapter) against the in-memory homeserver: a
 * new device of alice stores bob's older encrypted message as an undecryptable placeholder; after `/backup-restore`
 * with the passphrase the backup was made from, the same row holds the text, keeps its time, is not marked edited,
 * says what protected it (no error any more), and full-text search finds it. Then an encrypted file bob uploads
 * through his engine is fetched and decrypted by alice's engine through the download action `/open` uses.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, type Session } from '../../../src/app/open-session.js';
import { DOWNLOAD_ACTION } from '../../../src/core/download-action.js';
import type { Conversation } from '../../../src/core/model.js';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { PASSWORD, releaseTimers, startServer } from '../matrix/support.js';

const skip = process.env.NATTER_TEST_MATRIX_URL ? 'uses the local homeserver' : undefined;
const PASSPHRASE = ['amber', 'lantern', 'quietly', 'forty'];
let server: MatrixTestServer;
const sessions: Session[] = [];
let aliceId = '';
let aliceToken = '';
let bobId = '';
let alice: Session | undefined;
let bob: Session | undefined;
let room: Conversation | undefined;

function profile(name: string, user: string): Promise<Session> {
  const home = mkdtempSync(join(tmpdir(), `natter-${name}-`));
  const body = `[[accounts]]\nname = "hs"\nprotocol = "matrix"\nhomeserver = "${server.url}"\nuser = "${user}"\npassword = "${PASSWORD}"\n`;
  writeFileSync(join(home, 'config.toml'), body, { mode: 0o600 });
  return openSession({ env: { ...process.env, NATTER_HOME: home } });
}

async function started(name: string, user: string): Promise<Session> {
  const s = await profile(name, user);
  sessions.push(s);
  await s.engine.start();
  await waitFor(() => s.store.listAccounts().find((a) => a.id === 'hs')?.state === 'online', `${name} online`, 60_000);
  return s;
}

async function api(path: string, init: { method?: string; body?: unknown } = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}/_matrix/client/v3/${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** Polls an asynchronous condition (server state over HTTP) every 250 ms. */
async function waitAsync(cond: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  let ok = false;
  let busy = false;
  await waitFor(() => {
    if (!busy) {
      busy = true;
      void cond().then((v) => (ok = v), () => undefined).finally(() => (busy = false));
    }
    return ok;
  }, what, timeoutMs, 250);
}

before(async () => {
  if (skip) return;
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  aliceId = a.userId;
  aliceToken = a.accessToken;
  bobId = (await server.register('bob', PASSWORD)).userId;
});

after(async () => {
  for (const s of sessions) await s.close();
  await server?.stop();
  releaseTimers();
});

test('a placeholder becomes the text after a key backup restore: not edited, searchable', { skip, timeout: 420_000 }, async () => {
  alice = await started('alice1', aliceId);
  bob = await started('bob', bobId);
  // Cross-signing is set up at the first start; the backup's secret storage takes its keys.
  await waitAsync(async () => {
    const keys = await api('keys/query', { method: 'POST', body: { device_keys: { [aliceId]: [] } } });
    return Boolean((keys.master_keys as Record<string, unknown> | undefined)?.[aliceId]);
  }, 'cross-signing keys', 60_000);
  const made = await alice.engine.dispatch({ type: 'protocol', accountId: 'hs', name: 'backup-create', args: PASSPHRASE });
  assert.equal(made.ok, true, JSON.stringify(made));

  assert.equal((await bob.engine.dispatch({ type: 'protocol', accountId: 'hs', name: 'create', args: ['Old', 'history'] })).ok, true);
  await waitFor(() => (room = bob!.store.listConversations().find((c) => c.title === 'Old history' && c.joined)), 'bob has the room', 60_000);
  assert.equal((await bob.engine.dispatch({ type: 'protocol', accountId: 'hs', name: 'invite', args: [aliceId], conversationId: room!.id })).ok, true);
  await waitFor(() => alice!.store.findConversation('hs', room!.remoteId)?.invitedBy === bobId, 'alice invited', 60_000);
  assert.equal((await alice.engine.dispatch({ type: 'join', accountId: 'hs', address: room!.remoteId })).ok, true);
  await waitFor(() => bob!.store.listMembers(room!.id).some((m) => m.id === aliceId), 'alice in the room', 60_000);

  const body = 'the lighthouse code is 4711';
  assert.equal((await bob.engine.dispatch({ type: 'send', conversationId: room!.id, body })).ok, true);
  const aliceRoom = () => alice!.store.findConversation('hs', room!.remoteId)!;
  await waitFor(() => alice!.store.messages(aliceRoom().id, { limit: 50 }).some((m) => m.body === body), 'alice reads it', 60_000);
  // The backup loop uploads room keys a few seconds after they arrive.
  await waitAsync(async () => {
    const version = (await api('room_keys/version')).version as string | undefined;
    if (!version) return false;
    const rooms = ((await api(`room_keys/keys?version=${version}`)).rooms ?? {}) as Record<string, { sessions: Record<string, unknown> }>;
    return Object.values(rooms).some((r) => Object.keys(r.sessions).length > 0);
  }, 'room keys in the backup', 90_000);

  // A new device of alice: the old message is a placeholder that says why.
  const laptop = await started('alice2', aliceId);
  const laptopRoom = () => laptop.store.findConversation('hs', room!.remoteId);
  const row = () => laptop.store.messages(laptopRoom()!.id, { limit: 50 }).find((m) => m.senderId === bobId && m.kind === 'text');
  await waitFor(() => laptopRoom() && row(), 'the placeholder on the new device', 90_000);
  const placeholder = row()!;
  assert.match(placeholder.body, /^\[unable to decrypt/);
  assert.ok(placeholder.encryption.error);
  assert.equal(laptop.engine.search('lighthouse').length, 0);

  const restored = await laptop.engine.dispatch({ type: 'protocol', accountId: 'hs', name: 'backup-restore', args: PASSPHRASE });
  assert.equal(restored.ok, true, JSON.stringify(restored));
  await waitFor(() => row()?.body === body, 'the placeholder becomes the text', 90_000);
  const readable = row()!;
  assert.equal(readable.id, placeholder.id, 'the same row');
  assert.equal(readable.sentAt, placeholder.sentAt);
  assert.equal(readable.editedAt, undefined, 'not marked edited');
  assert.equal(readable.encryption.scheme, 'megolm');
  assert.equal(readable.encryption.error, undefined);
  const hits = laptop.engine.search('lighthouse');
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.message.id, placeholder.id);
});

test('an encrypted file bob uploads is downloaded and decrypted by alice\'s engine (the /open download action)', { skip, timeout: 240_000 }, async () => {
  assert.ok(alice && bob && room, 'the sessions and room of the first test');
  const dir = mkdtempSync(join(tmpdir(), 'natter-upload-'));
  const bytes = randomBytes(250_000);
  const path = join(dir, 'chart.bin');
  writeFileSync(path, bytes);
  const up = await bob.engine.dispatch({ type: 'upload', conversationId: room.id, path });
  assert.equal(up.ok, true, JSON.stringify(up));
  const aliceRoom = alice.store.findConversation('hs', room.remoteId)!;
  const row = () => alice!.store.messages(aliceRoom.id, { limit: 50 }).find((m) => m.attachments?.some((a) => a.name === 'chart.bin'));
  await waitFor(row, 'alice has the file message', 90_000);
  const message = row()!;
  const attachment = message.attachments![0]!;
  assert.equal(attachment.encrypted, true);
  assert.match(attachment.url, /^mxc:\/\//);
  const got = await alice.engine.dispatch({ type: 'protocol', accountId: 'hs', name: DOWNLOAD_ACTION, conversationId: aliceRoom.id, args: [message.id, attachment.url] });
  assert.equal(got.ok, true, JSON.stringify(got));
  const file = got.ok ? got.info! : '';
  assert.deepEqual(readFileSync(file), bytes);
});
