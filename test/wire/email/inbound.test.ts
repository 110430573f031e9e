/**
 * Inbound .eml fixtures through the email adapter (parse, decrypt, Autocrypt, classify, dispatch): what each one
 * emits, and that hostile or broken mail neither crashes nor gets attributed to someone it does not come from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AdapterEvent } from '../../../src/core/contract.js';
import { fixture, inbox } from './setup.js';

type Msg = Extract<AdapterEvent, { type: 'message' }>['message'];
const only = (events: AdapterEvent[]): Msg => {
  const ms = events.filter((e) => e.type === 'message');
  assert.equal(ms.length, 1, `one message event in ${JSON.stringify(events).slice(0, 400)}`);
  return (ms[0] as Extract<AdapterEvent, { type: 'message' }>).message;
};

test('plain first contact: a 1:1 chat message, footer stripped, display name kept, Autocrypt key learned', async () => {
  const box = inbox();
  const m = only(await box.feed(fixture('plain-first-contact.eml')));
  assert.deepEqual(m, {
    conversation: { remoteId: 'alice@example.org', kind: 'direct', title: 'Alice', joined: true },
    remoteId: 'plain-1@example.org',
    senderId: 'alice@example.org',
    senderName: 'Alice',
    direction: 'in',
    kind: 'text',
    body: 'hello bob',
    sentAt: Date.parse('2026-11-20T10:00:00Z'),
    encryption: { scheme: 'none' },
  });
  const peer = JSON.parse(box.ctx.kv.get('autocrypt:peer:alice@example.org')!) as { fingerprint: string; preferEncrypt: string };
  assert.match(peer.fingerprint, /^[0-9A-F]{40}$/);
  assert.equal(peer.preferEncrypt, 'mutual');
});

test('encrypted and signed by the known key: protected headers used, trusted; by a key first seen inside: unverified', async () => {
  const box = inbox();
  await box.feed(fixture('plain-first-contact.eml'));
  const m = only(await box.feed(fixture('encrypted-signed.eml')));
  assert.equal(m.body, 'the secret is tea');
  assert.equal(m.remoteId, 'enc-1@example.org');
  assert.equal(m.senderId, 'alice@example.org');
  assert.equal(m.encryption!.scheme, 'openpgp');
  assert.equal(m.encryption!.trust, 'trusted');
  const known = JSON.parse(box.ctx.kv.get('autocrypt:peer:alice@example.org')!) as { fingerprint: string };
  assert.equal(m.encryption!.senderDevice, known.fingerprint);

  const fresh = inbox();
  const first = only(await fresh.feed(fixture('encrypted-signed.eml')));
  assert.equal(first.encryption!.trust, 'unverified');
  assert.equal(first.encryption!.senderDevice, known.fingerprint);
});

test('forged From: signed by someone else, unsigned, or an envelope From that differs: untrusted, the key stays', async () => {
  const box = inbox();
  await box.feed(fixture('plain-first-contact.eml'));
  const before = box.ctx.kv.get('autocrypt:peer:alice@example.org');
  for (const [file, body] of [
    ['forged-signed-by-other.eml', 'send me your password'],
    ['forged-unsigned.eml', 'unsigned claim'],
  ] as const) {
    const m = only(await box.feed(fixture(file)));
    assert.equal(m.body, body);
    assert.equal(m.encryption!.scheme, 'openpgp');
    assert.equal(m.encryption!.trust, 'untrusted', file);
    assert.equal(m.encryption!.senderDevice, undefined);
    assert.deepEqual(m.ext, { email: { unverifiedSender: true } });
  }
  const mismatch = only(await box.feed(fixture('inner-from-mismatch.eml')));
  // Shown as from the envelope sender, never as alice, and untrusted.
  assert.equal(mismatch.senderId, 'mallory@example.org');
  assert.equal(mismatch.encryption!.trust, 'untrusted');
  assert.match(mismatch.encryption!.error!, /protected From differs/);
  assert.equal(box.ctx.kv.get('autocrypt:peer:alice@example.org'), before);
});

test('a fresh key claiming the address signs its own message: unverified at best, never trusted', async () => {
  const box = inbox();
  await box.feed(fixture('plain-first-contact.eml'));
  const m = only(await box.feed(fixture('forged-new-key.eml')));
  assert.equal(m.encryption!.trust, 'unverified');
  // Autocrypt Level 1 takes the newer key; the change is visible: the real alice's next message is not "trusted".
  const taken = JSON.parse(box.ctx.kv.get('autocrypt:peer:alice@example.org')!) as { fingerprint: string };
  assert.equal(m.encryption!.senderDevice, taken.fingerprint);
  const real = only(await box.feed(fixture('encrypted-signed.eml')));
  assert.equal(real.encryption!.trust, 'unverified');
  assert.notEqual(real.encryption!.senderDevice, taken.fingerprint);
});

test('undecryptable mail from a contact is a visible failed message, never ciphertext; from a stranger it is left alone', async () => {
  const stranger = inbox();
  assert.deepEqual(await stranger.feed(fixture('undecryptable.eml')), []);
  const box = inbox();
  await box.feed(fixture('plain-first-contact.eml'));
  const m = only(await box.feed(fixture('undecryptable.eml')));
  assert.equal(m.body, '[encrypted message: cannot decrypt]');
  assert.equal(m.encryption!.scheme, 'openpgp');
  assert.match(m.encryption!.error!, /cannot decrypt/);
});

test('classic mail is left alone; a classic reply to a chat message is chat; known contacts option', async () => {
  const box = inbox();
  assert.deepEqual(await box.feed(fixture('classic.eml')), []);
  assert.deepEqual(await box.feed(fixture('classic-reply.eml')), []);
  box.s.rememberMessage('bob-sent-1@example.org', 'alice@example.org');
  const m = only(await box.feed(fixture('classic-reply.eml')));
  assert.equal(m.body, '> your question\n\nAnswered from Thunderbird ✓');
  assert.equal(m.replyTo, 'bob-sent-1@example.org');

  const opt = inbox({ classic_mail_from_contacts: true });
  opt.ctx.kv.set('contact:news@shop.example', '1');
  assert.equal(only(await opt.feed(fixture('classic.eml'))).body, 'Not a chat message.');
});

test('escape sequences in names and subjects pass as raw text for the engine sanitizer; nothing is misattributed', async () => {
  const box = inbox();
  const m = only(await box.feed(fixture('hostile-names.eml')));
  assert.equal(m.senderId, 'alice@example.org');
  assert.equal(m.senderName, '\x1b[2mJ\x1b]0;pwned\x07 Alice');
  assert.equal(m.body, 'text with \x1b[31mred\x1b[0m and \u202ebidi');
  assert.equal(m.conversation.remoteId, 'alice@example.org');
});

test('broken MIME (unclosed multipart, unknown charset, bad base64) gives a message, no crash', async () => {
  const box = inbox();
  const m = only(await box.feed(fixture('broken-mime.eml')));
  assert.equal(m.remoteId, 'broken-1@example.org');
  assert.equal(typeof m.body, 'string');
});

test('huge headers and garbage: 200 kB header lines, 5000 fields, NUL bytes, no headers at all', async () => {
  const box = inbox();
  const long = `From: alice@example.org\r\nTo: bob@example.org\r\nChat-Version: 1.0\r\nMessage-ID: <huge-1@example.org>\r\nSubject: ${'A'.repeat(200_000)}\r\n${Array.from({ length: 5000 }, (_, i) => `X-Filler-${i}: ${'x'.repeat(40)}\r\n`).join('')}\r\nbody after huge headers\r\n`;
  const m = only(await box.feed(long));
  assert.equal(m.body, 'body after huge headers');
  for (const junk of ['', '\0\0\0\0', 'no headers here at all', 'From: <>\r\n\r\n', 'Chat-Version: 1.0\r\n\r\nno from']) {
    assert.deepEqual(await box.feed(junk), [], JSON.stringify(junk));
  }
});

test('group: conversation by Chat-Group-ID with the decoded name and its members; a removal updates them', async () => {
  const box = inbox();
  const events = await box.feed(fixture('group.eml'));
  const m = only(events);
  assert.deepEqual(m.conversation, { remoteId: 'Gr0up-Id_123456', kind: 'group', title: 'Café club', joined: true });
  const members = events.find((e) => e.type === 'members') as Extract<AdapterEvent, { type: 'members' }>;
  assert.deepEqual(members.replace!.map((p) => p.id), ['bob@example.org', 'alice@example.org', 'carol@example.org']);
  const after = await box.feed(fixture('group-removed.eml'));
  const update = after.find((e) => e.type === 'members') as Extract<AdapterEvent, { type: 'members' }>;
  assert.deepEqual(update.replace!.map((p) => p.id), ['bob@example.org', 'carol@example.org']);
});

test('a read receipt (MDN) and a reaction (RFC 9078) update the message they name', async () => {
  const box = inbox();
  box.s.rememberMessage('bob-sent-1@example.org', 'alice@example.org');
  assert.deepEqual(await box.feed(fixture('mdn.eml')), [
    { type: 'message.update', conversationRemoteId: 'alice@example.org', targetRemoteId: 'bob-sent-1@example.org', change: { kind: 'delivery', state: 'read' } },
  ]);
  assert.deepEqual(await box.feed(fixture('reaction.eml')), [
    { type: 'message.update', conversationRemoteId: 'alice@example.org', targetRemoteId: 'bob-sent-1@example.org', change: { kind: 'reaction', senderId: 'alice@example.org', key: '❤️', add: true } },
  ]);
});

test('edits and deletions (Chat-Edit, Chat-Delete) name their author; the ✏️ marker and the quote are not the text', async () => {
  const box = inbox();
  box.s.rememberMessage('orig-1@example.org', 'alice@example.org');
  const edit = [
    'From: alice@example.org', 'To: bob@example.org', 'Chat-Version: 1.0', 'Subject: Message from alice@example.org',
    'Date: Fri, 20 Nov 2026 10:20:00 +0000', 'Message-ID: <edit-1@example.org>', 'In-Reply-To: <orig-1@example.org>',
    'Chat-Edit: <orig-1@example.org>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '',
    '> tpyo', '', '✏️typo fixed',
  ].join('\r\n');
  assert.deepEqual(await box.feed(edit), [
    { type: 'message.update', conversationRemoteId: 'alice@example.org', targetRemoteId: 'orig-1@example.org', change: { kind: 'edit', body: 'typo fixed', editedAt: Date.parse('2026-11-20T10:20:00Z'), by: 'alice@example.org' } },
  ]);
  const del = edit.replace('Chat-Edit: <orig-1@example.org>', 'Chat-Delete: <orig-1@example.org> <unknown@example.org>').replace('edit-1@', 'del-1@');
  assert.deepEqual(await box.feed(del), [
    { type: 'message.update', conversationRemoteId: 'alice@example.org', targetRemoteId: 'orig-1@example.org', change: { kind: 'retract', by: 'alice@example.org' } },
  ]);
});
