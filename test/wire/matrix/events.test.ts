/** Wire fixtures: a /sync response's room events through the Matrix adapter's handlers (test/fixtures/matrix). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { isSafeForTerminal, sanitizeSpans, sanitizeText } from '../../../src/core/sanitize.js';
import { dispatchTimeline } from '../../../adapters/matrix/index.js';
import { fixture, loadFixture, OWN } from './setup.js';

type Msg = Extract<AdapterEvent, { type: 'message' }>['message'];
type Upd = Extract<AdapterEvent, { type: 'message.update' }>;

function run() {
  const f = fixture();
  f.power.set('@mod:hs.test', 50);
  f.ownTimeline.push('$older-mine', '$mine', '$newer-mine');
  f.sync(loadFixture('sync-room.json'));
  const messages = f.ctx.ofType('message').map((e) => e.message);
  const byId = (id: string): Msg => {
    const m = messages.find((x) => x.remoteId === id);
    assert.ok(m, `message ${id}`);
    return m;
  };
  const updates = f.ctx.ofType('message.update');
  const updateOf = (target: string, kind: string): Upd[] => updates.filter((u) => u.targetRemoteId === target && u.change.kind === kind);
  return { f, messages, byId, updates, updateOf };
}

test('plain, emote and notice messages keep their kind, sender, server time and event id', () => {
  const { byId } = run();
  const plain = byId('$plain');
  assert.equal(plain.body, 'hello alice');
  assert.equal(plain.kind, 'text');
  assert.equal(plain.senderId, '@bob:hs.test');
  assert.equal(plain.sentAt, 2000);
  assert.equal(plain.direction, 'in');
  assert.deepEqual(plain.encryption, { scheme: 'none' });
  assert.equal(byId('$emote').kind, 'action');
  assert.equal(byId('$notice').kind, 'notice');
  assert.equal(byId('$notice').mentionsMe, false);
});

test('formatted bodies become styled spans whose text is the body; pills to us mention us', () => {
  const { byId } = run();
  const m = byId('$formatted');
  assert.equal(m.body, 'bold it x<y link Alice');
  assert.equal(m.spans!.map((s) => s.text).join(''), m.body);
  assert.deepEqual(m.spans!.find((s) => s.text === 'bold'), { text: 'bold', bold: true });
  assert.deepEqual(m.spans!.find((s) => s.text === 'it'), { text: 'it', italic: true });
  assert.deepEqual(m.spans!.find((s) => s.text === 'x<y'), { text: 'x<y', code: true });
  assert.deepEqual(m.spans!.find((s) => s.text === 'link'), { text: 'link', href: 'https://example.org/' });
  assert.equal(m.mentionsMe, true, 'a user pill to the own id');
});

test('hostile formatted bodies: scripts dropped, javascript links lose their target, bad colours ignored, and the engine sanitizer leaves nothing unsafe', () => {
  const { byId } = run();
  const m = byId('$hostile');
  assert.ok(!m.body.includes('alert'), 'script content is dropped');
  assert.ok(m.spans!.every((s) => s.href === undefined), 'no javascript: href');
  assert.ok(m.spans!.every((s) => s.fg === undefined || s.fg === '#ff0000'), 'only #rrggbb colours');
  assert.ok(m.spans!.some((s) => s.fg === '#ff0000' && s.text === 'r'));
  const clean = sanitizeSpans(m.spans!);
  for (const s of clean) assert.ok(isSafeForTerminal(s.text), `unsafe span ${JSON.stringify(s.text)}`);
  const text = clean.map((s) => s.text).join('');
  assert.ok(!text.includes('\u001b') && !text.includes('\u202e'));
  assert.ok(text.includes('click') && text.includes('evil'));
});

test('display names with escape sequences reach the engine raw and come out of its sanitizer harmless', () => {
  const { byId, f } = run();
  const join = byId('$join-bob');
  assert.equal(join.kind, 'event');
  assert.match(join.body, /joined$/);
  const name = byId('$plain').senderName!;
  assert.ok(name.includes('\u001b'), 'the adapter reports network text as it came');
  const shown = sanitizeText(name);
  assert.equal(shown, 'Bob');
  const added = f.ctx.ofType('members').find((e) => e.add?.some((p) => p.id === '@bob:hs.test'));
  assert.ok(added);
});

test('replies drop the fallback and name the answered event; m.mentions decides mentions', () => {
  const { byId } = run();
  const r = byId('$reply');
  assert.equal(r.replyTo, '$mine');
  assert.equal(r.body, 'my answer');
  assert.equal(r.mentionsMe, true);
  assert.equal(byId('$atroom').mentionsMe, true, '@room without m.mentions');
});

test('edits become updates by their sender; thread messages carry the root, not the fallback reply', () => {
  const { updateOf, byId } = run();
  const [edit] = updateOf('$plain', 'edit');
  assert.deepEqual(edit!.change, { kind: 'edit', body: 'hello there', editedAt: 8000, by: '@bob:hs.test' });
  const t = byId('$thread');
  assert.equal(t.threadId, '$plain');
  assert.equal(t.replyTo, undefined);
});

test('a reaction and its redaction add and remove it; redactions retract, moderated when not by the sender', () => {
  const { updates, updateOf } = run();
  const reactions = updates.filter((u) => u.change.kind === 'reaction');
  assert.deepEqual(
    reactions.map((u) => [u.targetRemoteId, u.change]),
    [
      ['$mine', { kind: 'reaction', senderId: '@bob:hs.test', key: '👍', add: true }],
      ['$mine', { kind: 'reaction', senderId: '@bob:hs.test', key: '👍', add: false }],
    ],
  );
  assert.deepEqual(updateOf('$emote', 'retract')[0]!.change, { kind: 'retract', by: '@mod:hs.test', moderated: true, reason: 'spam' });
  assert.deepEqual(updateOf('$notice', 'retract')[0]!.change, { kind: 'retract', by: '@bob:hs.test' }, 'v11 redacts in content');
  assert.equal(updateOf('$react', 'retract').length, 0, 'a reaction redaction is not a message retraction');
});

test('topic changes, kicks and files', () => {
  const { byId, f } = run();
  assert.ok(byId('$topic').body.endsWith('changed the topic to: new\u001b[1mtopic'), 'raw topic text, for the engine to sanitize');
  assert.ok(f.ctx.ofType('conversation').length >= 1);
  assert.match(byId('$kick').body, /removed @carol:hs.test: bye$/);
  assert.ok(f.ctx.ofType('members').some((e) => e.remove?.includes('@carol:hs.test')));
  const file = byId('$file');
  assert.deepEqual(file.attachments, [{ url: 'mxc://hs.test/abc', name: 'report.pdf', size: 1234, mime: 'application/pdf' }]);
});

test('typing lists become starts and stops (never ourselves); read receipts mark our messages up to the event read', () => {
  const { f } = run();
  assert.deepEqual(
    f.ctx.ofType('typing').map((t) => [t.senderId, t.active]),
    [['@bob:hs.test', true]],
  );
  f.names.set('@bob:hs.test', 'Bob');
  // The next typing list without Bob: he stopped.
  f.sync({ rooms: { join: { '!room:hs.test': { ephemeral: { events: [{ type: 'm.typing', content: { user_ids: [] } }] } } } } });
  assert.deepEqual(f.ctx.ofType('typing').at(-1), { type: 'typing', conversationRemoteId: '!room:hs.test', senderId: '@bob:hs.test', senderName: 'Bob', active: false });
  const reads = f.ctx.ofType('message.update').filter((u) => u.change.kind === 'delivery');
  assert.deepEqual(reads.map((u) => u.targetRemoteId), ['$mine', '$older-mine']);
  assert.ok(reads.every((u) => u.change.kind === 'delivery' && u.change.state === 'read'));
  // Our own receipt means nothing for delivery.
  f.sync({ rooms: { join: { '!room:hs.test': { ephemeral: { events: [{ type: 'm.receipt', content: { '$newer-mine': { 'm.read': { [OWN]: { ts: 1 } } } } }] } } } } });
  assert.equal(f.ctx.ofType('message.update').filter((u) => u.change.kind === 'delivery').length, 2);
});

test('an undecryptable event is a placeholder naming why; its late decryption turns it into the text (not an edit)', () => {
  const f = fixture();
  const raw = { type: 'm.room.encrypted', sender: '@bob:hs.test', event_id: '$enc', origin_server_ts: 5, content: { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'AAAA', device_id: 'BOBDEV', session_id: 's' } };
  f.event('!room:hs.test', raw);
  const m = f.ctx.ofType('message')[0]!.message;
  assert.equal(m.remoteId, '$enc');
  assert.match(m.body, /^\[unable to decrypt: /);
  assert.ok(!m.body.includes('AAAA'), 'never ciphertext');
  assert.equal(m.encryption?.scheme, 'megolm');
  assert.equal(m.encryption?.senderDevice, 'BOBDEV');
  assert.ok(m.encryption?.error);
  // The same event decrypted later (its room key arrived): dispatched again with `late`.
  dispatchTimeline(f.session, {
    roomId: '!room:hs.test',
    eventId: '$enc',
    type: 'm.room.message',
    content: { msgtype: 'm.text', body: 'secret' },
    sender: '@bob:hs.test',
    ts: 5,
    encryption: { scheme: 'megolm', senderDevice: 'BOBDEV', trust: 'unverified' },
    late: true,
  });
  assert.equal(f.ctx.ofType('message').length, 1, 'no second message for the same event');
  assert.deepEqual(f.ctx.ofType('message.update').at(-1), {
    type: 'message.update',
    conversationRemoteId: '!room:hs.test',
    targetRemoteId: '$enc',
    change: { kind: 'decrypted', body: 'secret', encryption: { scheme: 'megolm', senderDevice: 'BOBDEV', trust: 'unverified' } },
  });
  // A late decryption that is a reaction removes the placeholder, then reacts.
  f.event('!room:hs.test', { ...raw, event_id: '$enc2' });
  dispatchTimeline(f.session, {
    roomId: '!room:hs.test',
    eventId: '$enc2',
    type: 'm.reaction',
    content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$plain', key: '🎉' } },
    sender: '@bob:hs.test',
    ts: 6,
    encryption: { scheme: 'megolm' },
    late: true,
  });
  const last2 = f.ctx.ofType('message.update').slice(-2);
  assert.deepEqual(last2.map((u) => [u.targetRemoteId, u.change.kind]), [['$enc2', 'retract'], ['$plain', 'reaction']]);
});
