import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, messages, PASSWORD, skipReason, waitUntil, type Client, type MessageEvent } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let alice: Client;
let bob: Client;
let carol: Client;
const ROOM = 'natter@muc.localhost';
type Members = Extract<AdapterEvent, { type: 'members' }>;

async function joinRoom(c: Client): Promise<Members> {
  const from = c.ctx.events.length;
  await c.adapter.join(ROOM);
  return (await c.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === ROOM && !!e.replace, `${c.jid} joined`, 15_000, from)) as Members;
}

before(async () => {
  if (skip) return;
  server = await startProsody({ users: { alice: PASSWORD, bob: PASSWORD, carol: PASSWORD } });
  [alice, bob, carol] = await Promise.all([client(server, 'alice'), client(server, 'bob'), client(server, 'carol')]);
});

after(async () => {
  if (skip) return;
  await Promise.all([alice?.adapter.stop(), bob?.adapter.stop(), carol?.adapter.stop()]);
  await server?.stop();
});

test('alice creates the room (unlocking it), bob and carol join; occupants carry roles', { skip }, async () => {
  const a = await joinRoom(alice);
  assert.deepEqual(a.replace, [{ id: `${ROOM}/alice`, name: 'alice', role: 'owner', badge: '~', account: 'alice@localhost' }]);
  await waitUntil(() => alice.ctx.logs.some((l) => l.includes('created room unlocked')), 'the new room was configured');
  assert.ok(alice.ctx.events.some((e) => e.type === 'conversation' && e.conversation.remoteId === ROOM && e.conversation.joined === true && e.conversation.kind === 'group'));
  const b = await joinRoom(bob);
  assert.deepEqual(b.replace!.map((p) => `${p.name}:${p.role}`).sort(), ['alice:owner', 'bob:voice']);
  const c = await joinRoom(carol);
  assert.deepEqual(c.replace!.map((p) => p.name).sort(), ['alice', 'bob', 'carol']);
  await alice.ctx.waitFor((e) => e.type === 'members' && !!e.add?.some((p) => p.name === 'carol'), 'alice sees carol arrive');
});

test('group message: send() resolves on the reflection with the room stanza-id; everyone gets it once under that id', { skip }, async () => {
  const marks = [alice, bob, carol].map((c) => c.ctx.events.length);
  const r = await alice.adapter.send({ localId: 'm-1', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'hello room' });
  assert.equal(r.state, 'sent');
  assert.ok(r.remoteId && r.remoteId !== 'm-1', `room stanza-id: ${r.remoteId}`);
  for (const [i, c] of [bob, carol].entries()) {
    const got = (await c.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'hello room', `${c.jid} receives`, 10_000, marks[i + 1])) as MessageEvent;
    assert.equal(got.message.remoteId, r.remoteId);
    assert.equal(got.message.senderId, `${ROOM}/alice`);
    assert.equal(got.message.senderName, 'alice');
    assert.equal(got.message.direction, 'in');
    assert.deepEqual(got.message.conversation, { remoteId: ROOM, kind: 'group' });
  }
  const back = await bob.adapter.send({ localId: 'm-2', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'hi alice' });
  const toAlice = (await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'hi alice', 'alice receives', 10_000, marks[0])) as MessageEvent;
  assert.equal(toAlice.message.remoteId, back.remoteId);
  assert.equal(toAlice.message.mentionsMe, true);
  // The reflection of alice's own message confirmed the send and produced no second copy.
  assert.equal(messages(alice).filter((m) => m.body === 'hello room').length, 0);
});

test('room archive (MUC MAM): history pages backwards, marked historical, ids matching the live ones', { skip }, async () => {
  for (let i = 0; i < 5; i++) {
    await carol.adapter.send({ localId: `c-${i}`, conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: `numbered ${i}` });
  }
  await bob.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'numbered 4', 'bob has the last one');
  const live = new Map(messages(bob).map((m) => [m.body, m.remoteId]));
  const page1 = await bob.adapter.history(ROOM, undefined, 3);
  assert.deepEqual(page1.messages.map((m) => m.body), ['numbered 2', 'numbered 3', 'numbered 4']);
  assert.ok(page1.messages.every((m) => m.historical === true && m.remoteId === live.get(m.body) && typeof m.sentAt === 'number'));
  assert.ok(page1.next, 'there is an older page');
  const page2 = await bob.adapter.history(ROOM, page1.next, 3);
  assert.deepEqual(page2.messages.map((m) => m.body), ['hi alice', 'numbered 0', 'numbered 1']);
  assert.equal(page2.messages[0]!.direction, 'out', "bob's own message from the archive is 'out'");
  assert.equal(page2.messages[0]!.localId, 'm-2', 'with its origin-id as the local id');
  const page3 = await bob.adapter.history(ROOM, page2.next, 3);
  assert.deepEqual(page3.messages.map((m) => m.body), ['hello room']);
  assert.equal(page3.next, undefined, 'start of the archive');
});

test('/topic sets the subject everyone sees; /nick renames the occupant everywhere', { skip }, async () => {
  const from = bob.ctx.events.length;
  await alice.adapter.command('topic', ['tests', 'today'], ROOM);
  await bob.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.topic === 'tests today', 'bob sees the topic', 10_000, from);
  const mark = alice.ctx.events.length;
  await bob.adapter.command('nick', ['bobby'], ROOM);
  await alice.ctx.waitFor((e) => e.type === 'members' && e.rename?.from === `${ROOM}/bob` && e.rename.to === `${ROOM}/bobby`, 'rename', 10_000, mark);
  const r = await bob.adapter.send({ localId: 'm-3', conversation: { remoteId: ROOM, kind: 'group' }, kind: 'text', body: 'new name' });
  const got = (await alice.ctx.waitFor((e) => e.type === 'message' && e.message.body === 'new name', 'message under the new nick', 10_000, mark)) as MessageEvent;
  assert.equal(got.message.senderId, `${ROOM}/bobby`);
  assert.equal(got.message.remoteId, r.remoteId);
  await bob.adapter.command('nick', ['bob'], ROOM);
  await alice.ctx.waitFor((e) => e.type === 'members' && e.rename?.to === `${ROOM}/bob`, 'renamed back', 10_000, mark);
});

test('leave: the others see the occupant go; rejoining works', { skip }, async () => {
  const from = alice.ctx.events.length;
  await carol.adapter.leave(ROOM, 'bye');
  await alice.ctx.waitFor((e) => e.type === 'members' && !!e.remove?.includes(`${ROOM}/carol`), 'carol left', 10_000, from);
  assert.ok(carol.ctx.events.some((e) => e.type === 'conversation' && e.conversation.remoteId === ROOM && e.conversation.joined === false));
  const again = await joinRoom(carol);
  assert.deepEqual(again.replace!.map((p) => p.name).sort(), ['alice', 'bob', 'carol']);
});

test('the archive of a room we left is still readable', { skip }, async () => {
  await carol.adapter.leave(ROOM);
  await carol.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === ROOM && e.conversation.joined === false, 'carol left');
  const page = await carol.adapter.history(ROOM, undefined, 2);
  assert.equal(page.messages.length, 2);
  assert.ok(page.messages.every((m) => m.conversation.remoteId === ROOM && m.conversation.kind === 'group' && m.historical));
});
