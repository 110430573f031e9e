/**
 * Cross-signing set up for new accounts at the first start, and interactive SAS emoji verification between two
 * natter accounts and between two natter devices of one account; a verified sender's messages then say so.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AdapterEvent } from '../../../src/core/contract.js';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { client, memoryKv, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, type Client } from './support.js';

type Notice = Extract<AdapterEvent, { type: 'notice' }>;
let server: MatrixTestServer;
let alice: Client;
let bob: Client;
const running: Client[] = [];

before(async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  alice = await client(server, a.userId, { kv: memoryKv() });
  bob = await client(server, b.userId);
  running.push(alice, bob);
});

after(async () => {
  for (const c of running) await c.adapter.stop();
  await server?.stop();
  releaseTimers();
});

const notice = (c: Client, re: RegExp, what: string, from = 0) =>
  c.ctx.waitFor<Notice>((e) => e.type === 'notice' && re.test(e.text), `${c.userId}: ${what}`, 60_000, from);

const deviceOf = (c: Client) => (JSON.parse(c.ctx.kv.get('auth')!) as { deviceId: string }).deviceId;

test('a new account gets cross-signing keys at its first start', { timeout: 120_000 }, async () => {
  await notice(alice, /cross-signing keys created/, 'cross-signing set up');
  const token = (JSON.parse(alice.ctx.kv.get('auth')!) as { accessToken: string }).accessToken;
  const res = await fetch(`${server.url}/_matrix/client/v3/keys/query`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ device_keys: { [alice.userId]: [] } }),
  });
  const keys = (await res.json()) as { master_keys?: Record<string, unknown>; self_signing_keys?: Record<string, unknown>; device_keys: Record<string, Record<string, { signatures: Record<string, Record<string, string>> }>> };
  assert.ok(keys.master_keys?.[alice.userId], 'master key uploaded');
  assert.ok(keys.self_signing_keys?.[alice.userId], 'self-signing key uploaded');
  const own = keys.device_keys[alice.userId]![deviceOf(alice)]!;
  assert.ok(Object.keys(own.signatures[alice.userId]!).length >= 2, 'the device is signed by its self-signing key too');
});

test('SAS emoji verification between two users: same emoji on both sides, confirmed; messages then come from a verified device', { timeout: 240_000 }, async () => {
  await notice(bob, /cross-signing keys created/, 'bob cross-signing');
  await alice.adapter.command('dm', [bob.userId]);
  const dm = (await waitConversation(alice, (c) => c.kind === 'direct' && c.joined === true, 'dm')).remoteId;
  await waitConversation(bob, (c) => c.remoteId === dm && c.invitedBy === alice.userId, 'invitation');
  await bob.adapter.join(dm);
  await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === dm && (e.add ?? []).some((p) => p.id === bob.userId), 'bob joined', 60_000);
  await bob.adapter.send({ localId: 'b0', conversation: { remoteId: dm, kind: 'direct' }, kind: 'text', body: 'before verification' });
  const before = await waitMessage(alice, dm, 'before verification');
  assert.equal(before.encryption?.trust, 'unverified');

  const fromA = alice.ctx.events.length;
  const fromB = bob.ctx.events.length;
  await alice.adapter.command('verify', [bob.userId, deviceOf(bob)]);
  await notice(bob, /asks to verify: \/verify-accept/, 'the request', fromB);
  await bob.adapter.command('verify-accept', []);
  const shownA = await notice(alice, /compare .* — \/verify-confirm/, 'emoji on alice', fromA);
  const shownB = await notice(bob, /compare .* — \/verify-confirm/, 'emoji on bob', fromB);
  const emoji = (n: Notice) => /compare (.*) —/.exec(n.text)![1]!;
  assert.equal(emoji(shownA), emoji(shownB), 'both sides show the same emoji');
  assert.equal(emoji(shownA).split(', ').length, 7, 'seven emoji with their names');
  await alice.adapter.command('verify-confirm', []);
  await bob.adapter.command('verify-confirm', []);
  await notice(alice, new RegExp(`^verified ${bob.userId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'alice done', fromA);
  await notice(bob, new RegExp(`^verified ${alice.userId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), 'bob done', fromB);

  await bob.adapter.send({ localId: 'b1', conversation: { remoteId: dm, kind: 'direct' }, kind: 'text', body: 'after verification' });
  const after = await waitMessage(alice, dm, 'after verification');
  assert.equal(after.encryption?.trust, 'verified');
  const listed = alice.ctx.events.length;
  await alice.adapter.command('devices', [bob.userId]);
  const devices = await notice(alice, /^devices of /, 'device list', listed);
  assert.match(devices.text, new RegExp(`${deviceOf(bob)}[^;]*: verified`));
});

test('a verified user who adds an unverified device is warned about', { timeout: 120_000 }, async () => {
  const from = alice.ctx.events.length;
  const bob2 = await client(server, bob.userId, { kv: memoryKv() });
  running.push(bob2);
  const warning = await notice(alice, /whom you verified, has a new device/, 'the warning', from);
  assert.ok(warning.text.includes(deviceOf(bob2)));
  assert.equal(warning.level, 'warn');
});

test('two devices of one account verify each other with SAS', { timeout: 180_000 }, async () => {
  const other = await client(server, alice.userId, { kv: memoryKv() });
  running.push(other);
  const fromA = alice.ctx.events.length;
  const fromO = other.ctx.events.length;
  await other.adapter.command('verify', [alice.userId]);
  await notice(alice, /asks to verify this device/, 'own request', fromA);
  await alice.adapter.command('verify-accept', []);
  const shownA = await notice(alice, /compare/, 'emoji', fromA);
  const shownO = await notice(other, /compare/, 'emoji', fromO);
  assert.equal(/compare (.*) —/.exec(shownA.text)![1], /compare (.*) —/.exec(shownO.text)![1]);
  await alice.adapter.command('verify-confirm', []);
  await other.adapter.command('verify-confirm', []);
  await notice(alice, /^verified /, 'done on the first device', fromA);
  await notice(other, /^verified /, 'done on the new device', fromO);
  const listed = alice.ctx.events.length;
  await alice.adapter.command('devices', [alice.userId]);
  const devices = await notice(alice, /^devices of /, 'device list', listed);
  assert.match(devices.text, new RegExp(`${deviceOf(other)}[^;]*: verified`));
});

test('a mismatch cancels the verification on both sides', { timeout: 180_000 }, async () => {
  const second = await client(server, alice.userId, { kv: memoryKv() });
  running.push(second);
  await notice(second, /verify this device from another one/, 'asked to verify itself');
  const fromA = alice.ctx.events.length;
  const fromS = second.ctx.events.length;
  await second.adapter.command('verify', [alice.userId]);
  await notice(alice, /asks to verify this device/, 'own request', fromA);
  await alice.adapter.command('verify-accept', []);
  await notice(alice, /compare/, 'emoji', fromA);
  await notice(second, /compare/, 'emoji', fromS);
  await alice.adapter.command('verify-mismatch', []);
  await notice(second, /cancelled|failed/, 'cancelled on the other device', fromS);
  await assert.rejects(second.adapter.command('verify-confirm', []), /no verification in progress/);
});
