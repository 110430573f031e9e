/** XEP-0308 corrections and XEP-0461 replies (with XEP-0428 fallback) on incoming stanzas, including hostile ones. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, OWN } from './setup.js';

const ROOM = 'room@muc.example.org';

function inRoom() {
  const f = fixture();
  const r = f.session.rooms.add(ROOM, 'alice');
  r.joined = true;
  return f;
}

test('a message carries its id and origin-id as altIds next to the stanza-id', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/pc" id="m1"><body>hi</body><origin-id xmlns="urn:xmpp:sid:0" id="o1"/>
    <stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="S1"/></message>`);
  const [m] = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(m!.remoteId, 'S1');
  assert.deepEqual(m!.altIds, ['m1', 'o1']);
});

test('a one-to-one correction is an edit by the bare sender, naming the original id; it is no new message', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/pc" id="m2"><body>helo</body><stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="S2"/></message>`);
  f.feed(`<message type="chat" from="Bob@Example.org/pc" id="m3"><body>hello</body><replace xmlns="urn:xmpp:message-correct:0" id="m2"/>
    <delay xmlns="urn:xmpp:delay" stamp="2026-11-20T10:00:00Z"/></message>`);
  assert.equal(f.ctx.ofType('message').length, 1);
  assert.deepEqual(f.ctx.ofType('message.update'), [
    {
      type: 'message.update',
      conversationRemoteId: 'bob@example.org',
      targetRemoteId: 'm2',
      targetLocalId: 'm2',
      change: { kind: 'edit', body: 'hello', editedAt: Date.parse('2026-11-20T10:00:00Z'), by: 'bob@example.org' },
    },
  ]);
});

test('a correction in a room names the occupant (or ourselves for our nick); the room itself is not a sender', () => {
  const f = inRoom();
  f.feed(`<message type="groupchat" from="${ROOM}/bob" id="c1"><body>fixed</body><replace xmlns="urn:xmpp:message-correct:0" id="b-orig"/></message>`);
  f.feed(`<message type="groupchat" from="${ROOM}/alice" id="c2"><body>mine fixed</body><replace xmlns="urn:xmpp:message-correct:0" id="a-orig"/></message>`);
  const ups = f.ctx.ofType('message.update');
  assert.deepEqual(ups.map((u) => [u.targetRemoteId, u.change.kind === 'edit' ? u.change.by : '']), [
    ['b-orig', `${ROOM}/bob`],
    ['a-orig', OWN],
  ]);
  assert.equal(f.ctx.ofType('message').length, 0);
});

test('broken corrections change nothing and never show their body: no id, an absurd id, no body', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/pc"><body>x</body><replace xmlns="urn:xmpp:message-correct:0"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/pc"><body>y</body><replace xmlns="urn:xmpp:message-correct:0" id="${'z'.repeat(5000)}"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/pc"><replace xmlns="urn:xmpp:message-correct:0" id="m1"/></message>`);
  assert.deepEqual(f.ctx.ofType('message.update'), []);
  assert.deepEqual(f.ctx.ofType('message'), []);
});

test('corrections in carbons: sent ones only from our own account, received ones only from others', () => {
  const f = fixture();
  const carbon = (kind: 'sent' | 'received', inner: string) =>
    `<message from="${OWN}" to="${OWN}/natter.1"><${kind} xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">${inner}</forwarded></${kind}></message>`;
  // Our phone corrected our message: an edit by us.
  f.feed(carbon('sent', `<message type="chat" from="${OWN}/phone" to="bob@example.org" id="e1"><body>ours</body><replace xmlns="urn:xmpp:message-correct:0" id="mine-1"/></message>`));
  // A "sent" carbon whose inner message claims to be from bob: forged.
  f.feed(carbon('sent', `<message type="chat" from="bob@example.org/pc" to="${OWN}" id="e2"><body>forged</body><replace xmlns="urn:xmpp:message-correct:0" id="b-1"/></message>`));
  // A received carbon from bob: an edit by bob.
  f.feed(carbon('received', `<message type="chat" from="bob@example.org/pc" to="${OWN}/phone" id="e3"><body>bobs</body><replace xmlns="urn:xmpp:message-correct:0" id="b-2"/></message>`));
  // A carbon not from our own account at all: ignored whatever it holds.
  f.feed(`<message from="mallory@evil.example" to="${OWN}/natter.1"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">
    <message type="chat" from="${OWN}/x" to="bob@example.org"><body>evil</body><replace xmlns="urn:xmpp:message-correct:0" id="mine-1"/></message></forwarded></sent></message>`);
  const edits = f.ctx.ofType('message.update').map((u) => [u.conversationRemoteId, u.targetRemoteId, u.change.kind === 'edit' ? [u.change.body, u.change.by] : []]);
  assert.deepEqual(edits, [
    ['bob@example.org', 'mine-1', ['ours', OWN]],
    ['bob@example.org', 'b-2', ['bobs', 'bob@example.org']],
  ]);
  assert.deepEqual(f.ctx.ofType('message'), []);
});

test('a reply names the answered id; its fallback quote (code points) is taken out of the body', () => {
  const f = fixture();
  const quote = '> Alice wrote:\n> 🎉 party\n';
  f.feed(`<message type="chat" from="bob@example.org/pc" id="r1"><body>${quote}yes!</body>
    <reply xmlns="urn:xmpp:reply:0" to="${OWN}/natter.1" id="a-msg"/>
    <fallback xmlns="urn:xmpp:fallback:0" for="urn:xmpp:reply:0"><body start="0" end="${[...quote].length}"/></fallback></message>`);
  const [m] = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(m!.replyTo, 'a-msg');
  assert.equal(m!.body, 'yes!');
});

test('reply fallbacks that do not fit are ignored; a fallback without a reply strips nothing; /me after a quote is an action', () => {
  const f = fixture();
  const feed = (id: string, fb: string, reply = true) =>
    f.feed(`<message type="chat" from="bob@example.org/pc" id="${id}"><body>> q\nbody</body>${reply ? '<reply xmlns="urn:xmpp:reply:0" id="t"/>' : ''}
      <fallback xmlns="urn:xmpp:fallback:0" for="urn:xmpp:reply:0">${fb}</fallback></message>`);
  feed('a', '<body start="0" end="999"/>');
  feed('b', '<body start="5" end="2"/>');
  feed('c', '<body start="-1" end="2"/>');
  feed('d', '<body start="x" end="4"/>');
  feed('e', '<body start="0" end="4"/>', false);
  feed('f', '<body start="0" end="4"/><body start="0" end="2"/>');
  f.feed(`<message type="chat" from="bob@example.org/pc" id="g"><body>> q\n/me waves</body><reply xmlns="urn:xmpp:reply:0" id="t"/>
    <fallback xmlns="urn:xmpp:fallback:0" for="urn:xmpp:reply:0"><body start="0" end="4"/></fallback></message>`);
  f.feed(`<message type="chat" from="bob@example.org/pc" id="h"><body>x</body><reply xmlns="urn:xmpp:reply:0"/></message>`);
  const got = f.ctx.ofType('message').map((e) => [e.message.body, e.message.kind, e.message.replyTo]);
  assert.deepEqual(got, [
    ['> q\nbody', 'text', 't'],
    ['> q\nbody', 'text', 't'],
    ['> q\nbody', 'text', 't'],
    ['> q\nbody', 'text', 't'],
    ['> q\nbody', 'text', undefined],
    ['body', 'text', 't'],
    ['waves', 'action', 't'],
    ['x', 'text', undefined],
  ]);
});

test('a reply in a room names the room stanza-id of the answered message', () => {
  const f = inRoom();
  f.feed(`<message type="groupchat" from="${ROOM}/bob" id="x1"><body>me too</body><reply xmlns="urn:xmpp:reply:0" to="${ROOM}/carol" id="room-7"/>
    <stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="room-8"/></message>`);
  const [m] = f.ctx.ofType('message').map((e) => e.message);
  assert.deepEqual([m!.remoteId, m!.replyTo, m!.altIds], ['room-8', 'room-7', ['x1']]);
});

test('corrections and replies in the archive: the edit is queued after the messages, never a message itself', () => {
  const f = fixture();
  const q = f.session.mam.open(OWN, { historical: true });
  const res = (id: string, inner: string) =>
    f.feed(`<message to="${OWN}/natter.1"><result xmlns="urn:xmpp:mam:2" queryid="${q.id}" id="${id}"><forwarded xmlns="urn:xmpp:forward:0">
      <delay xmlns="urn:xmpp:delay" stamp="2026-11-19T08:00:00Z"/>${inner}</forwarded></result></message>`);
  res('A1', `<message type="chat" from="bob@example.org/pc" to="${OWN}" id="b1"><body>teh</body></message>`);
  res('A2', `<message type="chat" from="bob@example.org/pc" to="${OWN}" id="b2"><body>the</body><replace xmlns="urn:xmpp:message-correct:0" id="b1"/></message>`);
  assert.deepEqual(q.messages.map((m) => [m.remoteId, m.body, m.altIds]), [['A1', 'teh', ['b1']]]);
  assert.deepEqual(q.updates, [
    {
      type: 'message.update',
      conversationRemoteId: 'bob@example.org',
      targetRemoteId: 'b1',
      targetLocalId: 'b1',
      change: { kind: 'edit', body: 'the', editedAt: Date.parse('2026-11-19T08:00:00Z'), by: 'bob@example.org' },
    },
  ]);
});
