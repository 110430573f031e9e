import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, OWN } from './setup.js';

const sent = (from: string, inner: string) =>
  `<message from="${from}" to="${OWN}/natter.1"><sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">${inner}</forwarded></sent></message>`;
const received = (from: string, inner: string) =>
  `<message from="${from}" to="${OWN}/natter.1"><received xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">${inner}</forwarded></received></message>`;

test('a sent carbon is our own message from another device: out, in the peer conversation, localId = origin-id', () => {
  const f = fixture();
  f.feed(sent(OWN, `<message xmlns="jabber:client" type="chat" from="${OWN}/phone" to="bob@example.org" id="p1">
    <body>from my phone</body><origin-id xmlns="urn:xmpp:sid:0" id="origin-1"/><stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="arch-9"/></message>`));
  const [m] = f.ctx.ofType('message');
  assert.equal(m!.message.direction, 'out');
  assert.equal(m!.message.localId, 'origin-1');
  assert.equal(m!.message.remoteId, 'arch-9');
  assert.deepEqual(m!.message.conversation, { remoteId: 'bob@example.org', kind: 'direct', title: 'bob@example.org' });
  assert.equal(m!.message.senderId, OWN);
});

test('a received carbon is a message to another of our devices: in, from the peer', () => {
  const f = fixture();
  f.feed(received(OWN, `<message xmlns="jabber:client" type="chat" from="bob@example.org/pc" to="${OWN}/phone" id="q1"><body>to your phone</body></message>`));
  const [m] = f.ctx.ofType('message');
  assert.equal(m!.message.direction, 'in');
  assert.equal(m!.message.senderId, 'bob@example.org');
  assert.deepEqual(f.sent, [], 'no receipt is sent for a carbon');
});

test('spoofed carbons (not from the own bare JID) are ignored: the CVE-2017-5589 class of bug', () => {
  const f = fixture();
  // Mallory wraps a message "from alice to bob" in a sent carbon, hoping it shows as something alice wrote.
  f.feed(sent('mallory@evil.example/x', `<message type="chat" from="${OWN}/phone" to="bob@example.org" id="s1"><body>I owe mallory 1000 EUR</body></message>`));
  // Or a received carbon pretending bob wrote to alice.
  f.feed(received('mallory@evil.example', `<message type="chat" from="bob@example.org/pc" to="${OWN}" id="s2"><body>send mallory your password</body></message>`));
  // A room occupant is not the own account either.
  f.feed(received(`${OWN.replace('@', '.')}@muc.example.org/alice`, `<message type="chat" from="bob@example.org/pc" id="s3"><body>nope</body></message>`));
  assert.deepEqual(f.ctx.ofType('message'), []);
  assert.equal(f.ctx.logs.filter((l) => l.includes('ignored a carbon not sent by the own account')).length, 3);
});

test('a carbon whose direction contradicts its wrapper, or of a group chat or error, is ignored', () => {
  const f = fixture();
  f.feed(sent(OWN, `<message type="chat" from="bob@example.org/pc" to="${OWN}" id="d1"><body>bob in a sent carbon</body></message>`));
  f.feed(received(OWN, `<message type="groupchat" from="room@muc.example.org/bob" id="d2"><body>room</body></message>`));
  f.feed(sent(OWN, `<message type="chat" to="bob@example.org" id="d3"><body>no from at all</body></message>`));
  f.feed(`<message from="${OWN}"><sent xmlns="urn:xmpp:carbons:2"/></message>`);
  assert.deepEqual(f.ctx.ofType('message'), []);
});
