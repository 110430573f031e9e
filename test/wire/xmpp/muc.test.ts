import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, OWN } from './setup.js';

const ROOM = 'room@muc.example.org';
const presence = (nick: string, item: string, codes: string[] = [], type?: string) =>
  `<presence from="${ROOM}/${nick}" to="${OWN}/natter.1"${type ? ` type="${type}"` : ''}><x xmlns="http://jabber.org/protocol/muc#user">${item}${codes.map((c) => `<status code="${c}"/>`).join('')}</x></presence>`;

function joined() {
  const f = fixture();
  f.session.rooms.add(ROOM, 'alice');
  f.feed(presence('bob', '<item affiliation="admin" role="moderator" jid="bob@example.org/pc"/>'));
  f.feed(presence('alice', '<item affiliation="owner" role="moderator"/>', ['110', '201']));
  return f;
}

test('join: occupants before our own presence make one full member list; a new room is unlocked (status 201)', () => {
  const f = joined();
  assert.deepEqual(f.unlocked, [ROOM]);
  assert.deepEqual(f.roomsJoined, [ROOM]);
  assert.deepEqual(f.ctx.ofType('conversation'), [{ type: 'conversation', conversation: { remoteId: ROOM, kind: 'group', title: 'room', joined: true } }]);
  assert.deepEqual(f.ctx.ofType('members'), [
    {
      type: 'members',
      conversationRemoteId: ROOM,
      replace: [
        { id: `${ROOM}/bob`, name: 'bob', role: 'admin', badge: '&', account: 'bob@example.org' },
        { id: `${ROOM}/alice`, name: 'alice', role: 'owner', badge: '~' },
      ],
    },
  ]);
});

test('a room we created counts as joined only once its unlock is answered; a session that ended meanwhile reports nothing', () => {
  const f = fixture();
  const pending: (() => void)[] = [];
  f.session.unlockRoom = (_room, then) => void pending.push(then);
  f.session.rooms.add(ROOM, 'alice');
  f.feed(presence('alice', '<item affiliation="owner" role="moderator"/>', ['110', '201']));
  assert.equal(pending.length, 1, 'the unlock was asked');
  assert.deepEqual(f.ctx.events, [], 'nothing reported while the room is locked');
  assert.deepEqual(f.roomsJoined, []);
  pending[0]!();
  assert.deepEqual(f.ctx.ofType('conversation'), [{ type: 'conversation', conversation: { remoteId: ROOM, kind: 'group', title: 'room', joined: true } }]);
  assert.deepEqual(f.ctx.ofType('members').map((e) => e.replace?.map((p) => p.name)), [['alice']]);
  assert.deepEqual(f.roomsJoined, [ROOM]);

  const g = fixture();
  const late: (() => void)[] = [];
  g.session.unlockRoom = (_room, then) => void late.push(then);
  g.session.rooms.add(ROOM, 'alice');
  g.feed(presence('alice', '<item affiliation="owner" role="moderator"/>', ['110', '201']));
  g.session.rooms.resetAll();
  late[0]!();
  assert.deepEqual(g.ctx.events, [], 'the answer after the session ended announces no join');
});

test('arrivals, role changes, nick changes and departures after the join', () => {
  const f = joined();
  const from = f.ctx.events.length;
  f.feed(presence('carol', '<item affiliation="none" role="visitor"/>'));
  f.feed(presence('carol', '<item affiliation="member" role="participant"/>'));
  f.feed(presence('carol', '<item affiliation="member" role="participant" nick="caz"/>', ['303'], 'unavailable'));
  f.feed(presence('bob', '<item affiliation="admin" role="none"/>', [], 'unavailable'));
  assert.deepEqual(f.ctx.events.slice(from), [
    { type: 'members', conversationRemoteId: ROOM, add: [{ id: `${ROOM}/carol`, name: 'carol', role: 'guest' }] },
    // A role or affiliation change of a known occupant is also an event line in the room (room-moderation.ts).
    { type: 'message', message: { conversation: { remoteId: ROOM, kind: 'group' }, senderId: ROOM, senderName: ROOM, direction: 'in', kind: 'event', body: 'carol is now a member and a participant' } },
    { type: 'members', conversationRemoteId: ROOM, remove: [`${ROOM}/carol`], add: [{ id: `${ROOM}/carol`, name: 'carol', role: 'member' }] },
    { type: 'members', conversationRemoteId: ROOM, rename: { from: `${ROOM}/carol`, to: `${ROOM}/caz` } },
    { type: 'members', conversationRemoteId: ROOM, remove: [`${ROOM}/bob`] },
  ]);
});

test('our own nick change: rename, the room knows us by the new nick, and the new presence adds nothing', () => {
  const f = joined();
  const from = f.ctx.events.length;
  f.feed(presence('alice', '<item affiliation="owner" role="moderator" nick="ally"/>', ['110', '303'], 'unavailable'));
  f.feed(presence('ally', '<item affiliation="owner" role="moderator"/>', ['110']));
  assert.deepEqual(f.ctx.events.slice(from), [{ type: 'members', conversationRemoteId: ROOM, rename: { from: `${ROOM}/alice`, to: `${ROOM}/ally` } }]);
  assert.equal(f.session.rooms.get(ROOM)!.nick, 'ally');
  f.feed(`<message type="groupchat" from="${ROOM}/ally"><body>me again</body></message>`);
  assert.equal(f.ctx.ofType('message')[0]!.message.direction, 'out');
});

test('subject is the topic; messages carry the room stanza-id; our reflection settles the send without a copy', async () => {
  const f = joined();
  f.feed(`<message type="groupchat" from="${ROOM}/bob"><subject>today: \u001b[5mtests</subject></message>`);
  f.feed(`<message type="groupchat" from="${ROOM}/bob" id="b1"><body>hello alice</body>
    <stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="room-1"/><stanza-id xmlns="urn:xmpp:sid:0" by="bob@example.org" id="fake"/></message>`);
  const pending = f.session.outgoing.track('loc-9', ROOM);
  f.feed(`<message type="groupchat" from="${ROOM}/alice" id="loc-9"><body>hi</body><origin-id xmlns="urn:xmpp:sid:0" id="loc-9"/>
    <stanza-id xmlns="urn:xmpp:sid:0" by="${ROOM}" id="room-2"/></message>`);
  assert.deepEqual(await pending, { remoteId: 'room-2', state: 'sent' });
  assert.deepEqual(f.roomArchiveIds, [`${ROOM} room-1`, `${ROOM} room-2`], 'only ids the room set, for the catch-up marker');
  assert.deepEqual(f.ctx.ofType('conversation').at(-1), { type: 'conversation', conversation: { remoteId: ROOM, kind: 'group', topic: 'today: \u001b[5mtests' } });
  const msgs = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(msgs.length, 1);
  assert.deepEqual([msgs[0]!.remoteId, msgs[0]!.senderName, msgs[0]!.mentionsMe, msgs[0]!.historical], ['room-1', 'bob', true, undefined]);
});

test('room history on join is historical; our own message from elsewhere is out with its origin-id', () => {
  const f = joined();
  f.feed(`<message type="groupchat" from="${ROOM}/bob"><body>earlier</body><delay xmlns="urn:xmpp:delay" stamp="2026-11-18T12:00:00Z" from="${ROOM}"/></message>`);
  f.feed(`<message type="groupchat" from="${ROOM}/alice"><body>from my phone</body><origin-id xmlns="urn:xmpp:sid:0" id="phone-1"/></message>`);
  const [old, mine] = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(old!.historical, true);
  assert.equal(old!.sentAt, Date.parse('2026-11-18T12:00:00Z'));
  assert.equal(mine!.direction, 'out');
  assert.equal(mine!.localId, 'phone-1');
});

test('messages and presence of rooms we are not in are ignored; kicks are shown and leave the room', () => {
  const f = joined();
  f.feed(`<message type="groupchat" from="other@muc.example.org/bob"><body>not joined</body></message>`);
  f.feed(`<message type="groupchat" from="${ROOM}"><subject/></message>`);
  f.feed(presence('alice', '<item affiliation="none" role="none"/>', ['110', '307'], 'unavailable'));
  // Only the kick line: nothing from the room we are not in.
  assert.deepEqual(f.ctx.ofType('message').map((e) => [e.message.kind, e.message.body]), [['event', 'you were kicked']]);
  assert.deepEqual(f.ctx.ofType('notice'), [{ type: 'notice', level: 'warn', text: `kicked from ${ROOM}` }]);
  assert.deepEqual(f.ctx.ofType('conversation').at(-1), { type: 'conversation', conversation: { remoteId: ROOM, kind: 'group', joined: false } });
  assert.equal(f.session.rooms.get(ROOM), undefined);
});

test('a join error (wrong password) is a notice in plain words and the room is dropped; errors outside a join are not', () => {
  const f = fixture();
  f.session.rooms.add(ROOM, 'alice').joining = true;
  f.feed(`<presence type="error" from="${ROOM}/alice"><error type="auth"><not-authorized xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></presence>`);
  assert.deepEqual(f.ctx.ofType('notice'), [{ type: 'notice', level: 'error', text: `cannot join ${ROOM}: the room is password-protected and the password is missing or wrong (/join <room> <password>)` }]);
  assert.equal(f.session.rooms.get(ROOM), undefined);
  const g = joined();
  g.feed(`<presence type="error" from="${ROOM}/alice"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></presence>`);
  assert.deepEqual(g.ctx.ofType('notice'), []);
  assert.equal(g.session.rooms.get(ROOM)?.joined, true);
});

test('leaving then joining again quickly: the join is sent once the leave is confirmed', () => {
  const f = joined();
  const room = f.session.rooms.get(ROOM)!;
  room.leaving = true;
  room.rejoin = true;
  f.feed(presence('alice', '<item affiliation="owner" role="none"/>', ['110'], 'unavailable'));
  assert.deepEqual(f.rejoined, [ROOM]);
  assert.equal(f.session.rooms.get(ROOM)?.leaving, false);
});

test('chat states in a room name the occupant by nick; our own are ignored', () => {
  const f = joined();
  f.feed(`<message type="groupchat" from="${ROOM}/bob"><composing xmlns="http://jabber.org/protocol/chatstates"/><no-store xmlns="urn:xmpp:hints"/></message>`);
  f.feed(`<message type="groupchat" from="${ROOM}/alice"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`);
  assert.deepEqual(f.ctx.ofType('typing'), [{ type: 'typing', conversationRemoteId: ROOM, senderId: 'bob', active: true }]);
  assert.equal(f.ctx.ofType('message').length, 0);
});

test('a service shutdown (status 332) leaves the room for now but keeps it to join again', () => {
  const f = joined();
  f.feed(presence('alice', '<item affiliation="owner" role="none"/>', ['110', '332'], 'unavailable'));
  assert.deepEqual(f.ctx.ofType('conversation').at(-1), { type: 'conversation', conversation: { remoteId: ROOM, kind: 'group', joined: false } });
  assert.equal(f.session.rooms.get(ROOM)?.joined, false, 'still known, to be joined again');
});
