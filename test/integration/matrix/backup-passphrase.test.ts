/**
 * Key backup restored with the passphrase the backup was made from (`/backup-create <passphrase>`, then
 * `/backup-restore <passphrase>` on a new device): told apart from a recovery key, derived with the account's PBKDF2
 * salt and iterations, checked before use; a wrong passphrase and a recovery key with a typo are refused in plain
 * words; the old message then becomes readable through a late decryption (not an edit).
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

const PASSPHRASE = ['violet', 'kettle', 'north', 'seventeen'];

test('a backup made from a passphrase is restored with that passphrase on a new device', { timeout: 300_000 }, async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  const alice = await client(server, a.userId, { kv: memoryKv() });
  const bob = await client(server, b.userId);
  running.push(alice, bob);
  await alice.ctx.waitFor((e) => e.type === 'notice' && /cross-signing keys created/.test(e.text), 'cross-signing', 60_000);
  await alice.adapter.command('backup-create', PASSPHRASE);
  const created = await alice.ctx.waitFor<Notice>((e) => e.type === 'notice' && /Recovery key/.test(e.text), 'backup created', 60_000);
  const recoveryKey = /: (.+)$/.exec(created.text)![1]!;
  assert.ok(!alice.ctx.logs.some((l) => l.includes(PASSPHRASE.join(' '))), 'the passphrase never reaches the log');

  await bob.adapter.command('create', ['Passphrase room']);
  const room = (await waitConversation(bob, (c) => c.title === 'Passphrase room' && c.joined === true, 'room')).remoteId;
  await bob.adapter.command('invite', [alice.userId], room);
  await waitConversation(alice, (c) => c.remoteId === room && c.invitedBy === bob.userId, 'invitation');
  await alice.adapter.join(room);
  await bob.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && (e.add ?? []).some((p) => p.id === alice.userId), 'alice joined', 60_000);
  const sent = await bob.adapter.send({ localId: 'old', conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: 'before the new laptop' });
  await waitMessage(alice, room, 'before the new laptop');
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

  await assert.rejects(second.adapter.command('backup-restore', ['violet', 'kettle', 'south']), /^CommandError: the passphrase does not open this account's secret storage$/);
  // One changed character in a recovery key: its parity byte catches it, and it is not mistaken for a passphrase.
  const last = recoveryKey.at(-1) === 'a' ? 'b' : 'a';
  await assert.rejects(second.adapter.command('backup-restore', (recoveryKey.slice(0, -1) + last).split(' ')), /recovery key has a typo/);
  assert.equal(second.ctx.ofType('message.update').filter((u) => u.targetRemoteId === sent.remoteId).length, 0);

  await second.adapter.command('backup-restore', PASSPHRASE);
  await second.ctx.waitFor<Notice>((e) => e.type === 'notice' && /restored [1-9]\d* of \d+ room keys/.test(e.text), 'restore notice', 60_000);
  const readable = await waitUpdate(second, (u) => u.targetRemoteId === sent.remoteId && u.change.kind === 'decrypted', 'the placeholder becomes the text');
  assert.equal(readable.change.kind === 'decrypted' && readable.change.body, 'before the new laptop');
  assert.ok(!second.ctx.logs.some((l) => l.includes(PASSPHRASE.join(' '))), 'the passphrase never reaches the log');
});
