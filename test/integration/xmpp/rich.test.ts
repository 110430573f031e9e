/**
 * Rich messaging through a real Prosody between alice and bob (adapter level): replies with fallback quotes
 * (XEP-0461/0428), corrections (XEP-0308), reactions added and removed (XEP-0444), retraction (XEP-0424), a
 * `displayed` marker turning alice's messages read (XEP-0333), and in a room a correction by origin-id and a
 * moderated retraction announced by the room (XEP-0425, harness module). Asserts on the events each adapter emits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, PASSWORD, skipReason, type Client, type MessageEvent } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let alice: Client;
let bob: Client;
const ROOM = 'rich@muc.localhost';
type Update = Extract<AdapterEvent, { type: 'message.update' }>;

const ALICE = 'alice@localhost';
const BOB = 'bob@localhost';
const direct = (remoteId: string) => ({ remoteId, kind: 'direct' as const });

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD } });
  [alice, bob] = await Promise.all([client(server, 'alice'), client(server, 'bob')]);
});

after(async () => {
  if (skip) return;
  await Promise.all([alice?.adapter.stop(), bob?.adapter.stop()]);
  await server?.stop();
});

/** Sends `body` from `c` to `peer` and resolves with what the peer's adapter emitted for it. */
async function say(c: Client, to: Client, localId: string, body: string, replyTo?: string): Promise<MessageEvent['message']> {
  const from = to.ctx.events.length;
  await c.adapter.send({ localId, conversation: direct(to.jid), kind: 'text', body, ...(replyTo ? { replyTo } : {}) });
  const got = (await to.ctx.waitFor((e) => e.type === 'message' && e.message.body === body, `${to.jid} receives "${body}"`, 15_000, from)) as MessageEvent;
  return got.message;
}

const updates = (c: Client, from: number) => c.ctx.events.slice(from).filter((e): e is Update => e.type === 'message.update');

test('capabilities: edits, reactions, replies and retraction', { skip }, () => {
  const caps = alice.adapter.capabilities;
  assert.deepEqual([caps.edits, caps.reactions, caps.replies, caps.retraction], [true, true, true, true]);
});

test('replies: the quote travels as fallback and is stripped; replyTo names an id the receiver knows the target by', { skip }, async () => {
  const lunch = await say(alice, bob, 'a-lunch', 'lunch?');
  assert.ok(lunch.altIds?.includes('a-lunch'), 'bob knows alice\'s message by its message id too');
  // Alice follows up on her own message: bob resolves the reply to alice's "lunch?" through its alt id.
  const follow = await say(alice, bob, 'a-noon', 'at noon', 'a-lunch');
  assert.equal(follow.replyTo, 'a-lunch');
  assert.ok(lunch.altIds!.includes(follow.replyTo!) || lunch.remoteId === follow.replyTo);
  // Bob answers alice's message, naming it by his own remote id (the stanza-id his server gave it).
  const answer = await say(bob, alice, 'b-yes', 'yes!', lunch.remoteId);
  assert.equal(answer.body, 'yes!', 'the fallback quote is not part of the body');
  assert.equal(answer.replyTo, 'a-lunch', "alice's own message, whose remote id is its message id");
  // The archive holds the message as sent (quote included, for clients without replies); read back it is the same.
  const page = await bob.adapter.history(ALICE, undefined, 10);
  assert.equal(page.messages.find((m) => m.body === 'yes!')?.replyTo, 'a-lunch', 'the archive copy reads the same');
});

test('edit: bob gets a correction by alice naming her message id, and no new message', { skip }, async () => {
  const orig = await say(alice, bob, 'a-helo', 'helo bob');
  const from = bob.ctx.events.length;
  await alice.adapter.edit!('a-helo', BOB, 'hello bob');
  const u = (await bob.ctx.waitFor((e) => e.type === 'message.update' && e.change.kind === 'edit', 'the correction', 15_000, from)) as Update;
  assert.equal(u.conversationRemoteId, ALICE);
  assert.equal(u.targetRemoteId, 'a-helo');
  assert.ok(orig.altIds?.includes(u.targetRemoteId!));
  assert.equal(u.change.kind === 'edit' && u.change.body, 'hello bob');
  assert.equal(u.change.kind === 'edit' && u.change.by, ALICE);
  assert.equal(bob.ctx.events.slice(from).filter((e) => e.type === 'message').length, 0);
});

test('reactions: bob adds then removes one; alice sees the addition and the removal on her message', { skip }, async () => {
  const orig = await say(alice, bob, 'a-news', 'big news');
  let from = alice.ctx.events.length;
  await bob.adapter.react!(orig.remoteId!, ALICE, '👍', true);
  const add = (await alice.ctx.waitFor((e) => e.type === 'message.update' && e.change.kind === 'reaction', 'reaction added', 15_000, from)) as Update;
  assert.deepEqual(add, { type: 'message.update', conversationRemoteId: BOB, targetRemoteId: 'a-news', targetLocalId: 'a-news', change: { kind: 'reaction', senderId: BOB, key: '👍', add: true } });
  from = alice.ctx.events.length;
  await bob.adapter.react!(orig.remoteId!, ALICE, '👍', false);
  const remove = (await alice.ctx.waitFor((e) => e.type === 'message.update' && e.change.kind === 'reaction', 'reaction removed', 15_000, from)) as Update;
  assert.deepEqual(remove.change, { kind: 'reaction', senderId: BOB, key: '👍', add: false });
});

test('retraction: bob gets alice\'s retraction by alice; the fallback body is never a message', { skip }, async () => {
  const orig = await say(alice, bob, 'a-oops', 'wrong chat');
  const from = bob.ctx.events.length;
  await alice.adapter.retract!('a-oops', BOB);
  const u = (await bob.ctx.waitFor((e) => e.type === 'message.update' && e.change.kind === 'retract', 'the retraction', 15_000, from)) as Update;
  assert.ok(orig.altIds?.includes(u.targetRemoteId!));
  assert.deepEqual(u.change, { kind: 'retract', by: ALICE });
  assert.equal(bob.ctx.events.slice(from).filter((e) => e.type === 'message').length, 0);
});

test('markers: bob reads alice\'s newest message; alice sees it (and the ones before it) read', { skip }, async () => {
  await say(alice, bob, 'a-m1', 'first');
  const newest = await say(alice, bob, 'a-m2', 'second');
  const from = alice.ctx.events.length;
  await bob.adapter.markRead!(ALICE, newest.remoteId!);
  await alice.ctx.waitFor((e) => e.type === 'message.update' && e.targetRemoteId === 'a-m2' && e.change.kind === 'delivery' && e.change.state === 'read', 'read marker', 15_000, from);
  const read = updates(alice, from).filter((u) => u.change.kind === 'delivery' && u.change.state === 'read').map((u) => u.targetRemoteId);
  assert.ok(read.includes('a-m1'), `earlier messages are covered too: ${read.join(', ')}`);
});

test('room: a correction names alice\'s own id (not the stanza-id); the owner moderates bob\'s message, announced by the room', { skip }, async () => {
  for (const c of [alice, bob]) {
    const from = c.ctx.events.length;
    await c.adapter.join(ROOM);
    await c.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.replace, `${c.jid} joined`, 20_000, from);
  }
  const room = { remoteId: ROOM, kind: 'group' as const };
  // Correction of an own room message: natter knows it by the room's stanza-id, the correction names its origin-id.
  let fromBob = bob.ctx.events.length;
  const sent = await alice.adapter.send({ localId: 'a-room-1', conversation: room, kind: 'text', body: 'helo room' });
  const seen = (await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'helo room', 'bob sees it', 15_000, fromBob)) as MessageEvent;
  assert.equal(seen.message.remoteId, sent.remoteId);
  fromBob = bob.ctx.events.length;
  await alice.adapter.edit!(sent.remoteId!, ROOM, 'hello room');
  const edit = (await bob.ctx.waitFor((e) => e.type === 'message.update' && e.change.kind === 'edit', 'room correction', 15_000, fromBob)) as Update;
  assert.equal(edit.targetRemoteId, 'a-room-1');
  assert.ok(seen.message.altIds?.includes('a-room-1'));
  assert.equal(edit.change.kind === 'edit' && edit.change.by, `${ROOM}/alice`, 'the occupant, as bob stores the sender');
  assert.equal(seen.message.senderId, `${ROOM}/alice`);

  // Moderation: bob's message is removed by alice (owner, so moderator) through the room.
  const fromAlice = alice.ctx.events.length;
  const spam = await bob.adapter.send({ localId: 'b-spam', conversation: room, kind: 'text', body: 'buy now' });
  await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'buy now', 'alice sees the spam', 15_000, fromAlice);
  fromBob = bob.ctx.events.length;
  await alice.adapter.retract!(spam.remoteId!, ROOM);
  for (const [c, mark] of [[bob, fromBob], [alice, fromAlice]] as const) {
    const u = (await c.ctx.waitFor((e) => e.type === 'message.update' && e.change.kind === 'retract', `${c.jid} sees the moderation`, 15_000, mark)) as Update;
    assert.deepEqual(u, { type: 'message.update', conversationRemoteId: ROOM, targetRemoteId: spam.remoteId, change: { kind: 'retract', by: `${ROOM}/alice`, moderated: true } });
  }
  assert.ok(!bob.ctx.events.slice(fromBob).some((e) => e.type === 'message'), 'the announcement is no message');
  // Bob is no moderator: the room refuses his attempt on alice's message, in plain words.
  await assert.rejects(bob.adapter.retract!(sent.remoteId!, ROOM), /only a moderator/);
});
