import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixTestTarget, mintLoginToken, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { account, enc, request, txnId, type Api } from './support.js';

const target = matrixTestTarget();
let server: MatrixTestServer;
let alice: Api;
let bob: Api;

before(async () => {
  server = await target.start();
  alice = await account(server, 'alice');
  bob = await account(server, 'bob');
});

after(async () => {
  await server?.stop();
});

test('versions and capabilities are spec-shaped', async () => {
  const v = await request(server.url, 'GET', '/_matrix/client/versions');
  assert.equal(v.status, 200);
  assert.ok(v.body['versions'].includes('v1.1'));
  const caps = await alice.ok('GET', '/capabilities');
  assert.equal(typeof caps['capabilities']['m.room_versions']['default'], 'string');
});

test('errors: unknown endpoint 404 M_UNRECOGNIZED, bad JSON M_NOT_JSON, missing/unknown token 401', async () => {
  const unknown = await request(server.url, 'GET', '/_matrix/client/v3/no/such/endpoint', { token: alice.accessToken });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body['errcode'], 'M_UNRECOGNIZED');
  const badJson = await request(server.url, 'POST', '/createRoom', { token: alice.accessToken, raw: '{not json' });
  assert.equal(badJson.status, 400);
  assert.equal(badJson.body['errcode'], 'M_NOT_JSON');
  const notObject = await request(server.url, 'POST', '/createRoom', { token: alice.accessToken, raw: '[1,2]' });
  assert.equal(notObject.status, 400);
  assert.equal(notObject.body['errcode'], 'M_BAD_JSON');
  const badPath = await request(server.url, 'GET', '/_matrix/client/v3/rooms/%E0%A4%A/state', { token: alice.accessToken });
  assert.equal(badPath.status, 404);
  assert.equal(badPath.body['errcode'], 'M_UNRECOGNIZED');
  const noRoom = await request(server.url, 'PUT', `/rooms/${enc('!nope:' + server.serverName)}/send/m.room.message/${txnId()}`, { token: alice.accessToken, body: { msgtype: 'm.text', body: 'x' } });
  assert.equal(noRoom.status, 403);
  assert.equal(noRoom.body['errcode'], 'M_FORBIDDEN');
  const missing = await request(server.url, 'GET', '/account/whoami');
  assert.equal(missing.status, 401);
  assert.equal(missing.body['errcode'], 'M_MISSING_TOKEN');
  const wrong = await request(server.url, 'GET', '/account/whoami', { token: 'nope' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.body['errcode'], 'M_UNKNOWN_TOKEN');
});

test('register needs UIA (401 with m.login.dummy flow); duplicate user is M_USER_IN_USE', async () => {
  const first = await request(server.url, 'POST', '/register', { body: { username: `carol-${Date.now()}`, password: 'pw' } });
  assert.equal(first.status, 401);
  assert.ok(first.body['flows'].some((f: { stages: string[] }) => f.stages.includes('m.login.dummy')));
  const dup = await request(server.url, 'POST', '/register', {
    body: { username: alice.userId.slice(1).split(':')[0], password: 'pw', auth: { type: 'm.login.dummy' } },
  });
  assert.equal(dup.body['errcode'], 'M_USER_IN_USE');
});

test('login with password and with a minted login token; whoami; logout kills the token', async () => {
  const localpart = alice.userId.slice(1).split(':')[0]!;
  const bad = await request(server.url, 'POST', '/login', {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password: 'wrong' },
  });
  assert.equal(bad.status, 403);
  assert.equal(bad.body['errcode'], 'M_FORBIDDEN');
  const login = await request(server.url, 'POST', '/login', {
    body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password: 'correct horse', initial_device_display_name: 'second' },
  });
  assert.equal(login.status, 200);
  assert.equal(login.body['user_id'], alice.userId);
  assert.notEqual(login.body['device_id'], alice.deviceId);
  const who = await request(server.url, 'GET', '/account/whoami', { token: login.body['access_token'] });
  assert.deepEqual([who.body['user_id'], who.body['device_id']], [alice.userId, login.body['device_id']]);

  const loginToken = await mintLoginToken(server.url, alice.accessToken);
  const viaToken = await request(server.url, 'POST', '/login', { body: { type: 'm.login.token', token: loginToken } });
  assert.equal(viaToken.status, 200);
  assert.equal(viaToken.body['user_id'], alice.userId);
  const reuse = await request(server.url, 'POST', '/login', { body: { type: 'm.login.token', token: loginToken } });
  assert.equal(reuse.status, 403, 'login tokens are single-use');

  const out = await request(server.url, 'POST', '/logout', { token: login.body['access_token'], body: {} });
  assert.equal(out.status, 200);
  const after = await request(server.url, 'GET', '/account/whoami', { token: login.body['access_token'] });
  assert.equal(after.body['errcode'], 'M_UNKNOWN_TOKEN');
  const devices = await alice.ok('GET', '/devices');
  assert.ok(!devices['devices'].some((d: { device_id: string }) => d.device_id === login.body['device_id']));
});

test('filters: create then get returns the same filter; unknown filter 404', async () => {
  const filter = { room: { timeline: { limit: 3 }, state: { lazy_load_members: true } } };
  const { filter_id } = await alice.ok('POST', `/user/${enc(alice.userId)}/filter`, filter);
  assert.equal(typeof filter_id, 'string');
  assert.deepEqual(await alice.ok('GET', `/user/${enc(alice.userId)}/filter/${filter_id}`), filter);
  const missing = await alice.call('GET', `/user/${enc(alice.userId)}/filter/999`);
  assert.equal(missing.status, 404);
  const other = await bob.call('GET', `/user/${enc(alice.userId)}/filter/${filter_id}`);
  assert.equal(other.status, 403);
});

test('room lifecycle: create, invite, sync invite, join, send, sync timeline with transaction id, leave', async () => {
  const initial = await bob.ok('GET', '/sync');
  const { room_id: roomId } = await alice.ok('POST', '/createRoom', { name: 'Lobby', preset: 'private_chat', invite: [bob.userId] });
  const invited = await bob.ok('GET', '/sync', undefined, { since: initial['next_batch'], timeout: '20000' });
  const inv = invited['rooms']['invite'][roomId];
  assert.ok(inv, 'bob sees the invite');
  const me = inv['invite_state']['events'].find((e: { type: string; state_key: string }) => e.type === 'm.room.member' && e.state_key === bob.userId);
  assert.equal(me.content.membership, 'invite');
  assert.ok(inv['invite_state']['events'].some((e: { type: string; content: { name?: string } }) => e.type === 'm.room.name' && e.content.name === 'Lobby'));

  await bob.ok('POST', `/join/${enc(roomId)}`, {});
  const t = txnId();
  const sent = await alice.ok('PUT', `/rooms/${enc(roomId)}/send/m.room.message/${t}`, { msgtype: 'm.text', body: 'hi bob' });
  const again = await alice.ok('PUT', `/rooms/${enc(roomId)}/send/m.room.message/${t}`, { msgtype: 'm.text', body: 'hi bob' });
  assert.equal(again['event_id'], sent['event_id'], 'same transaction id → same event');

  const joined = await bob.ok('GET', '/sync', undefined, { since: invited['next_batch'], timeout: '20000' });
  const room = joined['rooms']['join'][roomId];
  assert.ok(room, 'bob sees the joined room');
  const msg = room['timeline']['events'].find((e: { event_id: string }) => e.event_id === sent['event_id']);
  assert.equal(msg.content.body, 'hi bob');
  assert.equal(msg.unsigned.transaction_id, undefined, 'transaction_id only for the sending device');
  assert.ok(room['state']['events'].some((e: { type: string }) => e.type === 'm.room.create') || room['timeline']['events'].some((e: { type: string }) => e.type === 'm.room.create'));
  assert.equal(room['summary']['m.joined_member_count'], 2);

  const aliceSync = await alice.ok('GET', '/sync');
  const own = aliceSync['rooms']['join'][roomId]['timeline']['events'].find((e: { event_id: string }) => e.event_id === sent['event_id']);
  assert.equal(own.unsigned.transaction_id, t);

  await bob.ok('POST', `/rooms/${enc(roomId)}/leave`, {});
  const left = await bob.ok('GET', '/sync', undefined, { since: joined['next_batch'], timeout: '20000' });
  assert.ok(left['rooms']['leave'][roomId], 'leave section after leaving');
  const denied = await bob.call('PUT', `/rooms/${enc(roomId)}/send/m.room.message/${txnId()}`, { msgtype: 'm.text', body: 'x' });
  assert.equal(denied.status, 403);
  assert.equal(denied.body['errcode'], 'M_FORBIDDEN');
});

test('sync long-poll returns as soon as an event arrives, and times out empty otherwise', async () => {
  const { room_id: roomId } = await alice.ok('POST', '/createRoom', { preset: 'public_chat' });
  const base = await alice.ok('GET', '/sync');
  const quiet = await alice.ok('GET', '/sync', undefined, { since: base['next_batch'], timeout: '50' });
  assert.deepEqual(quiet['rooms']['join'], {});
  const pending = alice.ok('GET', '/sync', undefined, { since: quiet['next_batch'], timeout: '60000' });
  const started = Date.now();
  await bob.ok('POST', `/join/${enc(roomId)}`, {});
  const woke = await pending;
  assert.ok(Date.now() - started < 30_000);
  const events = woke['rooms']['join'][roomId]['timeline']['events'];
  assert.ok(events.some((e: { type: string; state_key: string }) => e.type === 'm.room.member' && e.state_key === bob.userId));
});

test('timeline limit gives limited + prev_batch; /messages pages back from it to the room creation', async () => {
  const filter = JSON.stringify({ room: { timeline: { limit: 2 }, state: { lazy_load_members: true } } });
  const { room_id: roomId } = await alice.ok('POST', '/createRoom', { preset: 'public_chat' });
  await bob.ok('POST', `/join/${enc(roomId)}`, {});
  for (let i = 0; i < 5; i++) await bob.ok('PUT', `/rooms/${enc(roomId)}/send/m.room.message/${txnId()}`, { msgtype: 'm.text', body: `m${i}` });
  const s = await alice.ok('GET', '/sync', undefined, { filter });
  const room = s['rooms']['join'][roomId];
  assert.equal(room['timeline']['limited'], true);
  assert.deepEqual(room['timeline']['events'].map((e: { content: { body: string } }) => e.content.body), ['m3', 'm4']);
  // Lazy loading: bob's member event comes along because he sent timeline events.
  assert.ok(room['state']['events'].some((e: { type: string; state_key: string }) => e.type === 'm.room.member' && e.state_key === bob.userId));

  const seen: string[] = [];
  let from = room['timeline']['prev_batch'];
  for (let guard = 0; guard < 20 && from; guard++) {
    const page = await alice.ok('GET', `/rooms/${enc(roomId)}/messages`, undefined, { from, dir: 'b', limit: '3' });
    for (const e of page['chunk']) seen.push(e.type === 'm.room.message' ? e.content.body : e.type);
    from = page['end'];
  }
  assert.deepEqual(seen.slice(0, 3), ['m2', 'm1', 'm0']);
  assert.equal(seen[seen.length - 1], 'm.room.create');

  const fwd = await alice.ok('GET', `/rooms/${enc(roomId)}/messages`, undefined, { from: room['timeline']['prev_batch'], dir: 'f', limit: '10' });
  assert.deepEqual(fwd['chunk'].map((e: { content: { body: string } }) => e.content.body), ['m3', 'm4']);
  assert.equal(fwd['end'], undefined, 'no end token at the live edge');
});

test('state: put, get, room state list; power levels enforced', async () => {
  const { room_id: roomId } = await alice.ok('POST', '/createRoom', { preset: 'public_chat', room_alias_name: 'state-test' });
  await alice.ok('PUT', `/rooms/${enc(roomId)}/state/m.room.topic/`, { topic: 'hello' });
  assert.deepEqual(await alice.ok('GET', `/rooms/${enc(roomId)}/state/m.room.topic/`), { topic: 'hello' });
  assert.deepEqual(await alice.ok('GET', `/rooms/${enc(roomId)}/state/m.room.topic`), { topic: 'hello' });
  const nothing = await alice.call('GET', `/rooms/${enc(roomId)}/state/m.room.avatar`);
  assert.equal(nothing.status, 404);
  assert.equal(nothing.body['errcode'], 'M_NOT_FOUND');
  const all = await alice.ok('GET', `/rooms/${enc(roomId)}/state`);
  assert.ok(all.some((e: { type: string }) => e.type === 'm.room.power_levels'));
  const aliasName = `#state-test:${server.serverName}`;
  const resolved = await bob.ok('GET', `/directory/room/${enc(aliasName)}`);
  assert.equal(resolved['room_id'], roomId);
  await bob.ok('POST', `/join/${enc(aliasName)}`, {});
  const denied = await bob.call('PUT', `/rooms/${enc(roomId)}/state/m.room.name/`, { name: 'mine' });
  assert.equal(denied.status, 403, 'state_default 50 keeps bob (0) out');
});
