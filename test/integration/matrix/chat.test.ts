/**
 * Two natter Matrix adapters (matrix-js-sdk with Rust crypto) through the test homeserver: an encrypted DM and an
 * encrypted group room with replies, edits, reactions, redactions (own and moderated), receipts, typing, mentions
 * and history; invitations accepted and declined.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decryptFile, type EncryptedFile } from '../../../adapters/matrix/upload.js';
import type { MatrixTestServer } from '../../harness/matrix-homeserver/index.js';
import { client, messages, PASSWORD, releaseTimers, startServer, waitConversation, waitMessage, waitUpdate, type Client } from './support.js';

let server: MatrixTestServer;
let alice: Client;
let bob: Client;
let dm = '';
let group = '';
let firstId = '';

before(async () => {
  server = await startServer();
  const a = await server.register('alice', PASSWORD);
  const b = await server.register('bob', PASSWORD);
  alice = await client(server, a.userId);
  bob = await client(server, b.userId);
});

after(async () => {
  await alice?.adapter.stop();
  await bob?.adapter.stop();
  await server?.stop();
  releaseTimers();
});

const send = (c: Client, room: string, body: string, extra: { replyTo?: string; kind?: 'text' | 'action' | 'notice' } = {}) =>
  c.adapter.send({ localId: `${c.userId}-${Math.random()}`, conversation: { remoteId: room, kind: 'group' }, kind: extra.kind ?? 'text', body, ...(extra.replyTo ? { replyTo: extra.replyTo } : {}) });

test('an encrypted DM: invitation as a direct conversation, accepted, messages both ways decrypted', { timeout: 240_000 }, async () => {
  await alice.adapter.command('dm', [bob.userId]);
  const own = await waitConversation(alice, (c) => c.kind === 'direct' && c.joined === true, 'the DM on the creator side');
  dm = own.remoteId;
  assert.equal(own.encrypted, true);
  const inv = await waitConversation(bob, (c) => c.remoteId === dm && c.invitedBy === alice.userId, 'the invitation');
  assert.equal(inv.kind, 'direct');
  assert.equal(inv.joined, false);
  await bob.adapter.join(dm);
  const joined = await waitConversation(bob, (c) => c.remoteId === dm && c.joined === true && c.kind === 'direct', 'joined, still direct');
  assert.equal(joined.invitedBy, null);
  await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === dm && (e.add ?? []).some((p) => p.id === bob.userId), 'bob in the member list', 60_000);

  const sent = await send(alice, dm, 'hi bob');
  assert.match(sent.remoteId!, /^\$/);
  const got = await waitMessage(bob, dm, 'hi bob');
  assert.equal(got.remoteId, sent.remoteId);
  assert.equal(got.senderId, alice.userId);
  assert.equal(got.direction, 'in');
  assert.equal(got.encryption?.scheme, 'megolm');
  assert.ok(got.encryption?.senderDevice, 'the sending device is named');
  assert.equal(got.encryption?.error, undefined);
  assert.equal(got.encryption?.trust, 'unverified');

  await send(bob, dm, 'hi alice', { kind: 'action' });
  const back = await waitMessage(alice, dm, 'hi alice');
  assert.equal(back.kind, 'action');
  assert.equal(back.encryption?.scheme, 'megolm');
});

test('an encrypted group room: reply, edit, reaction on and off, own and moderated redaction, receipts, typing, mentions', { timeout: 300_000 }, async () => {
  await alice.adapter.command('create', ['Team', 'room']);
  const created = await waitConversation(alice, (c) => c.title === 'Team room' && c.joined === true, 'the new room');
  group = created.remoteId;
  assert.equal(created.kind, 'group');
  assert.equal(created.encrypted, true);
  await alice.adapter.command('invite', [bob.userId], group);
  await waitConversation(bob, (c) => c.remoteId === group && c.invitedBy === alice.userId, 'group invitation');
  await bob.adapter.join(group);
  await waitConversation(bob, (c) => c.remoteId === group && c.joined === true && c.kind === 'group', 'bob joined the group');
  await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === group && (e.add ?? []).some((p) => p.id === bob.userId), 'bob in the room', 60_000);

  const first = await send(alice, group, `morning ${bob.userId}`);
  firstId = first.remoteId!;
  const m1 = await waitMessage(bob, group, `morning ${bob.userId}`);
  assert.equal(m1.mentionsMe, true, 'a typed user id is an intentional mention');
  assert.equal(m1.encryption?.scheme, 'megolm');

  // Reply.
  const reply = await send(bob, group, 'morning!', { replyTo: first.remoteId });
  const r = await waitMessage(alice, group, 'morning!');
  assert.equal(r.replyTo, first.remoteId);
  assert.equal(r.mentionsMe, true, 'a reply mentions the author answered');

  // Edit by the sender.
  await alice.adapter.edit!(first.remoteId!, group, 'good morning');
  const edit = await waitUpdate(bob, (u) => u.targetRemoteId === first.remoteId && u.change.kind === 'edit', 'the edit');
  assert.deepEqual({ ...edit.change, editedAt: 0 }, { kind: 'edit', body: 'good morning', editedAt: 0, by: alice.userId });

  // Reaction on and off.
  await bob.adapter.react!(first.remoteId!, group, '👍', true);
  const on = await waitUpdate(alice, (u) => u.change.kind === 'reaction' && u.change.add, 'reaction added');
  assert.equal(on.targetRemoteId, first.remoteId);
  assert.deepEqual(on.change, { kind: 'reaction', senderId: bob.userId, key: '👍', add: true });
  await bob.adapter.react!(first.remoteId!, group, '👍', false);
  const off = await waitUpdate(alice, (u) => u.change.kind === 'reaction' && !u.change.add, 'reaction removed');
  assert.deepEqual(off.change, { kind: 'reaction', senderId: bob.userId, key: '👍', add: false });

  // Read receipt: bob read up to his reply, which covers alice's message.
  await bob.adapter.markRead!(group, reply.remoteId!);
  const read = await waitUpdate(alice, (u) => u.change.kind === 'delivery' && u.targetRemoteId === first.remoteId, 'read receipt');
  assert.deepEqual(read.change, { kind: 'delivery', state: 'read' });

  // Typing, with the display name.
  await bob.adapter.setTyping!(group, true);
  const typing = await alice.ctx.waitFor<Extract<(typeof alice.ctx.events)[number], { type: 'typing' }>>((e) => e.type === 'typing' && e.active && e.conversationRemoteId === group, 'typing', 60_000);
  assert.equal(typing.senderId, bob.userId);
  assert.equal(typing.senderName, 'bob');
  await bob.adapter.setTyping!(group, false);
  await alice.ctx.waitFor((e) => e.type === 'typing' && !e.active && e.conversationRemoteId === group, 'typing stopped', 60_000);

  // Own redaction: by the sender, not moderated.
  const gone = await send(bob, group, 'oops');
  await waitMessage(alice, group, 'oops');
  await bob.adapter.retract!(gone.remoteId!, group);
  const own = await waitUpdate(alice, (u) => u.targetRemoteId === gone.remoteId && u.change.kind === 'retract', 'own redaction');
  assert.deepEqual(own.change, { kind: 'retract', by: bob.userId });

  // Moderated redaction: alice (room admin) removes bob's message.
  const spam = await send(bob, group, 'spam');
  await waitMessage(alice, group, 'spam');
  await alice.adapter.retract!(spam.remoteId!, group);
  const mod = await waitUpdate(bob, (u) => u.targetRemoteId === spam.remoteId && u.change.kind === 'retract', 'moderated redaction');
  assert.equal(mod.change.kind === 'retract' && mod.change.moderated, true);
  assert.equal(mod.change.kind === 'retract' && mod.change.by, alice.userId);
});

test('history pages back through /messages, decrypting, edits applied', { timeout: 120_000 }, async () => {
  const page = await bob.adapter.history(group, undefined, 50);
  const bodies = page.messages.filter((m) => m.kind !== 'event').map((m) => m.body);
  // The server bundles the latest edit with the original (spec §"Server-side aggregation of m.replace").
  assert.equal(page.messages.find((m) => m.remoteId === firstId)?.body, 'good morning', `history shows the edited text: ${JSON.stringify(bodies)}`);
  assert.ok(bodies.includes('morning!'));
  assert.ok(page.messages.every((m) => m.historical === true));
  const encrypted = page.messages.find((m) => m.body === 'morning!');
  assert.equal(encrypted?.encryption?.scheme, 'megolm');
  assert.equal(encrypted?.encryption?.error, undefined);
  assert.ok(!bodies.includes('spam'), 'redacted events are skipped');
  // Paging: small pages follow each other back in time without overlap.
  const p1 = await bob.adapter.history(group, undefined, 3);
  assert.ok(p1.next, 'a cursor for the next page');
  const p2 = await bob.adapter.history(group, p1.next, 3);
  const ids1 = new Set(p1.messages.map((m) => m.remoteId));
  assert.ok(p2.messages.length > 0);
  assert.ok(p2.messages.every((m) => !ids1.has(m.remoteId)), 'no overlap');
  assert.ok(Math.max(...p2.messages.map((m) => m.sentAt ?? 0)) <= Math.min(...p1.messages.map((m) => m.sentAt ?? Infinity)), 'older');
});

test('a file sent into the encrypted room: progress, encrypted upload, attachment that decrypts to the same bytes', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'natter-matrix-'));
  const path = join(dir, 'photo.png');
  const bytes = randomBytes(300_000);
  writeFileSync(path, bytes);
  try {
    const res = await bob.adapter.send({
      localId: 'upload-1',
      conversation: { remoteId: group, kind: 'group' },
      kind: 'text',
      body: '',
      attachment: { path, name: 'photo.png', size: bytes.length, mime: 'image/png' },
    });
    const progress = bob.ctx.ofType('transfer').filter((t) => t.localId === 'upload-1');
    assert.ok(progress.length >= 1);
    assert.deepEqual(progress.at(-1), { type: 'transfer', localId: 'upload-1', sent: bytes.length, total: bytes.length });
    const m = await waitMessage(alice, group, 'photo.png');
    assert.equal(m.remoteId, res.remoteId);
    assert.equal(m.encryption?.scheme, 'megolm');
    assert.equal(m.attachments?.length, 1);
    const a = m.attachments![0]!;
    assert.match(a.url, /^mxc:\/\//);
    assert.deepEqual({ ...a, url: '' }, { url: '', name: 'photo.png', size: bytes.length, mime: 'image/png', encrypted: true });
    const file = (m.ext?.matrix as { file: EncryptedFile }).file;
    const [serverName, mediaId] = a.url.slice('mxc://'.length).split('/');
    const token = (JSON.parse(alice.ctx.kv.get('auth')!) as { accessToken: string }).accessToken;
    const dl = await fetch(`${server.url}/_matrix/client/v1/media/download/${serverName}/${mediaId}`, { headers: { authorization: `Bearer ${token}` } });
    const cipher = Buffer.from(await dl.arrayBuffer());
    assert.notDeepEqual(cipher, bytes, 'the server holds ciphertext');
    assert.deepEqual(decryptFile(cipher, file), bytes);
    assert.throws(() => decryptFile(Buffer.concat([cipher, Buffer.from([0])]), file), /hash/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a space groups its child rooms: the room names the space as parentId', { timeout: 120_000 }, async () => {
  const token = (JSON.parse(alice.ctx.kv.get('auth')!) as { accessToken: string }).accessToken;
  const res = await fetch(`${server.url}/_matrix/client/v3/createRoom`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Our space',
      creation_content: { type: 'm.space' },
      initial_state: [{ type: 'm.space.child', state_key: group, content: { via: [server.serverName] } }],
    }),
  });
  const space = ((await res.json()) as { room_id: string }).room_id;
  const first = await waitConversation(alice, (c) => c.remoteId === space, 'the space');
  assert.deepEqual(first.ext, { space: true }, 'reported once complete, never half built');
  assert.equal(first.title, 'Our space');
  await waitConversation(alice, (c) => c.remoteId === group && c.parentId === space, 'the room in its space');
});

test('joining a public room by its alias', { timeout: 60_000 }, async () => {
  const token = (JSON.parse(alice.ctx.kv.get('auth')!) as { accessToken: string }).accessToken;
  const res = await fetch(`${server.url}/_matrix/client/v3/createRoom`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Lobby', preset: 'public_chat', room_alias_name: 'lobby' }),
  });
  const lobby = ((await res.json()) as { room_id: string }).room_id;
  await bob.adapter.join(`#lobby:${server.serverName}`);
  const joined = await waitConversation(bob, (c) => c.remoteId === lobby && c.joined === true, 'joined by alias');
  assert.equal(joined.title, 'Lobby');
  assert.equal(joined.encrypted, false);
  await bob.adapter.send({ localId: 'lobby-1', conversation: { remoteId: lobby, kind: 'group' }, kind: 'text', body: 'hello lobby' });
  const m = await waitMessage(alice, lobby, 'hello lobby');
  assert.deepEqual(m.encryption, { scheme: 'none' }, 'an unencrypted room says so');
});

test('idle and back: presence unavailable, then online', { timeout: 60_000 }, async () => {
  const token = (JSON.parse(bob.ctx.kv.get('auth')!) as { accessToken: string }).accessToken;
  const presence = async () =>
    ((await (await fetch(`${server.url}/_matrix/client/v3/presence/${encodeURIComponent(alice.userId)}/status`, { headers: { authorization: `Bearer ${token}` } })).json()) as { presence: string }).presence;
  await alice.adapter.setActive!(false);
  assert.equal(await presence(), 'unavailable');
  await alice.adapter.setActive!(true);
  assert.equal(await presence(), 'online');
});

test('an invitation can be declined; leaving a room reports it left', { timeout: 120_000 }, async () => {
  await alice.adapter.command('create', ['Unwanted']);
  const room = (await waitConversation(alice, (c) => c.title === 'Unwanted' && c.joined === true, 'room')).remoteId;
  await alice.adapter.command('invite', [bob.userId], room);
  await waitConversation(bob, (c) => c.remoteId === room && c.invitedBy === alice.userId, 'invitation');
  await bob.adapter.declineInvite!(room);
  await alice.ctx.waitFor((e) => e.type === 'message' && e.message.conversation.remoteId === room && /declined the invitation/.test(e.message.body), 'declined line', 60_000);
  await bob.adapter.leave(group);
  await waitConversation(bob, (c) => c.remoteId === group && c.joined === false, 'left the group');
  await alice.ctx.waitFor((e) => e.type === 'members' && e.conversationRemoteId === group && (e.remove ?? []).includes(bob.userId), 'bob left (alice)', 60_000);
  assert.ok(messages(alice).some((m) => m.conversation.remoteId === group && /bob left/.test(m.body)));
});
