import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, OWN } from './setup.js';

const result = (from: string | undefined, queryid: string, id: string, inner: string, stamp = '2026-11-19T08:00:00Z') =>
  `<message ${from ? `from="${from}"` : ''} to="${OWN}/natter.1"><result xmlns="urn:xmpp:mam:2" queryid="${queryid}" id="${id}">
    <forwarded xmlns="urn:xmpp:forward:0"><delay xmlns="urn:xmpp:delay" stamp="${stamp}"/>${inner}</forwarded></result></message>`;

test('own archive results: taken for our query, from our bare JID or without from; historical, with archive ids', () => {
  const f = fixture();
  const q = f.session.mam.open(OWN, { historical: true });
  f.feed(result(OWN, q.id, 'A1', `<message type="chat" from="bob@example.org/pc" to="${OWN}"><body>old one</body></message>`));
  f.feed(result(undefined, q.id, 'A2', `<message type="chat" from="${OWN}/phone" to="bob@example.org" id="x"><body>mine</body><origin-id xmlns="urn:xmpp:sid:0" id="loc-7"/></message>`));
  assert.deepEqual(q.messages.map((m) => [m.remoteId, m.direction, m.body, m.historical, m.sentAt]), [
    ['A1', 'in', 'old one', true, Date.parse('2026-11-19T08:00:00Z')],
    ['A2', 'out', 'mine', true, Date.parse('2026-11-19T08:00:00Z')],
  ]);
  assert.equal(q.messages[1]!.localId, 'loc-7');
  assert.equal(q.lastId, 'A2');
  assert.deepEqual(f.ctx.ofType('message'), [], 'results are returned by the query, not emitted live');
});

test('forged archive results are dropped: wrong sender, unknown queryid, or a room answering for the own archive', () => {
  const f = fixture();
  const q = f.session.mam.open(OWN, { historical: true });
  const inner = `<message type="chat" from="bob@example.org/pc" to="${OWN}"><body>forged</body></message>`;
  f.feed(result('mallory@evil.example', q.id, 'F1', inner));
  f.feed(result('bob@example.org', q.id, 'F2', inner));
  f.feed(result(OWN, 'not-a-query-of-ours', 'F3', inner));
  const room = f.session.mam.open('room@muc.example.org', { room: 'room@muc.example.org', historical: true });
  f.feed(result(OWN, room.id, 'F4', `<message type="groupchat" from="room@muc.example.org/bob"><body>forged</body></message>`));
  f.feed(result('other@muc.example.org', room.id, 'F5', `<message type="groupchat" from="other@muc.example.org/bob"><body>forged</body></message>`));
  assert.deepEqual(q.messages, []);
  assert.deepEqual(room.messages, []);
  assert.deepEqual(f.ctx.ofType('message'), [], 'a result is never taken as a live message');
});

test('room archive results: sender is the occupant (ours the own bare JID), our nick is out, the room archive id is the remote id', () => {
  const f = fixture();
  const r = f.session.rooms.add('room@muc.example.org', 'alice');
  r.joined = true;
  const q = f.session.mam.open(r.jid, { room: r.jid, historical: true });
  f.feed(result(r.jid, q.id, 'R1', `<message type="groupchat" from="room@muc.example.org/bob"><body>hi all</body></message>`));
  f.feed(result(r.jid, q.id, 'R2', `<message type="groupchat" from="room@muc.example.org/alice" id="o"><body>hi bob</body><origin-id xmlns="urn:xmpp:sid:0" id="loc-1"/></message>`));
  f.feed(result(r.jid, q.id, 'R3', `<message type="groupchat" from="elsewhere@muc.example.org/bob"><body>not this room</body></message>`));
  assert.deepEqual(q.messages.map((m) => [m.remoteId, m.senderId, m.direction, m.localId]), [
    ['R1', 'room@muc.example.org/bob', 'in', undefined],
    ['R2', OWN, 'out', 'loc-1'],
  ]);
});
