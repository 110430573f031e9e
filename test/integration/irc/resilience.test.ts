import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startInspircd, type InspircdServer } from '../../harness/inspircd.js';
import { client, skipReason } from './support.js';

const skip = skipReason();
let server: InspircdServer;

before(async () => {
  if (skip) return;
  server = await startInspircd({ history: true });
});
after(async () => {
  if (!skip) await server?.stop();
});

test('nick collision: the second "carol" registers as carol_', { skip }, async () => {
  const first = await client({ host: server.host, port: server.port, nick: 'carol' });
  const second = await client({ host: server.host, port: server.port, nick: 'carol' });
  const online = second.ctx.ofType('connection').find((e) => e.state === 'online');
  assert.equal(online?.self, 'carol_');
  await first.adapter.stop();
  await second.adapter.stop();
});

test('+H history replay on join arrives as historical messages with the original msgids', { skip }, async () => {
  const alice = await client({ host: server.host, port: server.port, nick: 'hal', channels: ['#hist'] });
  await alice.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'NAMES', 10_000);
  const sent = [];
  for (const body of ['first', 'second']) {
    sent.push(await alice.adapter.send({ localId: body, conversation: { remoteId: '#hist', kind: 'channel' }, kind: 'text', body }));
  }
  const bob = await client({ host: server.host, port: server.port, nick: 'hob', channels: ['#hist'] });
  for (const r of sent) {
    const e = (await bob.ctx.waitFor((x) => x.type === 'message' && x.message.remoteId === r.remoteId, `replay of ${r.remoteId}`, 10_000)) as Extract<AdapterEvent, { type: 'message' }>;
    assert.equal(e.message.historical, true);
    assert.equal(e.message.senderId, 'hal');
    assert.ok(e.message.sentAt, 'server-time on replayed lines');
  }
  // A live message after the replay is not historical.
  const live = await alice.adapter.send({ localId: 'live', conversation: { remoteId: '#hist', kind: 'channel' }, kind: 'text', body: 'live' });
  const e = (await bob.ctx.waitFor((x) => x.type === 'message' && x.message.remoteId === live.remoteId, 'live', 10_000)) as Extract<AdapterEvent, { type: 'message' }>;
  assert.equal(e.message.historical, undefined);
  await alice.adapter.stop();
  await bob.adapter.stop();
});

test('server restart: offline with backoff detail, reconnect, rejoin, online again', { skip }, async () => {
  const c = await client({ host: server.host, port: server.port, nick: 'rex', channels: ['#natter'] });
  await c.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === '#natter' && !!e.conversation.joined, 'joined', 10_000);
  const from = c.ctx.events.length;
  const oldPid = server.pid;
  await server.restart();
  assert.notEqual(server.pid, oldPid);
  const offline = await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'offline', 'offline', 20_000, from);
  assert.match((offline as { detail?: string }).detail ?? '', /retrying in \d+ s$/);
  await c.ctx.waitFor((e) => e.type === 'connection' && e.state === 'online', 'online again', 30_000, from);
  await c.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === '#natter' && e.conversation.joined === true, 'rejoined', 10_000, from);
  const states = c.ctx.ofType('connection').slice(-20).map((e) => e.state);
  assert.ok(states.includes('connecting'));
  // Works after the reconnect: a message goes through and is confirmed by echo.
  const r = await c.adapter.send({ localId: 'x', conversation: { remoteId: '#natter', kind: 'channel' }, kind: 'text', body: 'back' });
  assert.ok(r.remoteId);
  await c.adapter.stop();
});
