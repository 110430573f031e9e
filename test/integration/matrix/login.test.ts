/** Logging in: a wrong password in plain words, a pasted login token (SSO), and a stored session reused via whoami. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mintLoginToken, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { client, memoryKv, PASSWORD, releaseTimers, startServer, type Client } from './support.js';

let server: MatrixTestServer;
const running: Client[] = [];

before(async () => {
  server = await startServer();
});

after(async () => {
  for (const c of running) await c.adapter.stop();
  await server?.stop();
  releaseTimers();
});

test('a wrong password is an error that says so, and is not retried', { timeout: 120_000 }, async () => {
  const a = await server.register('carol', PASSWORD);
  const c = await client(server, a.userId, { password: 'wrong', waitOnline: false });
  running.push(c);
  const e = await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'error', 'error', 60_000);
  assert.equal(e.type === 'connection' && e.detail, `wrong password for ${a.userId}`);
  assert.equal(c.ctx.kv.get('auth'), undefined);
});

test('without a password: the SSO URL, then a pasted login token logs in; the session is stored and reused', { timeout: 180_000 }, async () => {
  const a = await server.register('dave', PASSWORD);
  const kv = memoryKv();
  const c = await client(server, a.userId, { password: '', kv, waitOnline: false });
  running.push(c);
  const e = await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'error', 'no password', 60_000);
  assert.match(e.type === 'connection' ? e.detail ?? '' : '', /login\/sso\/redirect.*\/login-token <token>/);
  const token = await mintLoginToken(server.url, a.accessToken);
  await c.adapter.command('login-token', [token]);
  await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online after the token', 60_000);
  const stored = JSON.parse(kv.get('auth')!) as { deviceId: string; accessToken: string; userId: string };
  assert.equal(stored.userId, a.userId);
  assert.notEqual(stored.deviceId, a.deviceId, 'a device of its own');
  await c.adapter.stop();
  // No password and no token needed now: the stored session passes whoami.
  const again = await client(server, a.userId, { password: '', kv });
  running.push(again);
  assert.equal(JSON.parse(kv.get('auth')!).deviceId, stored.deviceId);
  assert.ok(!again.ctx.ofType('connection').some((e) => e.state === 'error'));
});

test('a stored session the server ended (logged out) is replaced by a password login as a new device', { timeout: 180_000 }, async () => {
  const a = await server.register('erin', PASSWORD);
  const kv = memoryKv();
  const c = await client(server, a.userId, { kv });
  const first = JSON.parse(kv.get('auth')!) as { deviceId: string; accessToken: string };
  await c.adapter.stop();
  const res = await fetch(`${server.url}/_matrix/client/v3/logout`, { method: 'POST', headers: { authorization: `Bearer ${first.accessToken}` }, body: '{}' });
  assert.equal(res.status, 200);
  const again = await client(server, a.userId, { kv });
  running.push(again);
  const second = JSON.parse(kv.get('auth')!) as { deviceId: string };
  assert.notEqual(second.deviceId, first.deviceId);
  assert.ok(again.ctx.ofType('notice').some((n) => /ended session/.test(n.text)));
});
