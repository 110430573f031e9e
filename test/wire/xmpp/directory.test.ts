/**
 * Wire fixtures for the account directory: invitations (XEP-0249, XEP-0045 §7.8.2), bookmark notifications
 * (XEP-0402) and storage (XEP-0048), roster items and pushes (RFC 6121), caps (XEP-0115) and disco answers
 * (XEP-0030), and moderation lines in rooms (XEP-0045 §8–§9). Stanzas go through observeStanza (what connection.ts
 * calls before the event handlers) or the room presence handler.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import parse from '@xmpp/xml/lib/parse.js';
import { publish402, readBookmarkPush, readStorage0048, storage0048 } from '../../../adapters/xmpp/bookmarks.js';
import { capsElement, capsVer, discoInfoReply, FEATURES, ownVer, supports } from '../../../adapters/xmpp/disco.js';
import { readInvitation } from '../../../adapters/xmpp/invitations.js';
import { observeStanza } from '../../../adapters/xmpp/observe.js';
import { readOptions } from '../../../adapters/xmpp/options.js';
import { rosterLines } from '../../../adapters/xmpp/roster.js';
import { XmppState } from '../../../adapters/xmpp/state.js';
import { recordingContext, type RecordingContext } from '../../harness/irc-context.js';
import { fixture, OWN } from './setup.js';

const ROOM = 'room@muc.example.org';

function state(): { s: XmppState; ctx: RecordingContext; feed(xml: string): boolean } {
  const s = new XmppState();
  const ctx = recordingContext({ jid: OWN });
  s.ctx = ctx;
  s.log = ctx.log;
  s.opts = readOptions({ jid: OWN });
  return { s, ctx, feed: (xml) => observeStanza(s, parse(xml)) };
}

test('direct invitation (XEP-0249): a conversation with invitedBy, password and reason in ext, and a notice', () => {
  const { s, ctx, feed } = state();
  const consumed = feed(`<message from="bob@example.org/phone" to="${OWN}"><x xmlns="jabber:x:conference" jid="${ROOM}" password="pw" reason="come \u001b[31min"/></message>`);
  assert.equal(consumed, true, 'not shown as a chat message');
  assert.deepEqual(ctx.events, [
    {
      type: 'conversation',
      conversation: { remoteId: ROOM, kind: 'group', title: 'room', joined: false, invitedBy: 'bob@example.org', ext: { xmppInvite: { mediated: false, reason: 'come \u001b[31min', password: 'pw' } } },
    },
    { type: 'notice', level: 'info', text: `bob@example.org invites you to ${ROOM}: come \u001b[31min (/join to accept, /decline to refuse)` },
  ]);
  assert.equal(JSON.parse(ctx.kv.get(`invite:${ROOM}`)!).password, 'pw', 'kept for a decline after a restart');
  assert.equal(s.directory.invites.get(ROOM)?.from, 'bob@example.org');
});

test('mediated invitation (XEP-0045 §7.8.2) from the room; a decline of ours is a notice', () => {
  const { ctx, feed } = state();
  feed(`<message from="${ROOM}" to="${OWN}"><x xmlns="http://jabber.org/protocol/muc#user"><invite from="bob@example.org/pc"><reason>hi</reason></invite><password>s</password></x><body>bob invites you</body></message>`);
  const conv = ctx.ofType('conversation')[0]!.conversation;
  assert.deepEqual([conv.remoteId, conv.invitedBy, conv.ext], [ROOM, 'bob@example.org', { xmppInvite: { mediated: true, reason: 'hi', password: 's' } }]);
  feed(`<message from="${ROOM}" to="${OWN}"><x xmlns="http://jabber.org/protocol/muc#user"><decline from="carol@example.org"><reason>busy</reason></decline></x></message>`);
  assert.deepEqual(ctx.ofType('notice').at(-1), { type: 'notice', level: 'info', text: `carol@example.org declined your invitation to ${ROOM}: busy` });
});

test('not invitations: group chat, an occupant posing as the room, our own, a room JID without local part', () => {
  assert.equal(readInvitation(OWN, parse(`<message type="groupchat" from="${ROOM}"><x xmlns="jabber:x:conference" jid="${ROOM}"/></message>`)), undefined);
  assert.equal(readInvitation(OWN, parse(`<message from="${ROOM}/mallory"><x xmlns="http://jabber.org/protocol/muc#user"><invite from="bob@example.org"/></x></message>`)), undefined);
  assert.equal(readInvitation(OWN, parse(`<message from="${OWN}/other"><x xmlns="jabber:x:conference" jid="${ROOM}"/></message>`)), undefined);
  assert.equal(readInvitation(OWN, parse(`<message from="bob@example.org"><x xmlns="jabber:x:conference" jid="muc.example.org"/></message>`)), undefined);
  const { ctx, feed } = state();
  assert.equal(feed(`<message from="bob@example.org" type="chat"><body>hello</body></message>`), false, 'plain chat goes on to the handlers');
  assert.deepEqual(ctx.events, []);
});

test('bookmark notifications (XEP-0402): only from the own account; items and retractions', () => {
  const push = `<message from="${OWN}" type="headline"><event xmlns="http://jabber.org/protocol/pubsub#event"><items node="urn:xmpp:bookmarks:1">
    <item id="${ROOM}"><conference xmlns="urn:xmpp:bookmarks:1" name="The Room" autojoin="true"><nick>ally</nick><password>pw</password></conference></item>
    <item id="not a jid"><conference xmlns="urn:xmpp:bookmarks:1" autojoin="true"/></item>
    <retract id="old@muc.example.org"/></items></event></message>`;
  assert.deepEqual(readBookmarkPush(OWN, parse(push)), {
    set: [{ jid: ROOM, autojoin: true, name: 'The Room', nick: 'ally', password: 'pw' }],
    retract: ['old@muc.example.org'],
  });
  assert.deepEqual(readBookmarkPush(OWN, parse(push.replace(`from="${OWN}"`, 'from="mallory@evil.example"'))), { set: [], retract: [] }, 'forged: ignored');
  assert.equal(readBookmarkPush(OWN, parse(`<message from="${OWN}"><event xmlns="http://jabber.org/protocol/pubsub#event"><items node="urn:xmpp:avatar:metadata"/></event></message>`)), undefined);
  const { s, feed } = state();
  assert.equal(feed(push), true);
  // Offline: remembered, joined at the next login (loadBookmarks), nothing joined now.
  assert.deepEqual(s.directory.bookmarks.get(ROOM), { jid: ROOM, autojoin: true, name: 'The Room', nick: 'ally', password: 'pw' });
  assert.equal(s.rooms.get(ROOM), undefined);
});

test('bookmark writes: XEP-0402 publish with the §4 publish-options; XEP-0048 storage round trip', () => {
  const b = { jid: ROOM, autojoin: true, name: 'R', nick: 'ally' };
  const p = publish402(b).toString();
  assert.match(p, /<publish node="urn:xmpp:bookmarks:1"><item id="room@muc.example.org"><conference xmlns="urn:xmpp:bookmarks:1" autojoin="true" name="R"><nick>ally<\/nick><\/conference><\/item><\/publish>/);
  for (const f of ['pubsub#persist_items', 'pubsub#access_model', 'pubsub#max_items', 'pubsub#send_last_published_item']) assert.ok(p.includes(`var="${f}"`), f);
  assert.match(p, /<field var="pubsub#access_model"><value>whitelist<\/value><\/field>/);
  const storage = storage0048([b, { jid: 'other@muc.example.org', autojoin: false }]);
  assert.deepEqual(readStorage0048(parse(storage.toString())), [b, { jid: 'other@muc.example.org', autojoin: false }]);
  assert.deepEqual(readStorage0048(parse(`<storage xmlns="storage:bookmarks"><conference jid="x@y" autojoin="1"/><conference jid="bad"/><url url="http://x"/></storage>`)), [
    { jid: 'x@y', autojoin: true },
  ]);
});

test('caps ver (XEP-0115 §5.2 example) and our disco answer, also for node#ver', () => {
  const ver = capsVer([{ category: 'client', type: 'pc', name: 'Exodus 0.9.1' }], [
    'http://jabber.org/protocol/caps',
    'http://jabber.org/protocol/disco#info',
    'http://jabber.org/protocol/disco#items',
    'http://jabber.org/protocol/muc',
  ]);
  assert.equal(ver, 'QgayPKawpkPSDYmwT/WM94uAlu0=');
  const c = capsElement();
  assert.equal(c.attrs.ver, ownVer());
  const answer = discoInfoReply(`${c.attrs.node}#${c.attrs.ver}`);
  assert.equal(answer.attrs.node, `${c.attrs.node}#${c.attrs.ver}`);
  const features = answer.getChildren('feature').map((f) => String(f.attrs.var));
  assert.deepEqual(new Set(features), FEATURES);
  assert.ok(features.includes('urn:xmpp:bookmarks:1+notify'));
  assert.equal(capsVer([{ category: 'client', type: 'console', name: 'natter' }], features), c.attrs.ver, 'the answer hashes to what we advertise');
  assert.equal(discoInfoReply('https://elsewhere#x').name, 'error');
});

test('caps of contacts: known features by ver from kv; unknown stays undefined; unavailable forgets the resource', () => {
  const { s, ctx, feed } = state();
  ctx.kv.set('caps:abc=', JSON.stringify(['urn:xmpp:receipts']));
  feed(`<presence from="bob@example.org/phone"><c xmlns="http://jabber.org/protocol/caps" hash="sha-1" node="https://c.example" ver="abc="/></presence>`);
  assert.equal(supports(s, 'bob@example.org/phone', 'urn:xmpp:receipts'), true);
  assert.equal(supports(s, 'bob@example.org', 'urn:xmpp:receipts'), true, 'a bare JID: any resource');
  assert.equal(supports(s, 'bob@example.org', 'urn:xmpp:chat-markers:0'), false);
  assert.equal(supports(s, 'carol@example.org', 'urn:xmpp:receipts'), undefined);
  feed(`<presence type="unavailable" from="bob@example.org/phone"/>`);
  assert.equal(supports(s, 'bob@example.org', 'urn:xmpp:receipts'), undefined);
});

test('roster pushes only from the own account; /roster lists groups, presence and subscription', () => {
  const { s, ctx, feed } = state();
  feed(`<iq type="set" id="p1" from="mallory@evil.example"><query xmlns="jabber:iq:roster"><item jid="evil@evil.example" subscription="both"><group>Pwned</group></item></query></iq>`);
  assert.equal(s.directory.roster.size, 0, 'forged push ignored');
  feed(`<iq type="set" id="p2"><query xmlns="jabber:iq:roster"><item jid="Bob@Example.org" name="Bob" subscription="both"><group>Friends</group><group>Work</group></item></query></iq>`);
  feed(`<iq type="set" id="p3" from="${OWN}"><query xmlns="jabber:iq:roster"><item jid="carol@example.org" subscription="none" ask="subscribe"/></query></iq>`);
  assert.deepEqual(ctx.events, [{ type: 'conversation', conversation: { remoteId: 'bob@example.org', kind: 'direct', title: 'Bob', parentId: 'Friends' } }]);
  feed(`<presence from="bob@example.org/pc"><show>away</show><status>lunch</status></presence>`);
  feed(`<presence from="bob@example.org/phone"/>`);
  assert.deepEqual(rosterLines(s), [
    'roster: 2 contacts',
    'Friends:',
    '  Bob <bob@example.org> — online (mutual)',
    'Work:',
    '  Bob <bob@example.org> — online (mutual)',
    'no group:',
    '  carol@example.org — offline (no subscription, request pending)',
  ]);
  feed(`<presence type="unavailable" from="bob@example.org/phone"/>`);
  assert.equal(rosterLines(s)[2], '  Bob <bob@example.org> — away: “lunch” (mutual)');
  feed(`<iq type="set" id="p4"><query xmlns="jabber:iq:roster"><item jid="carol@example.org" subscription="remove"/></query></iq>`);
  assert.equal(s.directory.roster.has('carol@example.org'), false);
});

const presence = (nick: string, item: string, codes: string[] = [], type?: string) =>
  `<presence from="${ROOM}/${nick}" to="${OWN}/natter.1"${type ? ` type="${type}"` : ''}><x xmlns="http://jabber.org/protocol/muc#user">${item}${codes.map((c) => `<status code="${c}"/>`).join('')}</x></presence>`;

test('kicks, bans and role changes are event lines with the actor and reason', () => {
  const f = fixture();
  f.session.rooms.add(ROOM, 'alice');
  f.feed(presence('bob', '<item affiliation="none" role="participant"/>'));
  f.feed(presence('carol', '<item affiliation="none" role="participant"/>'));
  f.feed(presence('alice', '<item affiliation="owner" role="moderator"/>', ['110']));
  f.feed(presence('bob', '<item affiliation="none" role="moderator"><actor nick="alice"/><reason>trusted</reason></item>'));
  f.feed(presence('bob', '<item affiliation="none" role="none"><actor nick="alice"/><reason>spam</reason></item>', ['307'], 'unavailable'));
  f.feed(presence('carol', '<item affiliation="outcast" role="none"><actor jid="alice@example.org"/></item>', ['301'], 'unavailable'));
  const lines = f.ctx.ofType('message').map((e) => [e.message.kind, e.message.senderId, e.message.body]);
  assert.deepEqual(lines, [
    ['event', ROOM, 'bob is now a moderator by alice: trusted'],
    ['event', ROOM, 'bob was kicked by alice: spam'],
    ['event', ROOM, 'carol was banned by alice@example.org'],
  ]);
  assert.deepEqual(f.ctx.ofType('members').slice(-2).map((e) => e.remove), [[`${ROOM}/bob`], [`${ROOM}/carol`]]);
  // We are banned ourselves: the line, the notice, and the room is gone.
  f.feed(presence('alice', '<item affiliation="outcast" role="none"><reason>bye</reason></item>', ['110', '301'], 'unavailable'));
  assert.equal(f.ctx.ofType('message').at(-1)!.message.body, 'you were banned: bye');
  assert.deepEqual(f.ctx.ofType('notice').at(-1), { type: 'notice', level: 'warn', text: `banned from ${ROOM}` });
  assert.equal(f.session.rooms.get(ROOM), undefined);
});

test('join refusals in plain words: banned, members-only, nick in use', () => {
  for (const [condition, words] of [
    ['forbidden', 'you are banned from this room'],
    ['registration-required', 'the room is members-only and you are not a member'],
    ['conflict', 'your nickname is already in use there'],
  ] as const) {
    const f = fixture();
    f.session.rooms.add(ROOM, 'alice').joining = true;
    f.feed(`<presence type="error" from="${ROOM}/alice"><error type="auth"><${condition} xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></presence>`);
    assert.deepEqual(f.ctx.ofType('notice'), [{ type: 'notice', level: 'error', text: `cannot join ${ROOM}: ${words}` }]);
  }
});
