import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixTestTarget, type MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { account, enc, signingKey, txnId, type Api, type Body, type SigningKey } from './support.js';

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

const deviceSigners = new Map<string, SigningKey>();

/** Device keys as a real device signs them (a real server checks signatures); `tag` varies the Curve25519 key. */
function deviceKeys(a: Api, tag: string): Body {
  let key = deviceSigners.get(a.deviceId);
  if (!key) deviceSigners.set(a.deviceId, (key = signingKey()));
  const curve = Buffer.from(`curve25519 key ${tag}`.padEnd(32, '.')).toString('base64').replace(/=+$/, '');
  return key.sign({
    user_id: a.userId,
    device_id: a.deviceId,
    algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
    keys: { [`curve25519:${a.deviceId}`]: curve, [`ed25519:${a.deviceId}`]: key.publicKey },
  }, a.userId, a.deviceId);
}

async function sharedRoom(): Promise<string> {
  const { room_id: roomId } = await alice.ok('POST', '/createRoom', { preset: 'private_chat', invite: [bob.userId] });
  await bob.ok('POST', `/rooms/${enc(roomId)}/join`, {});
  return roomId;
}

test('keys: upload device keys and one-time keys, sync counts, query, claim one-time then fallback key', async () => {
  await sharedRoom();
  const up = await bob.ok('POST', '/keys/upload', {
    device_keys: deviceKeys(bob, 'b1'),
    one_time_keys: { 'signed_curve25519:AAAAAQ': { key: 'otk1', signatures: {} } },
    fallback_keys: { 'signed_curve25519:AAAAAg': { key: 'fb1', fallback: true, signatures: {} } },
  });
  assert.deepEqual(up['one_time_key_counts'], { signed_curve25519: 1 });
  const s = await bob.ok('GET', '/sync');
  assert.equal(s['device_one_time_keys_count']['signed_curve25519'], 1);
  assert.deepEqual(s['device_unused_fallback_key_types'], ['signed_curve25519']);

  const wrong = await bob.call('POST', '/keys/upload', { device_keys: { ...deviceKeys(bob, 'x'), device_id: 'OTHER' } });
  assert.equal(wrong.status, 400);

  const q = await alice.ok('POST', '/keys/query', { device_keys: { [bob.userId]: [] } });
  const keys = q['device_keys'][bob.userId][bob.deviceId];
  assert.equal(keys['keys'][`curve25519:${bob.deviceId}`], deviceKeys(bob, 'b1')['keys'][`curve25519:${bob.deviceId}`]);
  assert.equal(keys['unsigned']['device_display_name'], 'natter test');

  const claim = () => alice.ok('POST', '/keys/claim', { one_time_keys: { [bob.userId]: { [bob.deviceId]: 'signed_curve25519' } } });
  const first = await claim();
  assert.deepEqual(first['one_time_keys'][bob.userId][bob.deviceId], { 'signed_curve25519:AAAAAQ': { key: 'otk1', signatures: {} } });
  const second = await claim();
  assert.deepEqual(second['one_time_keys'][bob.userId][bob.deviceId], { 'signed_curve25519:AAAAAg': { key: 'fb1', fallback: true, signatures: {} } });
  const after = await bob.ok('GET', '/sync', undefined, { since: s['next_batch'] });
  assert.equal(after['device_one_time_keys_count']['signed_curve25519'], 0);
  assert.deepEqual(after['device_unused_fallback_key_types'], [], 'fallback key now used');
});

test('device lists: a new device of a room member shows in changed; keys/changes agrees; leaving shows in left', async () => {
  const roomId = await sharedRoom();
  const base = await alice.ok('GET', '/sync');
  const bob2 = await (async () => {
    const localpart = bob.userId.slice(1).split(':')[0];
    const r = await fetch(`${server.url}/_matrix/client/v3/login`, {
      method: 'POST',
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password: 'correct horse' }),
    });
    return (await r.json()) as Body;
  })();
  assert.ok(bob2['device_id']);
  const s = await alice.ok('GET', '/sync', undefined, { since: base['next_batch'], timeout: '20000' });
  assert.ok(s['device_lists']['changed'].includes(bob.userId));
  const changes = await alice.ok('GET', '/keys/changes', undefined, { from: base['next_batch'], to: s['next_batch'] });
  assert.ok(changes['changed'].includes(bob.userId));

  // bob leaves every room he shares with alice → "left".
  const joined = await bob.ok('GET', '/joined_rooms');
  for (const r of joined['joined_rooms']) await bob.ok('POST', `/rooms/${enc(r)}/leave`, {});
  const s2 = await alice.ok('GET', '/sync', undefined, { since: s['next_batch'], timeout: '20000' });
  assert.ok(s2['device_lists']['left'].includes(bob.userId), JSON.stringify(s2['device_lists']));
  assert.ok(s2['rooms']['join'][roomId]);
});

test('to-device: delivered in sync, deleted once acknowledged by the next since token; txn ids dedup', async () => {
  const base = await bob.ok('GET', '/sync');
  const t = txnId();
  const msg = { messages: { [bob.userId]: { [bob.deviceId]: { hello: 'bob' } } } };
  await alice.ok('PUT', `/sendToDevice/m.test/${t}`, msg);
  await alice.ok('PUT', `/sendToDevice/m.test/${t}`, msg);
  const s1 = await bob.ok('GET', '/sync', undefined, { since: base['next_batch'], timeout: '20000' });
  assert.deepEqual(s1['to_device']['events'], [{ sender: alice.userId, type: 'm.test', content: { hello: 'bob' } }]);
  // Not acknowledged yet: the same since token delivers it again.
  const again = await bob.ok('GET', '/sync', undefined, { since: base['next_batch'] });
  assert.equal(again['to_device']['events'].length, 1);
  const s2 = await bob.ok('GET', '/sync', undefined, { since: s1['next_batch'], timeout: '0' });
  assert.deepEqual(s2['to_device']['events'], []);
  // '*' reaches every device of the user.
  await alice.ok('PUT', `/sendToDevice/m.test/${txnId()}`, { messages: { [bob.userId]: { '*': { all: true } } } });
  const s3 = await bob.ok('GET', '/sync', undefined, { since: s2['next_batch'], timeout: '20000' });
  assert.deepEqual(s3['to_device']['events'].map((e: Body) => e['content']), [{ all: true }]);
});

test('cross-signing: first upload without UIA, replacement needs UIA (password), signatures merge into query results', async () => {
  const masterKey = signingKey();
  const sskKey = signingKey();
  const uskKey = signingKey();
  const master = masterKey.sign({ user_id: alice.userId, usage: ['master'], keys: { [`ed25519:${masterKey.publicKey}`]: masterKey.publicKey } }, alice.userId, alice.deviceId);
  const ssk = masterKey.sign({ user_id: alice.userId, usage: ['self_signing'], keys: { [`ed25519:${sskKey.publicKey}`]: sskKey.publicKey } }, alice.userId);
  const usk = masterKey.sign({ user_id: alice.userId, usage: ['user_signing'], keys: { [`ed25519:${uskKey.publicKey}`]: uskKey.publicKey } }, alice.userId);
  await alice.ok('POST', '/keys/upload', { device_keys: deviceKeys(alice, 'a1') });
  await alice.ok('POST', '/keys/device_signing/upload', { master_key: master, self_signing_key: ssk, user_signing_key: usk });

  const again = await alice.call('POST', '/keys/device_signing/upload', { master_key: master, self_signing_key: ssk, user_signing_key: usk });
  assert.equal(again.status, 401);
  assert.ok(again.body['flows'].some((f: Body) => f['stages'].includes('m.login.password')));
  const badPw = await alice.call('POST', '/keys/device_signing/upload', {
    master_key: master,
    auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: 'nope', session: again.body['session'] },
  });
  assert.equal(badPw.status, 401);
  assert.equal(badPw.body['errcode'], 'M_FORBIDDEN');
  await alice.ok('POST', '/keys/device_signing/upload', {
    master_key: master,
    self_signing_key: ssk,
    user_signing_key: usk,
    auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: alice.userId }, password: 'correct horse', session: again.body['session'] },
  });

  // The self-signing key signs alice's device; bob's master key gets signed by alice's user-signing key.
  const signedDevice = sskKey.sign(deviceKeys(alice, 'a1'), alice.userId);
  const sig = await alice.ok('POST', '/keys/signatures/upload', { [alice.userId]: { [alice.deviceId]: signedDevice } });
  assert.deepEqual(sig['failures'], {});
  const unknown = await alice.ok('POST', '/keys/signatures/upload', { [alice.userId]: { NOPE: { signatures: {} } } });
  assert.ok(unknown['failures'][alice.userId]['NOPE']);

  const mine = await alice.ok('POST', '/keys/query', { device_keys: { [alice.userId]: [] } });
  assert.deepEqual(mine['master_keys'][alice.userId]['keys'], master['keys']);
  assert.deepEqual(mine['user_signing_keys'][alice.userId]['keys'], usk['keys'], 'own user-signing key visible to self');
  const dk = mine['device_keys'][alice.userId][alice.deviceId];
  assert.ok(dk['signatures'][alice.userId][`ed25519:${sskKey.publicKey}`], 'self-signing signature merged');
  assert.ok(dk['signatures'][alice.userId][`ed25519:${alice.deviceId}`], 'own device signature kept');
  const theirs = await bob.ok('POST', '/keys/query', { device_keys: { [alice.userId]: [] } });
  assert.deepEqual(theirs['self_signing_keys'][alice.userId]['keys'], ssk['keys']);
  assert.equal(theirs['user_signing_keys'][alice.userId], undefined, 'user-signing key private');
});

test('key backup: version 404 until created; keys stored per room/session; wrong version refused; better key wins', async () => {
  const none = await bob.call('GET', '/room_keys/version');
  assert.equal(none.status, 404);
  assert.equal(none.body['errcode'], 'M_NOT_FOUND');
  const authData = { public_key: 'PUB', signatures: {} };
  const { version } = await bob.ok('POST', '/room_keys/version', { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: authData });
  const info = await bob.ok('GET', '/room_keys/version');
  assert.equal(info['version'], version);
  assert.deepEqual(info['auth_data'], authData);
  assert.equal(info['count'], 0);

  const key = (fmi: number, body: string): Body => ({ first_message_index: fmi, forwarded_count: 0, is_verified: false, session_data: { ciphertext: body } });
  const put = await bob.ok('PUT', '/room_keys/keys', { rooms: { '!r:x': { sessions: { s1: key(5, 'late') } } } }, { version });
  assert.equal(put['count'], 1);
  await bob.ok('PUT', `/room_keys/keys/${enc('!r:x')}/s1`, key(0, 'early'), { version });
  await bob.ok('PUT', `/room_keys/keys/${enc('!r:x')}/s1`, key(9, 'worse'), { version });
  const got = await bob.ok('GET', `/room_keys/keys/${enc('!r:x')}/s1`, undefined, { version });
  assert.equal(got['session_data']['ciphertext'], 'early');
  const all = await bob.ok('GET', '/room_keys/keys', undefined, { version });
  assert.deepEqual(Object.keys(all['rooms']['!r:x']['sessions']), ['s1']);

  const { version: v2 } = await bob.ok('POST', '/room_keys/version', { algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2', auth_data: authData });
  const stale = await bob.call('PUT', '/room_keys/keys', { rooms: {} }, { version });
  assert.equal(stale.status, 403);
  assert.equal(stale.body['errcode'], 'M_WRONG_ROOM_KEYS_VERSION');
  assert.equal(stale.body['current_version'], v2);
  await bob.ok('DELETE', `/room_keys/version/${v2}`);
  assert.equal((await bob.ok('GET', '/room_keys/version'))['version'], version);
});
