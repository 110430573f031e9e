/**
 * A restart is not a new device: a fresh adapter over the same kv reuses the stored session (whoami), restores the
 * Rust crypto store from kv, continues the sync from the saved token, fills a gap larger than the sync filter's
 * timeline limit from /messages, and decrypts both the missed and new encrypted messages.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { client, memoryKv, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, type Client } from './support.js';

let server: MatrixTestServer;
const running: Client[] = [];

after(async () => {
  for (const c of running) await c.adapter.stop();
  await server?.stop();
  releaseTimers();
});

async function devices(url: string, accessToken: string): Promise<string[]> {
  const res = await fetch(`${url}/_matrix/client/v3/devices`, { headers: { authorization: `Bearer ${accessToken}` } });
  const json = (await res.json()) as { devices: Array<{ device_id: string }> };
  return json.devices.map((d) => d.device_id);
}

test('restart keeps the device and its keys; time offline is caught up, gap included, and decrypted', { timeout: 300_000 }, async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  const alice = await client(server, a.userId);
  running.push(alice);
  const bobKv = memoryKv();
  let bob = await client(server, b.userId, { kv: bobKv, config: { timeline_limit: 10 } });

  await alice.adapter.command('create', ['Restart']);
  const room = (await waitConversation(alice, (c) => c.title === 'Restart' && c.joined === true, 'room')).remoteId;
  await alice.adapter.command('invite', [bob.userId], room);
  await waitConversation(bob, (c) => c.remoteId === room && c.invitedBy === alice.userId, 'invitation');
  await bob.adapter.join(room);
  await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && (e.add ?? []).some((p) => p.id === bob.userId), 'bob joined', 60_000);
  const send = (body: string) => alice.adapter.send({ localId: body, conversation: { remoteId: room, kind: 'group' }, kind: 'text', body });
  await send('before restart');
  const before = await waitMessage(bob, room, 'before restart');
  assert.equal(before.encryption?.error, undefined);

  const session = JSON.parse(bobKv.get('auth')!) as { deviceId: string; accessToken: string };
  const devicesBefore = await devices(server.url, session.accessToken);
  assert.ok(devicesBefore.includes(session.deviceId));
  await bob.adapter.stop();
  assert.ok(bobKv.get('crypto'), 'the crypto store is in kv');
  assert.ok(bobKv.get('sync'), 'the sync state is in kv');

  // While bob is away: more messages than his sync filter's timeline limit (10).
  for (let i = 1; i <= 25; i++) await send(`missed ${i}`);

  bob = await client(server, b.userId, { kv: bobKv, config: { timeline_limit: 10 } });
  running.push(bob);
  assert.equal(JSON.parse(bobKv.get('auth')!).deviceId, session.deviceId, 'same device after the restart');
  assert.deepEqual(await devices(server.url, session.accessToken), devicesBefore, 'no new device on the server');

  for (let i = 1; i <= 25; i++) {
    const m = await waitMessage(bob, room, `missed ${i}`);
    assert.equal(m.encryption?.scheme, 'megolm');
    assert.equal(m.encryption?.error, undefined, `missed ${i} decrypted`);
    assert.notEqual(m.historical, true, 'missed messages are new to the user');
  }
  await send('after restart');
  const after = await waitMessage(bob, room, 'after restart');
  assert.equal(after.encryption?.error, undefined);
  // Bob can still send into the room with his old device.
  await bob.adapter.send({ localId: 'reply', conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: 'back again' });
  const got = await waitMessage(alice, room, 'back again');
  assert.equal(got.encryption?.error, undefined);
});

test('a new device of the same account sees older encrypted messages as placeholders that say why', { timeout: 180_000 }, async () => {
  const a = await server.register('frank', PASSWORD);
  const b = await server.register('grace', PASSWORD);
  const frank = await client(server, a.userId);
  running.push(frank);
  const grace = await client(server, b.userId);
  running.push(grace);
  await frank.adapter.command('create', ['Secrets']);
  const room = (await waitConversation(frank, (c) => c.title === 'Secrets' && c.joined === true, 'room')).remoteId;
  await frank.adapter.command('invite', [grace.userId], room);
  await waitConversation(grace, (c) => c.remoteId === room && c.invitedBy === frank.userId, 'invitation');
  await grace.adapter.join(room);
  await frank.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && (e.add ?? []).some((p) => p.id === grace.userId), 'grace joined', 60_000);
  const sent = await frank.adapter.send({ localId: 's1', conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: 'for old devices only' });
  await waitMessage(grace, room, 'for old devices only');
  // A second device of grace's (a fresh kv: a new login) never got the room key.
  const second = await client(server, b.userId);
  running.push(second);
  const m = await second.ctx.waitFor<Extract<(typeof second.ctx.events)[number], { type: 'message' }>>(
    (e) => e.type === 'message' && e.message.remoteId === sent.remoteId,
    'the old message on the new device',
    60_000,
  );
  assert.match(m.message.body, /^\[unable to decrypt: .+\]$/);
  assert.ok(!m.message.body.includes('for old devices only'));
  assert.equal(m.message.encryption?.scheme, 'megolm');
  assert.ok(m.message.encryption?.error, 'the reason is named');
  assert.equal(m.message.historical, true, 'from the initial sync: history');
});
