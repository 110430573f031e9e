/**
 * Key backup: created on one device (recovery key shown once), room keys uploaded to it; a new device restores
 * with the recovery key and the encrypted history it showed as undecryptable becomes readable in place.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { AdapterEvent } from '../../../src/core/contract.js';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, memoryKv, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, waitUpdate, type Client } from './support.js';

type Notice = Extract<AdapterEvent, { type: 'notice' }>;
let server: MatrixTestServer;
const running: Client[] = [];

after(async () => {
  for (const c of running) await c.adapter.stop();
  await server?.stop();
  releaseTimers();
});

const tokenOf = (c: Client) => (JSON.parse(c.ctx.kv.get('auth')!) as { accessToken: string }).accessToken;

async function backedUpSessions(c: Client): Promise<number> {
  const h = { authorization: `Bearer ${tokenOf(c)}` };
  const v = (await (await fetch(`${server.url}/_matrix/client/v3/room_keys/version`, { headers: h })).json()) as { version?: string };
  if (!v.version) return 0;
  const keys = (await (await fetch(`${server.url}/_matrix/client/v3/room_keys/keys?version=${v.version}`, { headers: h })).json()) as {
    rooms?: Record<string, { sessions: Record<string, unknown> }>;
  };
  return Object.values(keys.rooms ?? {}).reduce((n, r) => n + Object.keys(r.sessions).length, 0);
}

test('a key backup made on one device lets a new device read the history it could not decrypt', { timeout: 300_000 }, async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  const alice = await client(server, a.userId, { kv: memoryKv() });
  const bob = await client(server, b.userId);
  running.push(alice, bob);
  await alice.ctx.waitFor((e) => e.type === 'notice' && /cross-signing keys created/.test(e.text), 'cross-signing', 60_000);

  await alice.adapter.command('backup-create', []);
  const created = await alice.ctx.waitFor<Notice>((e) => e.type === 'notice' && /Recovery key/.test(e.text), 'recovery key', 60_000);
  const recoveryKey = /Recovery key \(write it down, it is shown only now\): (.+)$/.exec(created.text)![1]!;
  assert.match(recoveryKey, /^(\w{4} ){11}\w{4}$/);
  assert.ok(!alice.ctx.logs.some((l) => l.includes(recoveryKey)), 'the recovery key never reaches the log');

  await bob.adapter.command('create', ['Backed up']);
  const room = (await waitConversation(bob, (c) => c.title === 'Backed up' && c.joined === true, 'room')).remoteId;
  await bob.adapter.command('invite', [alice.userId], room);
  await waitConversation(alice, (c) => c.remoteId === room && c.invitedBy === bob.userId, 'invitation');
  await alice.adapter.join(room);
  await bob.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && (e.add ?? []).some((p) => p.id === alice.userId), 'alice joined', 60_000);
  const sent = await bob.adapter.send({ localId: 'old', conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: 'the old secret' });
  await waitMessage(alice, room, 'the old secret');
  // The backup loop uploads room keys a few seconds after they arrive.
  let sessions = 0;
  const poll = setInterval(() => void backedUpSessions(alice).then((n) => (sessions = n)), 250);
  try {
    await waitFor(() => sessions > 0, 'room keys in the backup', 60_000);
  } finally {
    clearInterval(poll);
  }

  const second = await client(server, a.userId, { kv: memoryKv() });
  running.push(second);
  const placeholder = await second.ctx.waitFor<Extract<AdapterEvent, { type: 'message' }>>(
    (e) => e.type === 'message' && e.message.remoteId === sent.remoteId,
    'the old message on the new device',
    60_000,
  );
  assert.match(placeholder.message.body, /^\[unable to decrypt/);
  // The placeholder is remembered across restarts, so a later decryption (even after a restart) updates it.
  const pending = () => JSON.parse(second.ctx.kv.get('undecryptable') ?? '[]') as string[];
  await waitFor(() => pending().includes(sent.remoteId!), 'the placeholder remembered in kv', 60_000);

  await assert.rejects(second.adapter.command('backup-restore', ['not a key']), /not a recovery key/);
  await second.adapter.command('backup-restore', recoveryKey.split(' '));
  await second.ctx.waitFor<Notice>((e) => e.type === 'notice' && /restored [1-9]\d* of \d+ room keys/.test(e.text), 'restore notice', 60_000);
  const readable = await waitUpdate(second, (u) => u.targetRemoteId === sent.remoteId && u.change.kind === 'decrypted', 'the placeholder becomes the text');
  assert.equal(readable.change.kind === 'decrypted' && readable.change.body, 'the old secret');
  assert.equal(readable.change.kind === 'decrypted' && readable.change.encryption.scheme, 'megolm');
  assert.equal(readable.change.kind === 'decrypted' && readable.change.encryption.error, undefined);
  await waitFor(() => !pending().includes(sent.remoteId!), 'the placeholder forgotten once readable', 60_000);
  // History now returns the text; the event is no placeholder any more, so it comes back as a plain message.
  const page = await second.adapter.history(room, undefined, 20);
  assert.equal(page.messages.find((m) => m.remoteId === sent.remoteId)?.body, 'the old secret');
});
