/** XEP-0444 reactions, XEP-0424 retractions, XEP-0425 moderation and XEP-0333 markers on incoming stanzas. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { fixture, OWN } from './setup.js';

const ROOM = 'room@muc.example.org';
type Update = Extract<AdapterEvent, { type: 'message.update' }>;
const changes = (ups: Update[]) => ups.map((u) => (u.change.kind === 'reaction' ? `${u.change.add ? '+' : '-'}${u.change.key} ${u.change.senderId} ${u.targetRemoteId}` : u.change.kind));

const reactions = (from: string, id: string, keys: string[], extra = '', type = 'chat') =>
  `<message type="${type}" from="${from}" id="r${Math.random()}"><reactions xmlns="urn:xmpp:reactions:0" id="${id}">${keys.map((k) => `<reaction>${k}</reaction>`).join('')}</reactions><store xmlns="urn:xmpp:hints"/>${extra}</message>`;

test('reactions: the full set becomes per-key additions and removals against the last set of that sender', () => {
  const f = fixture();
  f.feed(reactions('bob@example.org/pc', 'm1', ['👍', '❤️']));
  f.feed(reactions('bob@example.org/pc', 'm1', ['👍', '😂']));
  f.feed(reactions('carol@example.org/x', 'm1', ['👍']));
  f.feed(reactions('bob@example.org/pc', 'm1', []));
  assert.deepEqual(changes(f.ctx.ofType('message.update')), [
    '+👍 bob@example.org m1',
    '+❤️ bob@example.org m1',
    '-❤️ bob@example.org m1',
    '+😂 bob@example.org m1',
    '+👍 carol@example.org m1',
    '-👍 bob@example.org m1',
    '-😂 bob@example.org m1',
  ]);
  assert.equal(f.ctx.ofType('message.update')[0]!.targetLocalId, 'm1', 'one-to-one: may be our own message id');
  assert.deepEqual(f.ctx.ofType('message'), []);
});

test('reactions survive a restart through kv: a removed reaction is not resurrected by an older archive copy', () => {
  const f = fixture();
  f.feed(reactions('bob@example.org/pc', 'm1', ['👍'], '<delay xmlns="urn:xmpp:delay" stamp="2026-11-20T10:00:00Z"/>'));
  f.feed(reactions('bob@example.org/pc', 'm1', [], '<delay xmlns="urn:xmpp:delay" stamp="2026-11-20T11:00:00Z"/>'));
  // A second session over the same kv (a restart) sees the older set again from the archive.
  const g = fixture();
  Object.assign(g.session, { kv: f.ctx.kv });
  const q = g.session.mam.open(OWN, { historical: true });
  g.feed(`<message to="${OWN}/natter.1"><result xmlns="urn:xmpp:mam:2" queryid="${q.id}" id="A9"><forwarded xmlns="urn:xmpp:forward:0">
    <delay xmlns="urn:xmpp:delay" stamp="2026-11-20T10:00:00Z"/>${reactions('bob@example.org/pc', 'm1', ['👍'])}</forwarded></result></message>`);
  assert.deepEqual(q.updates, []);
  assert.deepEqual(q.messages, []);
});

test('hostile reactions: duplicates, empty and overlong keys and floods are bounded; no id means nothing', () => {
  const f = fixture();
  const many = Array.from({ length: 100 }, (_, i) => `k${i}`);
  f.feed(reactions('bob@example.org/pc', 'm1', ['👍', '👍', '', '   ', 'x'.repeat(500), ...many]));
  f.feed(`<message type="chat" from="bob@example.org/pc"><reactions xmlns="urn:xmpp:reactions:0"><reaction>👍</reaction></reactions></message>`);
  const keys = f.ctx.ofType('message.update').map((u) => (u.change.kind === 'reaction' ? u.change.key : ''));
  assert.equal(keys.length, 20);
  assert.deepEqual(keys.slice(0, 3), ['👍', 'k0', 'k1']);
});

test('reactions in a room: sender is the occupant (us for our nick), target the room stanza-id only', () => {
  const f = fixture();
  f.session.rooms.add(ROOM, 'alice').joined = true;
  f.feed(reactions(`${ROOM}/bob`, 'room-1', ['🎉'], '', 'groupchat'));
  f.feed(reactions(`${ROOM}/alice`, 'room-1', ['🎉'], '', 'groupchat'));
  const ups = f.ctx.ofType('message.update');
  assert.deepEqual(changes(ups), [`+🎉 ${ROOM}/bob room-1`, `+🎉 ${OWN} room-1`]);
  assert.equal(ups[0]!.targetLocalId, undefined);
  assert.deepEqual(f.ctx.ofType('typing'), [], 'a body-less reaction is no chat state');
});

test('retraction (XEP-0424 v1 and the old fastening form): by the true sender, the fallback body is no message', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/pc" id="x1"><retract xmlns="urn:xmpp:message-retract:1" id="m1"/>
    <fallback xmlns="urn:xmpp:fallback:0" for="urn:xmpp:message-retract:1"/><body>This person attempted to retract a previous message, but it's unsupported by your client.</body><store xmlns="urn:xmpp:hints"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/pc" id="x2"><apply-to xmlns="urn:xmpp:fasten:0" id="m2"><retract xmlns="urn:xmpp:message-retract:0"/></apply-to><body>fallback</body></message>`);
  assert.deepEqual(f.ctx.ofType('message.update'), [
    { type: 'message.update', conversationRemoteId: 'bob@example.org', targetRemoteId: 'm1', targetLocalId: 'm1', change: { kind: 'retract', by: 'bob@example.org' } },
    { type: 'message.update', conversationRemoteId: 'bob@example.org', targetRemoteId: 'm2', targetLocalId: 'm2', change: { kind: 'retract', by: 'bob@example.org' } },
  ]);
  assert.deepEqual(f.ctx.ofType('message'), []);
});

test('moderation is taken only from the room itself, with moderator and reason; forged ones change nothing', () => {
  const f = fixture();
  f.session.rooms.add(ROOM, 'alice').joined = true;
  const mod = (from: string, id: string) =>
    `<message type="groupchat" from="${from}" id="mod-${id}"><retract xmlns="urn:xmpp:message-retract:1" id="${id}">
      <moderated xmlns="urn:xmpp:message-moderate:1" by="${ROOM}/boss"/><reason>spam</reason></retract>
      <fallback xmlns="urn:xmpp:fallback:0" for="urn:xmpp:message-retract:1"/><body>This message has been moderated.</body></message>`;
  f.feed(mod(ROOM, 'room-1'));
  f.feed(mod(`${ROOM}/mallory`, 'room-2'));
  // The old fastening form (mod_muc_moderation before XEP-0425 0.3).
  f.feed(`<message type="groupchat" from="${ROOM}" id="old"><apply-to xmlns="urn:xmpp:fasten:0" id="room-3">
    <moderated xmlns="urn:xmpp:message-moderate:0" by="${ROOM}/boss"><retract xmlns="urn:xmpp:message-retract:0"/><reason>off topic</reason></moderated></apply-to></message>`);
  // Moderation in one-to-one chat does not exist: forged.
  f.feed(`<message type="chat" from="bob@example.org/pc"><retract xmlns="urn:xmpp:message-retract:1" id="m9"><moderated xmlns="urn:xmpp:message-moderate:1" by="x"/></retract></message>`);
  // A plain retraction "by the room" is nobody's.
  f.feed(`<message type="groupchat" from="${ROOM}"><retract xmlns="urn:xmpp:message-retract:1" id="room-4"/></message>`);
  assert.deepEqual(f.ctx.ofType('message.update'), [
    { type: 'message.update', conversationRemoteId: ROOM, targetRemoteId: 'room-1', change: { kind: 'retract', by: `${ROOM}/boss`, moderated: true, reason: 'spam' } },
    { type: 'message.update', conversationRemoteId: ROOM, targetRemoteId: 'room-3', change: { kind: 'retract', by: `${ROOM}/boss`, moderated: true, reason: 'off topic' } },
  ]);
  assert.deepEqual(f.ctx.ofType('message'), []);
});

test('displayed marks our message read with every one sent before it; received marks delivered; our own markers do nothing', () => {
  const f = fixture();
  for (const id of ['o1', 'o2', 'o3']) f.session.rich.sent('bob@example.org', id);
  f.feed(`<message type="chat" from="bob@example.org/pc"><displayed xmlns="urn:xmpp:chat-markers:0" id="o2"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/pc"><received xmlns="urn:xmpp:chat-markers:0" id="o3"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/pc"><displayed xmlns="urn:xmpp:chat-markers:0"/></message>`);
  f.feed(`<message from="${OWN}" to="${OWN}/natter.1"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">
    <message type="chat" from="${OWN}/phone" to="bob@example.org"><displayed xmlns="urn:xmpp:chat-markers:0" id="b5"/></message></forwarded></sent></message>`);
  assert.deepEqual(
    f.ctx.ofType('message.update').map((u) => [u.targetRemoteId, u.targetLocalId, u.change.kind === 'delivery' ? u.change.state : '']),
    [
      ['o1', 'o1', 'read'],
      ['o2', 'o2', 'read'],
      ['o3', 'o3', 'delivered'],
    ],
  );
});

test('a marker in a room names the room stanza-id of our message; markers with a body are ordinary messages', () => {
  const f = fixture();
  f.session.rooms.add(ROOM, 'alice').joined = true;
  f.feed(`<message type="groupchat" from="${ROOM}/bob"><displayed xmlns="urn:xmpp:chat-markers:0" id="room-5"/></message>`);
  f.feed(`<message type="groupchat" from="${ROOM}/alice"><displayed xmlns="urn:xmpp:chat-markers:0" id="room-6"/></message>`);
  f.feed(`<message type="groupchat" from="${ROOM}/bob" id="t"><body>text</body><displayed xmlns="urn:xmpp:chat-markers:0" id="room-7"/></message>`);
  assert.deepEqual(f.ctx.ofType('message.update'), [
    { type: 'message.update', conversationRemoteId: ROOM, targetRemoteId: 'room-5', change: { kind: 'delivery', state: 'read' } },
  ]);
  assert.deepEqual(f.ctx.ofType('message').map((e) => e.message.body), ['text']);
});
