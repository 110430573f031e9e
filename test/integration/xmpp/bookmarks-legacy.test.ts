/**
 * Bookmarks on a server without XEP-0402 (Prosody without mod_bookmarks: no `urn:xmpp:bookmarks:1#compat` on the
 * account): natter falls back to XEP-0048 in private XML storage, and rooms still survive a restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, PASSWORD, skipReason, waitUntil, type Client } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
const ROOM = 'legacy@muc.localhost';
const SECOND = 'second@muc.localhost';

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD }, withoutModules: ['bookmarks'] });
});

after(async () => {
  if (skip) return;
  await server?.stop();
});

async function inRoom(c: Client, room: string, from = 0): Promise<void> {
  await c.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && !!e.replace, `${c.jid} in ${room}`, 20_000, from);
}

test('XEP-0048 fallback: joined rooms are stored privately and joined again after a restart; a left one is not', { skip }, async () => {
  let alice = await client(server, 'alice');
  try {
    await alice.adapter.join(ROOM);
    await inRoom(alice, ROOM);
    await alice.adapter.join(SECOND);
    await inRoom(alice, SECOND);
    await waitUntil(() => alice.ctx.logs.filter((l) => l.includes('bookmark saved') && l.includes('private')).length === 2, 'both stored (private)', 20_000);
    await alice.adapter.leave(SECOND);
    await waitUntil(() => alice.ctx.logs.some((l) => l.includes('bookmark removed') && l.includes(SECOND)), 'second removed', 20_000);
    assert.ok(alice.ctx.logs.some((l) => l.includes('bookmark storage') && l.includes('private')));
  } finally {
    await alice.adapter.stop();
  }
  alice = await client(server, 'alice');
  try {
    await inRoom(alice, ROOM);
    await waitUntil(() => alice.ctx.logs.some((l) => l.includes('roster loaded')), 'session set up', 20_000);
    assert.ok(!alice.ctx.events.some((e) => e.type === 'conversation' && e.conversation.remoteId === SECOND), 'the left room stays left');
  } finally {
    await alice.adapter.stop();
  }
});
