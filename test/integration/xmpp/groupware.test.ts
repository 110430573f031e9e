/**
 * Bookmarks, invitations, password-protected rooms, kicks and bans, roster groups and caps against a real Prosody
 * 0.12 (mod_bookmarks: XEP-0402 with the XEP-0048 compatibility), with three accounts and two sessions of one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ownVer } from '../../../adapters/xmpp/disco.js';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { startProsody, type ProsodyServer } from '../../harness/prosody.js';
import { client, PASSWORD, skipReason, waitUntil, type Client } from './support.js';

const skip = skipReason();
let server: ProsodyServer;
let alice: Client;
let bob: Client;
let carol: Client;
const CLUB = 'club@muc.localhost';
const OTHER = 'other@muc.localhost';
const VAULT = 'vault@muc.localhost';
type Members = Extract<AdapterEvent, { type: 'members' }>;
type Conversation = Extract<AdapterEvent, { type: 'conversation' }>;

async function joined(c: Client, room: string, from = 0): Promise<Members> {
  return (await c.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === room && !!e.replace, `${c.jid} in ${room}`, 20_000, from)) as Members;
}

async function joinAndWait(c: Client, room: string, password?: string): Promise<Members> {
  const from = c.ctx.events.length;
  await c.adapter.join(room, password ? { password } : undefined);
  return joined(c, room, from);
}

const logged = (c: Client, text: string, room: string) => c.ctx.logs.some((l) => l.includes(text) && l.includes(room));

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

test('a joined room is bookmarked (XEP-0402) and joined again by a fresh start with an empty kv', { skip }, async () => {
  await joinAndWait(alice, CLUB);
  await waitUntil(() => logged(alice, 'bookmark saved', CLUB), 'bookmark saved', 20_000);
  assert.ok(alice.ctx.logs.some((l) => l.includes('bookmark storage') && l.includes('pep')), 'XEP-0402 storage chosen');
  await alice.adapter.stop();
  alice = await client(server, 'alice');
  const conv = (await alice.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === CLUB, 'the bookmark announces the room', 20_000)) as Conversation;
  assert.equal(conv.conversation.kind, 'group');
  const m = await joined(alice, CLUB);
  assert.deepEqual(m.replace!.map((p) => p.name), ['alice']);
  assert.ok(alice.ctx.logs.some((l) => l.includes('joining a bookmarked room')));
});

test('another session of the account joins a room: its bookmark push makes this one join; leaving there leaves here', { skip }, async () => {
  const second = await client(server, 'alice');
  try {
    const mark = alice.ctx.events.length;
    await joinAndWait(second, OTHER);
    await joined(alice, OTHER, mark);
    const left = alice.ctx.events.length;
    await second.adapter.leave(OTHER);
    await alice.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === OTHER && e.conversation.joined === false, 'the retraction makes alice leave', 20_000, left);
  } finally {
    await second.adapter.stop();
  }
  // The left room is no longer bookmarked: a fresh start joins only the club.
  await alice.adapter.stop();
  alice = await client(server, 'alice');
  await joined(alice, CLUB);
  await waitUntil(() => alice.ctx.logs.some((l) => l.includes('roster loaded')), 'session set-up done', 20_000);
  assert.ok(!alice.ctx.events.some((e) => e.type === 'conversation' && e.conversation.remoteId === OTHER), 'other is not joined again');
});

test('mediated invitation: shown with invitedBy, declined with a notice to the inviter; accepted by joining', { skip }, async () => {
  const mark = bob.ctx.events.length;
  await alice.adapter.command('invite', ['bob@localhost', 'come', 'in'], CLUB);
  const inv = (await bob.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === CLUB && !!e.conversation.invitedBy, 'bob is invited', 20_000, mark)) as Conversation;
  // Prosody names the inviter by occupant JID in a semi-anonymous room.
  assert.equal(inv.conversation.invitedBy, `${CLUB}/alice`);
  assert.deepEqual(inv.conversation.ext, { xmppInvite: { mediated: true, reason: 'come in' } });
  assert.ok(!bob.ctx.events.slice(mark).some((e) => e.type === 'message'), 'the invitation is no chat message');
  const aliceMark = alice.ctx.events.length;
  await bob.adapter.declineInvite!(CLUB);
  await alice.ctx.waitFor((e) => e.type === 'notice' && e.text === `bob@localhost declined your invitation to ${CLUB}`, 'alice hears the decline', 20_000, aliceMark);

  const carolMark = carol.ctx.events.length;
  await alice.adapter.command('invite', ['carol@localhost'], CLUB);
  await carol.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.invitedBy === `${CLUB}/alice`, 'carol is invited', 20_000, carolMark);
  const m = await joinAndWait(carol, CLUB);
  assert.deepEqual(m.replace!.map((p) => p.name).sort(), ['alice', 'carol']);
});

test('kick and ban are event lines with actor and reason for everyone; a banned user cannot come back', { skip }, async () => {
  const mark = alice.ctx.events.length;
  const carolMark = carol.ctx.events.length;
  await alice.adapter.command('kick', ['carol', 'calm', 'down'], CLUB);
  const line = (e: AdapterEvent, body: string) => e.type === 'message' && e.message.kind === 'event' && e.message.conversation.remoteId === CLUB && e.message.body === body;
  await alice.ctx.waitFor((e) => line(e, 'carol was kicked by alice: calm down'), 'alice sees the kick line', 20_000, mark);
  await carol.ctx.waitFor((e) => line(e, 'you were kicked by alice: calm down'), 'carol sees she was kicked', 20_000, carolMark);
  await carol.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === CLUB && e.conversation.joined === false, 'carol is out', 20_000, carolMark);

  await joinAndWait(carol, CLUB);
  const banMark = alice.ctx.events.length;
  const carolBan = carol.ctx.events.length;
  await alice.adapter.command('ban', ['carol@localhost', 'enough'], CLUB);
  await alice.ctx.waitFor((e) => line(e, 'carol was banned by alice: enough'), 'alice sees the ban line', 20_000, banMark);
  await carol.ctx.waitFor((e) => line(e, 'you were banned by alice: enough'), 'carol sees she was banned', 20_000, carolBan);
  await carol.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === CLUB && e.conversation.joined === false, 'carol is out again', 20_000, carolBan);
  const back = carol.ctx.events.length;
  await carol.adapter.join(CLUB);
  await carol.ctx.waitFor((e) => e.type === 'notice' && e.text === `cannot join ${CLUB}: you are banned from this room`, 'the ban in plain words', 20_000, back);
});

test('password-protected room: a wrong or missing password is a plain-words notice; the right one joins', { skip }, async () => {
  await joinAndWait(alice, VAULT);
  await waitUntil(() => alice.ctx.logs.some((l) => l.includes('created room unlocked') && l.includes(VAULT)), 'vault unlocked', 20_000);
  await alice.adapter.command('password', ['s3cret'], VAULT);
  await alice.ctx.waitFor((e) => e.type === 'notice' && e.text === `${VAULT} now needs a password to join`, 'password set');
  const mark = bob.ctx.events.length;
  await bob.adapter.join(VAULT, { password: 'guess' });
  await bob.ctx.waitFor(
    (e) => e.type === 'notice' && e.text === `cannot join ${VAULT}: the room is password-protected and the password is missing or wrong (/join <room> <password>)`,
    'wrong password in plain words',
    20_000,
    mark,
  );
  const m = await joinAndWait(bob, VAULT, 's3cret');
  assert.deepEqual(m.replace!.map((p) => p.name).sort(), ['alice', 'bob']);
  const room = (await bob.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === VAULT && !!e.conversation.ext?.xmppRoom, 'room features')) as Conversation;
  assert.deepEqual(room.conversation.ext?.xmppRoom, { mam: true, moderation: true, passwordProtected: true, membersOnly: false, moderated: false, nonAnonymous: false });
});

test('roster groups: /group puts a contact in a group (parentId on its conversation); /roster lists it with presence', { skip }, async () => {
  await alice.adapter.command('add', ['bob@localhost', 'Bobby']);
  await bob.adapter.command('accept', ['alice@localhost']);
  await alice.ctx.waitFor((e) => e.type === 'notice' && e.text.startsWith('bob@localhost wants to see your presence'), "bob's request", 20_000);
  await alice.adapter.command('accept', ['bob@localhost']);
  await alice.ctx.waitFor((e) => e.type === 'presence' && e.senderId === 'bob@localhost' && !e.away, "bob's presence", 20_000);
  const mark = alice.ctx.events.length;
  await alice.adapter.command('group', ['bob@localhost', 'Friends']);
  const conv = (await alice.ctx.waitFor((e) => e.type === 'conversation' && e.conversation.remoteId === 'bob@localhost', 'roster push with the group', 20_000, mark)) as Conversation;
  assert.deepEqual(conv.conversation, { remoteId: 'bob@localhost', kind: 'direct', title: 'Bobby', parentId: 'Friends' });
  // The subscription becomes mutual with the roster push after alice's /accept: ask until it shows.
  let lines: string[];
  const until = Date.now() + 20_000;
  do {
    const before = alice.ctx.events.length;
    await alice.adapter.command('roster', []);
    lines = alice.ctx.events.slice(before).flatMap((e) => (e.type === 'notice' ? [e.text] : []));
    if (lines.at(-1)?.includes('mutual')) break;
    await new Promise((r) => setTimeout(r, 100));
  } while (Date.now() < until);
  assert.deepEqual(lines, ['roster: 1 contact', 'Friends:', '  Bobby <bob@localhost> — online (mutual)']);
});

test("caps: bob's presence carries natter's caps; alice asks him for node#ver once and caches the verified features by ver", { skip }, async () => {
  // (That Prosody itself learnt our +notify from the caps is shown by the bookmark pushes above: PEP sends them only
  // to resources whose caps include urn:xmpp:bookmarks:1+notify.)
  await waitUntil(() => alice.ctx.kv.get(`caps:${ownVer()}`) !== undefined, "bob's caps cached", 20_000);
  const features = JSON.parse(alice.ctx.kv.get(`caps:${ownVer()}`)!) as string[];
  assert.ok(features.includes('urn:xmpp:receipts') && features.includes('urn:xmpp:bookmarks:1+notify'));
  const asked = server.log().split('\n').filter((l) => l.includes('Received[c2s]: <iq ') && l.includes("type='get'") && /to='bob@localhost\/natter\.[0-9a-f]+'/.test(l));
  assert.ok(asked.length >= 1, 'asked at his full JID');
});
