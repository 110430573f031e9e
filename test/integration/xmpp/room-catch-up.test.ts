/**
 * Group chat after an offline period longer than the room's join history (XEP-0045 sends the last 20): the room
 * archive (MUC MAM) fills the gap from the newest message seen before, and the overlap with the join history is
 * reported under the same room stanza-ids, so nothing is lost or doubled.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, messages, PASSWORD, skipReason, type Client } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let alice: Client;
const ROOM = 'gap@muc.localhost';

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  alice = await client(server, 'alice');
  await alice.adapter.join(ROOM);
  await alice.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'alice joined', 15_000);
});

after(async () => {
  if (skip) return;
  await alice?.adapter.stop();
  await server?.stop();
});

test('30 messages while bob is away: after rejoining he has every one exactly once', { skip }, async () => {
  let bob = await client(server, 'bob');
  await bob.adapter.join(ROOM);
  await bob.ctx.waitFor((e) => e.type === 'members' && !!e.replace, 'bob joined', 15_000);
  await alice.adapter.send({ localId: 'seen', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'before bob left' });
  await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'before bob left', 'bob saw it');
  const kv = bob.ctx.kv;
  assert.ok(kv.get(`mam:room:${ROOM}`), 'the room marker was recorded');
  await bob.adapter.stop();

  for (let i = 0; i < 30; i++) {
    await alice.adapter.send({ localId: `gap-${i}`, conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: `missed ${i}` });
  }
  bob = await client(server, 'bob', {}, { kv });
  try {
    await bob.adapter.join(ROOM);
    await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'missed 0', 'the oldest missed message', 15_000);
    await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'missed 29', 'the newest missed message', 15_000);
    const got = messages(bob).filter((m) => m.body.startsWith('missed '));
    const byBody = new Map<string, Set<string | undefined>>();
    for (const m of got) byBody.set(m.body, (byBody.get(m.body) ?? new Set()).add(m.remoteId));
    assert.equal(byBody.size, 30, 'every missed message arrived');
    for (const [body, ids] of byBody) assert.equal(ids.size, 1, `${body} came under one room stanza-id (the engine keeps one)`);
    assert.ok(!got.some((m) => m.body === 'before bob left'), 'what bob had seen is not fetched again');
  } finally {
    await bob.adapter.stop();
  }
});
