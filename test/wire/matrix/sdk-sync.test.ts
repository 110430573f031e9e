/**
 * The whole adapter (matrix-js-sdk, Rust crypto, sync store) against a scripted homeserver that answers a stored
 * session's start-up requests and serves a fixture initial /sync (test/fixtures/matrix/sync-initial.json): the
 * request carries the small-initial-sync filter, and the SDK's parsing of the response turns into the expected
 * conversations (DM from m.direct, space and its child, invitation) and historical messages.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, test } from 'node:test';
import { createMatrixAdapter } from '../../../adapters/matrix/index.js';
import type { Adapter, AdapterEvent } from '../../../src/core/contract.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';
import { releaseTimers } from '../../integration/matrix/support.js';
import { loadFixture } from './setup.js';

const OWN = '@alice:hs.test';
let server: Server;
let url = '';
const requests: string[] = [];
let adapter: Adapter;
let ctx: RecordingContext;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const u = new URL(req.url ?? '/', 'http://x');
  requests.push(`${req.method} ${u.pathname}${u.search}`);
  const p = u.pathname.replace(/^\/_matrix\/client\/(v3|r0|v1)/, '');
  if (u.pathname === '/_matrix/client/versions') return json(res, 200, { versions: ['v1.11'] });
  if (p === '/account/whoami') return json(res, 200, { user_id: OWN, device_id: 'DEVICE' });
  if (p === '/pushrules/' || p === '/pushrules') return json(res, 200, { global: {} });
  if (p === '/capabilities') return json(res, 200, { capabilities: {} });
  if (p.endsWith('/filter') && req.method === 'POST') return json(res, 200, { filter_id: 'f1' });
  if (p === '/keys/upload') return json(res, 200, { one_time_key_counts: { signed_curve25519: 50 } });
  if (p === '/keys/query') return json(res, 200, { device_keys: {}, failures: {} });
  if (p === '/sync') {
    if (!u.searchParams.get('since')) return json(res, 200, loadFixture('sync-initial.json'));
    // Later syncs wait until the client gives up (it aborts them on stop).
    req.on('close', () => res.destroy());
    return;
  }
  json(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
}

before(async () => {
  server = createServer(route);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  ctx = recordingContext({ user: OWN, homeserver: url });
  ctx.kv.set('auth', JSON.stringify({ homeserver: url, userId: OWN, deviceId: 'DEVICE', accessToken: 'secret-token' }));
  adapter = createMatrixAdapter();
  await adapter.start(ctx);
  await ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online', 60_000);
});

after(async () => {
  await adapter?.stop();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  releaseTimers();
});

const conv = (id: string) =>
  ctx.ofType('conversation').map((e) => e.conversation).filter((c) => c.remoteId === id).at(-1);
const message = (id: string) => ctx.ofType('message').map((e) => e.message).find((m) => m.remoteId === id);

test('the stored session is reused (whoami, no login) and the initial sync asks for a small, lazy-loading filter', () => {
  assert.ok(requests.some((r) => r.includes('/account/whoami')));
  assert.ok(!requests.some((r) => r.startsWith('POST') && r.includes('/login')));
  const first = requests.find((r) => r.startsWith('GET') && r.includes('/sync?'))!;
  const filter = JSON.parse(new URL(first.slice(4), 'http://x').searchParams.get('filter')!) as { room?: { timeline?: { limit?: number }; state?: { lazy_load_members?: boolean } } };
  assert.equal(filter.room?.timeline?.limit, 20);
  assert.equal(filter.room?.state?.lazy_load_members, true);
  assert.ok(!ctx.logs.some((l) => l.includes('secret-token')), 'the access token never reaches the log');
});

test('rooms become conversations: a DM from m.direct, a room in its space, the space, an invitation', async () => {
  await ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === '!inv:hs.test', 'the invitation');
  assert.equal(conv('!dm:hs.test')?.kind, 'direct');
  assert.equal(conv('!dm:hs.test')?.joined, true);
  const room = conv('!room:hs.test')!;
  assert.equal(room.kind, 'group');
  assert.equal(room.title, 'Team\u202eevil', 'raw network text: the engine sanitizes it');
  assert.equal(room.topic, 'plans');
  assert.equal(room.parentId, '!space:hs.test');
  assert.deepEqual(conv('!space:hs.test')?.ext, { space: true });
  const inv = conv('!inv:hs.test')!;
  assert.equal(inv.invitedBy, '@carol:hs.test');
  assert.equal(inv.kind, 'direct');
  assert.equal(inv.joined, false);
  assert.equal(inv.title, "Carol's chat");
});

test('initial sync messages are history: styled, hostile links defused, own other-device messages outgoing', async () => {
  await ctx.waitFor((e) => e.type === 'message' && e.message.remoteId === '$r-msg', 'the notice');
  const dm = message('$dm-msg')!;
  assert.equal(dm.historical, true);
  assert.equal(dm.senderId, '@bob:hs.test');
  assert.deepEqual(dm.spans?.[0], { text: 'hi', bold: true });
  assert.ok(dm.spans?.every((s) => s.href === undefined));
  const own = message('$r-msg')!;
  assert.equal(own.direction, 'out');
  assert.equal(own.kind, 'notice');
  const ev: AdapterEvent | undefined = ctx.ofType('members').find((e) => e.conversationRemoteId === '!dm:hs.test');
  assert.ok(ev, 'members of the DM reported');
});
