/**
 * A dropped connection (the long-poll /sync cut mid-request by a TCP proxy) is reported as reconnecting, comes back
 * online by itself, and what arrived meanwhile is delivered.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { startTcpProxy, type TcpProxy } from '../../harness/tcp-proxy.js';
import { waitFor } from '../../harness/wait-for.js';
import { client, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, type Client } from './support.js';

let server: MatrixTestServer;
let proxy: TcpProxy | undefined;
const running: Client[] = [];

after(async () => {
  for (const c of running) await c.adapter.stop();
  await proxy?.close();
  await server?.stop();
  releaseTimers();
});

test('a cut connection reconnects by itself and misses nothing', { timeout: 180_000, skip: process.env.NATTER_TEST_MATRIX_URL ? 'needs the local homeserver' : false }, async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  proxy = await startTcpProxy(Number(new URL(server.url).port));
  const alice = await client(server, a.userId, { config: { homeserver: `http://127.0.0.1:${proxy.port}` } });
  const bob = await client(server, b.userId);
  running.push(alice, bob);
  await bob.adapter.command('create', ['Flaky']);
  const room = (await waitConversation(bob, (c) => c.title === 'Flaky' && c.joined === true, 'room')).remoteId;
  await bob.adapter.command('invite', [alice.userId], room);
  await waitConversation(alice, (c) => c.remoteId === room && c.invitedBy === bob.userId, 'invitation');
  await alice.adapter.join(room);
  await bob.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && (e.add ?? []).some((p) => p.id === alice.userId), 'alice joined', 60_000);

  // Cut while a long-poll /sync is in flight (the last sync line of the log is a request, and it has waited a while).
  const inFlight = () => {
    const syncs = alice.ctx.logs.filter((l) => /FetchHttpApi: (-->|<--) GET \S+\/sync\?/.test(l));
    const last = syncs.at(-1);
    return last?.includes('-->') && Date.now() - Date.parse(last.slice(0, 24)) > 500;
  };
  await waitFor(inFlight, 'a long-poll /sync in flight', 60_000);
  const from = alice.ctx.events.length;
  assert.ok(proxy.cut() > 0, 'the long-poll sync was open');
  await bob.adapter.send({ localId: 'during', conversation: { remoteId: room, kind: 'group' }, kind: 'text', body: 'sent while you were cut off' });
  const reconnecting = await alice.ctx.waitFor((e) => e.type === 'connection' && e.state === 'connecting', 'reconnecting', 60_000, from);
  assert.match(reconnecting.type === 'connection' ? reconnecting.detail ?? '' : '', /reconnecting/);
  await alice.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online again', 60_000, alice.ctx.events.indexOf(reconnecting));
  const m = await waitMessage(alice, room, 'sent while you were cut off');
  assert.equal(m.encryption?.error, undefined);
});
