/**
 * Jingle Message Initiation (XEP-0353): call invitations shown as lines and a notice, their endings, spoofed endings
 * ignored, and copies from carbons and the archive deduplicated by their synthetic ids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, FULL, OWN } from './setup.js';
import { callsOf, ringingCallFrom } from '../../../adapters/xmpp/events/jingle-message.js';

const JMI = 'urn:xmpp:jingle-message:0';
const propose = (sid: string, from = 'bob@example.org/phone', media = ['audio']) =>
  `<message type="chat" from="${from}" to="${OWN}" id="p-${sid}"><propose xmlns="${JMI}" id="${sid}">${media
    .map((m) => `<description xmlns="urn:xmpp:jingle:apps:rtp:1" media="${m}"/>`)
    .join('')}</propose><store xmlns="urn:xmpp:hints"/></message>`;
const sentCarbon = (inner: string) =>
  `<message from="${OWN}" to="${FULL}"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">${inner}</forwarded></sent></message>`;

test('a propose is a line "X is calling (audio and video)" in the direct conversation, a notice, and a ringing call', () => {
  const f = fixture();
  f.feed(propose('call-1', 'bob@example.org/phone', ['video', 'audio']));
  const [line] = f.ctx.ofType('message');
  assert.equal(line?.message.body, 'bob@example.org is calling (audio and video)');
  assert.equal(line?.message.kind, 'event');
  assert.equal(line?.message.direction, 'in');
  assert.deepEqual(line?.message.conversation, { remoteId: 'bob@example.org', kind: 'direct', title: 'bob@example.org' });
  assert.equal(line?.message.remoteId, 'jmi:call-1:propose');
  const [notice] = f.ctx.ofType('notice');
  assert.match(notice!.text, /bob@example\.org is calling \(audio and video\).*\/reject-call/);
  const call = ringingCallFrom(f.session, 'bob@example.org');
  assert.equal(call?.peerFull, 'bob@example.org/phone');
  assert.equal(call?.sid, 'call-1');
});

test('the caller retracting is a missed call; a second copy adds nothing', () => {
  const f = fixture();
  f.feed(propose('c2'));
  f.feed(`<message type="chat" from="bob@example.org/phone" to="${OWN}"><retract xmlns="${JMI}" id="c2"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/phone" to="${OWN}"><retract xmlns="${JMI}" id="c2"/></message>`);
  const bodies = f.ctx.ofType('message').map((e) => e.message.body);
  assert.deepEqual(bodies, ['bob@example.org is calling (audio)', 'missed call from bob@example.org']);
  assert.equal(f.ctx.ofType('message')[1]?.message.remoteId, 'jmi:c2:end');
  assert.equal(ringingCallFrom(f.session, 'bob@example.org'), undefined);
});

test('another device of ours answering (proceed as a sent carbon, accept to the own bare JID) ends it once', () => {
  const f = fixture();
  f.feed(propose('c3'));
  f.feed(`<message type="chat" from="${OWN}/laptop" to="${OWN}"><accept xmlns="${JMI}" id="c3"/></message>`);
  f.feed(sentCarbon(`<message xmlns="jabber:client" type="chat" from="${OWN}/laptop" to="bob@example.org/phone"><proceed xmlns="${JMI}" id="c3"/></message>`));
  const msgs = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(msgs.length, 2);
  assert.equal(msgs[1]?.body, 'call answered on another device');
  assert.equal(msgs[1]?.direction, 'out');
  assert.equal(msgs[1]?.conversation.remoteId, 'bob@example.org');
});

test('another device declining (a reject carbon) ends the call as declined', () => {
  const f = fixture();
  f.feed(propose('c4'));
  f.feed(sentCarbon(`<message xmlns="jabber:client" type="chat" from="${OWN}/phone" to="bob@example.org/phone"><reject xmlns="${JMI}" id="c4"/></message>`));
  assert.equal(f.ctx.ofType('message')[1]?.message.body, 'call declined on another device');
});

test('spoofed endings: someone else retracting, or a stranger claiming to be our device, change nothing', () => {
  const f = fixture();
  f.feed(propose('c5'));
  f.feed(`<message type="chat" from="mallory@evil.example/x" to="${OWN}"><retract xmlns="${JMI}" id="c5"/></message>`);
  f.feed(`<message type="chat" from="mallory@evil.example/x" to="${OWN}"><propose xmlns="${JMI}" id="c5"/></message>`);
  f.feed(`<message from="mallory@evil.example" to="${FULL}"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">
    <message xmlns="jabber:client" type="chat" from="${OWN}/laptop" to="bob@example.org/phone"><proceed xmlns="${JMI}" id="c5"/></message></forwarded></sent></message>`);
  assert.equal(f.ctx.ofType('message').length, 1, 'only the genuine propose line');
  assert.equal(ringingCallFrom(f.session, 'bob@example.org')?.sid, 'c5', 'still ringing');
});

test('our own reject coming back to this session (the copy to the own bare JID) is not "another device"', () => {
  const f = fixture();
  f.feed(propose('c6'));
  f.feed(`<message type="chat" from="${FULL}" to="${OWN}"><reject xmlns="${JMI}" id="c6"/></message>`);
  assert.equal(f.ctx.ofType('message').length, 1);
});

test('malformed JMI (no id, giant id) is dropped without a line or a crash; unrelated payloads still reach chat', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/phone" to="${OWN}"><propose xmlns="${JMI}"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/phone" to="${OWN}"><propose xmlns="${JMI}" id="${'x'.repeat(5000)}"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/phone" to="${OWN}" id="t"><body>hi</body></message>`);
  assert.deepEqual(f.ctx.ofType('message').map((e) => e.message.body), ['hi']);
  assert.equal(callsOf(f.session).size, 0);
});

test('a delayed (offline) propose is history: a line but no notice and nothing ringing', () => {
  const f = fixture();
  f.feed(propose('c7').replace('</message>', '<delay xmlns="urn:xmpp:delay" stamp="2026-01-01T00:00:00Z"/></message>'));
  const [line] = f.ctx.ofType('message');
  assert.equal(line?.message.historical, true);
  assert.equal(line?.message.sentAt, Date.parse('2026-01-01T00:00:00Z'));
  assert.deepEqual(f.ctx.ofType('notice'), []);
  assert.equal(ringingCallFrom(f.session, 'bob@example.org'), undefined);
});

test('archive results: a propose and its retract become the same two lines, historical, never ringing', () => {
  const f = fixture();
  const q = f.session.mam.open(OWN, { historical: false });
  const result = (id: string, inner: string) =>
    `<message to="${FULL}"><result xmlns="urn:xmpp:mam:2" queryid="${q.id}" id="${id}"><forwarded xmlns="urn:xmpp:forward:0"><delay xmlns="urn:xmpp:delay" stamp="2026-01-01T00:00:00Z"/>${inner}</forwarded></result></message>`;
  f.feed(result('a1', propose('c8').replace('<message ', '<message xmlns="jabber:client" ')));
  f.feed(result('a2', `<message xmlns="jabber:client" type="chat" from="bob@example.org/phone" to="${OWN}"><retract xmlns="${JMI}" id="c8"/></message>`));
  assert.deepEqual(q.messages.map((m) => [m.remoteId, m.body, m.historical]), [
    ['jmi:c8:propose', 'bob@example.org is calling (audio)', true],
    ['jmi:c8:end', 'missed call from bob@example.org', true],
  ]);
  assert.deepEqual(f.ctx.ofType('notice'), []);
});
