import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SendRejected } from '../../../src/core/contract.js';
import { fixture, OWN } from './setup.js';

test('live chat: the own server stanza-id is the remote id; delay gives the server time; the receipt is answered', () => {
  const f = fixture();
  f.feed(`<message xmlns="jabber:client" type="chat" from="Bob@Example.org/phone" to="${OWN}/natter.1" id="m1">
    <body>hi alice</body><request xmlns="urn:xmpp:receipts"/>
    <stanza-id xmlns="urn:xmpp:sid:0" by="${OWN}" id="arch-1"/>
    <delay xmlns="urn:xmpp:delay" stamp="2026-11-20T10:00:00Z"/>
  </message>`);
  const [m] = f.ctx.ofType('message');
  assert.deepEqual(m!.message, {
    conversation: { remoteId: 'bob@example.org', kind: 'direct', title: 'bob@example.org' },
    remoteId: 'arch-1',
    altIds: ['m1'],
    senderId: 'bob@example.org',
    senderName: 'bob@example.org',
    direction: 'in',
    kind: 'text',
    body: 'hi alice',
    sentAt: Date.parse('2026-11-20T10:00:00Z'),
    ext: { xmppId: 'm1' },
  });
  assert.deepEqual(f.sent, ['<message to="Bob@Example.org/phone" id="r-m1"><received xmlns="urn:xmpp:receipts" id="m1"/></message>']);
  assert.deepEqual(f.archiveIds, ['arch-1']);
});

test('a stanza-id set by anyone but the own server is ignored (XEP-0359 §5): the message id is used', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/x" id="m2"><body>x</body>
    <stanza-id xmlns="urn:xmpp:sid:0" by="bob@example.org" id="forged"/></message>`);
  assert.equal(f.ctx.ofType('message')[0]!.message.remoteId, 'm2');
  assert.deepEqual(f.archiveIds, []);
});

test('/me is an action; messages without body, from, or with a broken from are dropped quietly', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/x" id="a"><body>/me waves</body></message>`);
  f.feed(`<message type="chat" from="bob@example.org/x" id="b"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`);
  f.feed(`<message type="chat" id="c"><body>no from</body></message>`);
  f.feed(`<message type="chat" from="a@b@c" id="d"><body>bad from</body></message>`);
  f.feed(`<message type="chat" from="bob@example.org/x"><body>unknown <x xmlns="urn:example:weird"/></body><weird xmlns="urn:nope"/></message>`);
  const msgs = f.ctx.ofType('message').map((e) => e.message);
  assert.deepEqual(msgs.map((m) => [m.kind, m.body]), [['action', 'waves'], ['text', 'unknown ']]);
  assert.equal(msgs[1]!.remoteId, undefined, 'no id at all: the engine falls back to its hash');
});

test('escape sequences and huge bodies are passed raw (the engine sanitizes) without crashing', () => {
  const f = fixture();
  const huge = 'A'.repeat(1_000_000);
  // XML 1.0 cannot carry ESC or BEL at all (a server would not relay them; the parser refuses them), but 8-bit C1
  // controls (CSI U+009B, OSC U+009D, ST U+009C) and bidi overrides are valid XML characters.
  f.feed(`<message type="chat" from="evil@example.org/x" id="e1"><body>\u009d0;pwned\u009c\u009b2J\u009b31m\u202eevil</body></message>`);
  f.feed(`<message type="chat" from="evil@example.org/x" id="e2"><body>${huge}</body></message>`);
  const msgs = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(msgs[0]!.body, '\u009d0;pwned\u009c\u009b2J\u009b31m\u202eevil');
  assert.equal(msgs[1]!.body.length, 1_000_000);
  assert.throws(() => f.feed(`<message type="chat" from="evil@example.org/x"><body>&#x1b;[2J</body></message>`), /Illegal XML character/);
  assert.equal(f.ctx.ofType('message').length, 2);
});

test('receipts from the peer mark our message delivered; receipts "from" ourselves are ignored', () => {
  const f = fixture();
  f.feed(`<message from="bob@example.org/x" id="r"><received xmlns="urn:xmpp:receipts" id="local-1"/></message>`);
  f.feed(`<message from="${OWN}/other" id="r2"><received xmlns="urn:xmpp:receipts" id="local-2"/></message>`);
  assert.deepEqual(f.ctx.ofType('message.update'), [
    { type: 'message.update', conversationRemoteId: 'bob@example.org', targetRemoteId: 'local-1', targetLocalId: 'local-1', change: { kind: 'delivery', state: 'delivered' } },
  ]);
  assert.deepEqual(f.sent, [], 'a receipt is never answered with a receipt');
});

test('an error bounce rejects the pending send with the reason in plain words; a late one marks it failed', async () => {
  const f = fixture();
  const pending = f.session.outgoing.track('out-1');
  f.feed(`<message type="error" from="nobody@example.org" id="out-1"><error type="cancel">
    <service-unavailable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`);
  await assert.rejects(pending, (e: unknown) => e instanceof SendRejected && e.reason === 'service unavailable' && !e.retryable);
  f.feed(`<message type="error" from="nobody@example.org" id="out-0"><error type="wait">
    <resource-constraint xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">slow down</text></error></message>`);
  assert.deepEqual(f.ctx.ofType('message.update')[0]!.change, { kind: 'delivery', state: 'failed', reason: 'resource constraint: slow down' });
});

test('contact presence: away states and status text; room presence is not contact presence', () => {
  const f = fixture();
  f.feed(`<presence from="bob@example.org/x"><show>dnd</show><status>busy</status></presence>`);
  f.feed(`<presence from="carol@example.org/y"/>`);
  f.feed(`<presence from="carol@example.org/y" type="unavailable"/>`);
  f.feed(`<presence from="room@muc.example.org/z"><x xmlns="http://jabber.org/protocol/muc#user"><item affiliation="none" role="participant"/></x></presence>`);
  f.feed(`<presence from="dave@example.org" type="subscribe"/>`);
  f.feed(`<presence from="${OWN}/phone" type="subscribe"/>`);
  assert.deepEqual(f.ctx.ofType('notice'), [{ type: 'notice', level: 'info', text: 'dave@example.org wants to see your presence: /accept dave@example.org or /deny dave@example.org' }]);
  assert.deepEqual(f.ctx.ofType('presence'), [
    { type: 'presence', senderId: 'bob@example.org', away: true, status: 'busy' },
    { type: 'presence', senderId: 'carol@example.org', away: false },
    { type: 'presence', senderId: 'carol@example.org', away: true },
  ]);
});

test('chat states: composing and paused from the peer are typing; states in carbons or archive results are not', () => {
  const f = fixture();
  f.feed(`<message type="chat" from="bob@example.org/pc"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`);
  f.feed(`<message type="chat" from="bob@example.org/pc"><paused xmlns="http://jabber.org/protocol/chatstates"/></message>`);
  f.feed(`<message from="${OWN}"><received xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">
    <message type="chat" from="carol@example.org/x"><composing xmlns="http://jabber.org/protocol/chatstates"/></message></forwarded></received></message>`);
  f.feed(`<message type="chat" from="${OWN}/phone"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>`);
  assert.deepEqual(f.ctx.ofType('typing'), [
    { type: 'typing', conversationRemoteId: 'bob@example.org', senderId: 'bob@example.org', active: true },
    { type: 'typing', conversationRemoteId: 'bob@example.org', senderId: 'bob@example.org', active: false },
  ]);
});
