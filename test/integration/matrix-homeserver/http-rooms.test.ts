import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixTestTarget, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { account, enc, request, txnId, type Api, type Body } from './support.js';

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

async function room(preset = 'public_chat'): Promise<string> {
  const { room_id: roomId } = await alice.ok('POST', '/createRoom', { preset });
  await bob.ok('POST', `/join/${enc(roomId)}`, {});
  return roomId;
}

const send = async (who: Api, roomId: string, content: Body, type = 'm.room.message'): Promise<string> =>
  (await who.ok('PUT', `/rooms/${enc(roomId)}/send/${type}/${txnId()}`, content))['event_id'];

/** Syncs `who` from `since` until `pick` finds something in the response (the server may answer in pieces). */
async function syncUntil<T>(who: Api, since: string, pick: (s: Body) => T | undefined): Promise<{ found: T; next: string }> {
  let from = since;
  for (let i = 0; i < 20; i++) {
    const s = await who.ok('GET', '/sync', undefined, { since: from, timeout: '20000' });
    const found = pick(s);
    if (found !== undefined) return { found, next: s['next_batch'] };
    from = s['next_batch'];
  }
  throw new Error('sync never delivered what was expected');
}

test('typing and receipts arrive as ephemeral events; private receipts only for their owner', async () => {
  const roomId = await room();
  const base = await alice.ok('GET', '/sync');
  const eventId = await send(bob, roomId, { msgtype: 'm.text', body: 'read me' });
  await bob.ok('PUT', `/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, { typing: true, timeout: 30000 });
  const typing = await syncUntil(alice, base['next_batch'], (s) =>
    s['rooms']['join'][roomId]?.['ephemeral']['events'].find((e: Body) => e['type'] === 'm.typing' && e['content']['user_ids'].includes(bob.userId)),
  );
  assert.deepEqual(typing.found['content']['user_ids'], [bob.userId]);
  const other = await alice.call('PUT', `/rooms/${enc(roomId)}/typing/${enc(bob.userId)}`, { typing: true });
  assert.equal(other.status, 403);

  await alice.ok('POST', `/rooms/${enc(roomId)}/receipt/m.read/${enc(eventId)}`, {});
  await alice.ok('POST', `/rooms/${enc(roomId)}/receipt/m.read.private/${enc(eventId)}`, {});
  const bobSees = await syncUntil(bob, base['next_batch'], (s) =>
    s['rooms']['join'][roomId]?.['ephemeral']['events'].find((e: Body) => e['type'] === 'm.receipt'),
  );
  assert.ok(bobSees.found['content'][eventId]['m.read'][alice.userId]['ts'] > 0);
  assert.equal(bobSees.found['content'][eventId]['m.read.private'], undefined);
  const aliceSees = await syncUntil(alice, typing.next, (s) =>
    s['rooms']['join'][roomId]?.['ephemeral']['events'].find((e: Body) => e['type'] === 'm.receipt'),
  );
  assert.ok(aliceSees.found['content'][eventId]['m.read.private'][alice.userId]);

  await alice.ok('POST', `/rooms/${enc(roomId)}/read_markers`, { 'm.fully_read': eventId, 'm.read': eventId });
  const marker = await alice.ok('GET', `/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/m.fully_read`);
  assert.equal(marker['event_id'], eventId);
});

test('account data: global and per room, readable back and delivered by sync', async () => {
  const roomId = await room();
  const base = await alice.ok('GET', '/sync');
  await alice.ok('PUT', `/user/${enc(alice.userId)}/account_data/m.direct`, { [bob.userId]: [roomId] });
  await alice.ok('PUT', `/user/${enc(alice.userId)}/rooms/${enc(roomId)}/account_data/m.tag`, { tags: { 'm.favourite': {} } });
  assert.deepEqual(await alice.ok('GET', `/user/${enc(alice.userId)}/account_data/m.direct`), { [bob.userId]: [roomId] });
  const missing = await alice.call('GET', `/user/${enc(alice.userId)}/account_data/m.nothing`);
  assert.equal(missing.status, 404);
  const foreign = await bob.call('PUT', `/user/${enc(alice.userId)}/account_data/m.direct`, {});
  assert.equal(foreign.status, 403);
  const s = await alice.ok('GET', '/sync', undefined, { since: base['next_batch'] });
  assert.deepEqual(s['account_data']['events'], [{ type: 'm.direct', content: { [bob.userId]: [roomId] } }]);
  assert.deepEqual(s['rooms']['join'][roomId]['account_data']['events'], [{ type: 'm.tag', content: { tags: { 'm.favourite': {} } } }]);
});

test('redaction strips content, keeps the event with redacted_because; only the sender or a moderator may redact', async () => {
  const roomId = await room();
  const eventId = await send(bob, roomId, { msgtype: 'm.text', body: 'oops' });
  const aliceMsg = await send(alice, roomId, { msgtype: 'm.text', body: 'mine' });
  const denied = await bob.call('PUT', `/rooms/${enc(roomId)}/redact/${enc(aliceMsg)}/${txnId()}`, {});
  assert.equal(denied.status, 403);
  const { event_id: redactionId } = await bob.ok('PUT', `/rooms/${enc(roomId)}/redact/${enc(eventId)}/${txnId()}`, { reason: 'typo' });
  const e = await alice.ok('GET', `/rooms/${enc(roomId)}/event/${enc(eventId)}`);
  assert.deepEqual(e['content'], {});
  assert.equal(e['unsigned']['redacted_because']['event_id'], redactionId);
  const r = await alice.ok('GET', `/rooms/${enc(roomId)}/event/${enc(redactionId)}`);
  assert.equal(r['redacts'], eventId);
  assert.equal(r['content']['reason'], 'typo');
  // The room creator (power 100) may redact bob's message.
  const bobMsg = await send(bob, roomId, { msgtype: 'm.text', body: 'spam' });
  await alice.ok('PUT', `/rooms/${enc(roomId)}/redact/${enc(bobMsg)}/${txnId()}`, {});
});

test('/context around an event and /relations by type (edits, reactions, threads)', async () => {
  const roomId = await room();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await send(alice, roomId, { msgtype: 'm.text', body: `c${i}` }));
  const ctx = await bob.ok('GET', `/rooms/${enc(roomId)}/context/${enc(ids[2]!)}`, undefined, { limit: '2' });
  assert.equal(ctx['event']['content']['body'], 'c2');
  assert.deepEqual(ctx['events_before'].map((e: Body) => e['content']['body']), ['c1']);
  assert.deepEqual(ctx['events_after'].map((e: Body) => e['content']['body']), ['c3']);
  const fwd = await bob.ok('GET', `/rooms/${enc(roomId)}/messages`, undefined, { from: ctx['end'], dir: 'f' });
  assert.deepEqual(fwd['chunk'].map((e: Body) => e['content']['body']), ['c4']);

  const root = ids[0]!;
  await send(bob, roomId, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: '👍' } }, 'm.reaction');
  await send(bob, roomId, { msgtype: 'm.text', body: '* c0!', 'm.new_content': { msgtype: 'm.text', body: 'c0!' }, 'm.relates_to': { rel_type: 'm.replace', event_id: root } });
  await send(bob, roomId, { msgtype: 'm.text', body: 'in thread', 'm.relates_to': { rel_type: 'm.thread', event_id: root } });
  const all = await alice.ok('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(root)}`);
  assert.equal(all['chunk'].length, 3);
  const reactions = await alice.ok('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(root)}/m.annotation/m.reaction`);
  assert.deepEqual(reactions['chunk'].map((e: Body) => e['content']['m.relates_to']['key']), ['👍']);
  const edits = await alice.ok('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(root)}/m.replace`);
  assert.equal(edits['chunk'][0]['content']['m.new_content']['body'], 'c0!');
  // bob's edit of alice's message is no valid replacement: no bundled edit. alice's own edit is bundled.
  const original = await alice.ok('GET', `/rooms/${enc(roomId)}/event/${enc(root)}`);
  assert.equal(original['unsigned']['m.relations']['m.replace'], undefined);
  const editId = await send(alice, roomId, { msgtype: 'm.text', body: '* c0?', 'm.new_content': { msgtype: 'm.text', body: 'c0?' }, 'm.relates_to': { rel_type: 'm.replace', event_id: root } });
  const bundled = await bob.ok('GET', `/rooms/${enc(roomId)}/event/${enc(root)}`);
  assert.equal(bundled['unsigned']['m.relations']['m.replace']['event_id'], editId);
  assert.equal(bundled['content']['body'], 'c0', 'original content stays (spec v1.7)');
  const threads = await alice.ok('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/threads`);
  assert.deepEqual(threads['chunk'].map((e: Body) => e['event_id']), [root]);
  const paged = await alice.ok('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(root)}`, undefined, { limit: '2' });
  assert.equal(paged['chunk'].length, 2);
  const rest = await alice.ok('GET', `/_matrix/client/v1/rooms/${enc(roomId)}/relations/${enc(root)}`, undefined, { limit: '2', from: paged['next_batch'] });
  assert.equal(rest['chunk'].length, 2);
  assert.equal(rest['chunk'][1]['type'], 'm.reaction');
});

test('profile: displayname set, read, and propagated to member events; joined_members and members', async () => {
  const roomId = await room();
  await bob.ok('PUT', `/profile/${enc(bob.userId)}/displayname`, { displayname: 'Bobby' });
  assert.deepEqual(await alice.ok('GET', `/profile/${enc(bob.userId)}/displayname`), { displayname: 'Bobby' });
  const member = await alice.ok('GET', `/rooms/${enc(roomId)}/state/m.room.member/${enc(bob.userId)}`);
  assert.equal(member['displayname'], 'Bobby');
  assert.equal(member['membership'], 'join');
  const joined = await alice.ok('GET', `/rooms/${enc(roomId)}/joined_members`);
  assert.equal(joined['joined'][bob.userId]['display_name'], 'Bobby');
  const members = await alice.ok('GET', `/rooms/${enc(roomId)}/members`, undefined, { not_membership: 'leave' });
  assert.deepEqual(members['chunk'].map((e: Body) => e['state_key']).sort(), [alice.userId, bob.userId].sort());
  const nobody = await alice.call('GET', `/profile/${enc('@nobody:' + server.serverName)}`);
  assert.equal(nobody.status, 404);
});

test('direct invite carries is_direct; kick and ban need power; banned users cannot rejoin', async () => {
  const base = await bob.ok('GET', '/sync');
  const { room_id: roomId } = await alice.ok('POST', '/createRoom', { preset: 'trusted_private_chat', is_direct: true, invite: [bob.userId] });
  const inv = await syncUntil(bob, base['next_batch'], (s) => s['rooms']['invite'][roomId]);
  const me = inv.found['invite_state']['events'].find((e: Body) => e['state_key'] === bob.userId);
  assert.equal(me['content']['is_direct'], true);
  await bob.ok('POST', `/rooms/${enc(roomId)}/join`, {});

  const pub = await room();
  const kickDenied = await bob.call('POST', `/rooms/${enc(pub)}/kick`, { user_id: alice.userId });
  assert.equal(kickDenied.status, 403);
  await alice.ok('POST', `/rooms/${enc(pub)}/ban`, { user_id: bob.userId, reason: 'bye' });
  const rejoin = await bob.call('POST', `/join/${enc(pub)}`, {});
  assert.equal(rejoin.status, 403);
  await alice.ok('POST', `/rooms/${enc(pub)}/unban`, { user_id: bob.userId });
  await bob.ok('POST', `/join/${enc(pub)}`, {});
  await alice.ok('POST', `/rooms/${enc(pub)}/kick`, { user_id: bob.userId });
  const st = await alice.ok('GET', `/rooms/${enc(pub)}/state/m.room.member/${enc(bob.userId)}`);
  assert.equal(st['membership'], 'leave');

  const priv = await alice.ok('POST', '/createRoom', { preset: 'private_chat' });
  const uninvited = await bob.call('POST', `/join/${enc(priv['room_id'])}`, {});
  assert.equal(uninvited.status, 403);
});

test('media: upload, download (v3 and authenticated v1 with file name), 404 for unknown, 401 without token on v1', async () => {
  const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
  const up = await request(server.url, 'POST', '/_matrix/media/v3/upload', { token: alice.accessToken, raw: bytes, contentType: 'image/png', query: { filename: 'pic.png' } });
  assert.equal(up.status, 200);
  const mxc = up.body['content_uri'] as string;
  assert.match(mxc, /^mxc:\/\/[^/]+\/[A-Za-z0-9_-]+$/);
  const [, serverName, mediaId] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(mxc)!;
  if (!target.external) {
    // Legacy unauthenticated download; real servers with authenticated media (spec v1.11) refuse new media here.
    const v3 = await fetch(`${server.url}/_matrix/media/v3/download/${serverName}/${mediaId}`);
    assert.equal(v3.status, 200);
    assert.equal(v3.headers.get('content-type'), 'image/png');
    assert.deepEqual(Buffer.from(await v3.arrayBuffer()), bytes);
  }
  const v1 = await fetch(`${server.url}/_matrix/client/v1/media/download/${serverName}/${mediaId}/renamed.png`, { headers: { authorization: `Bearer ${bob.accessToken}` } });
  assert.equal(v1.status, 200);
  assert.match(v1.headers.get('content-disposition') ?? '', /renamed\.png/);
  assert.deepEqual(Buffer.from(await v1.arrayBuffer()), bytes);
  const anon = await fetch(`${server.url}/_matrix/client/v1/media/download/${serverName}/${mediaId}`);
  assert.equal(anon.status, 401);
  const missing = await request(server.url, 'GET', `/_matrix/client/v1/media/download/${serverName}/nope`, { token: bob.accessToken });
  assert.equal(missing.status, 404);
  assert.equal(missing.body['errcode'], 'M_NOT_FOUND');
  const cfg = await request(server.url, 'GET', '/_matrix/client/v1/media/config', { token: bob.accessToken });
  assert.ok(cfg.body['m.upload.size'] > 0);
});

test('push rules, presence, devices list, user directory, wrong method is 405 M_UNRECOGNIZED', async () => {
  const rules = await alice.ok('GET', '/pushrules/');
  assert.ok(Array.isArray(rules['global']['override']));
  await room();
  const base = await bob.ok('GET', '/sync');
  await alice.ok('PUT', `/presence/${enc(alice.userId)}/status`, { presence: 'online', status_msg: 'here' });
  const p = await bob.ok('GET', `/presence/${enc(alice.userId)}/status`);
  assert.equal(p['presence'], 'online');
  assert.equal(p['status_msg'], 'here');
  const seen = await syncUntil(bob, base['next_batch'], (s) => s['presence']['events'].find((e: Body) => e['sender'] === alice.userId));
  assert.equal(seen.found['content']['presence'], 'online');
  const devices = await alice.ok('GET', '/devices');
  assert.ok(devices['devices'].some((d: Body) => d['device_id'] === alice.deviceId));
  const found = await alice.ok('POST', '/user_directory/search', { search_term: bob.userId.slice(1, 4), limit: 5 });
  assert.ok(found['results'].some((u: Body) => u['user_id'] === bob.userId));
  const wrong = await alice.call('DELETE', '/account/whoami');
  assert.equal(wrong.status, 405);
  assert.equal(wrong.body['errcode'], 'M_UNRECOGNIZED');
});

test('spaces: /hierarchy walks m.space.child; thread roots carry the m.thread summary in unsigned.m.relations', async () => {
  const { room_id: space } = await alice.ok('POST', '/createRoom', { preset: 'public_chat', name: 'Space', creation_content: { type: 'm.space' } });
  const child = await room();
  await alice.ok('PUT', `/rooms/${enc(space)}/state/m.space.child/${enc(child)}`, { via: [server.serverName], suggested: true });
  const h = await bob.ok('GET', `/_matrix/client/v1/rooms/${enc(space)}/hierarchy`);
  assert.deepEqual(h['rooms'].map((r: Body) => r['room_id']), [space, child]);
  assert.equal(h['rooms'][0]['room_type'], 'm.space');
  assert.equal(h['rooms'][0]['children_state'][0]['state_key'], child);

  const rootId = await send(alice, child, { msgtype: 'm.text', body: 'root' });
  await send(bob, child, { msgtype: 'm.text', body: 'reply 1', 'm.relates_to': { rel_type: 'm.thread', event_id: rootId } });
  const last = await send(bob, child, { msgtype: 'm.text', body: 'reply 2', 'm.relates_to': { rel_type: 'm.thread', event_id: rootId } });
  const root = await alice.ok('GET', `/rooms/${enc(child)}/event/${enc(rootId)}`);
  const summary = root['unsigned']['m.relations']['m.thread'];
  assert.equal(summary['count'], 2);
  assert.equal(summary['latest_event']['event_id'], last);
  assert.equal(summary['current_user_participated'], true, 'alice wrote the root');
});
