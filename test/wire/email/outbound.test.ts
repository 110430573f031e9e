/**
 * Outgoing MIME (mime-out.ts) read back through the inbound path: Delta Chat headers, RFC 2047 names and subjects,
 * no header injection through names, and the PGP/MIME envelope with protected headers that only the recipient reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as openpgp from 'openpgp';
import { buildEncrypted, buildInner, buildPlain, encodeWords, formatAddress, newMessageId, type OutgoingMail } from '../../../adapters/email/mime-out.js';
import { formatAutocrypt, parseAutocrypt } from '../../../adapters/email/autocrypt.js';
import { encryptAndSign } from '../../../adapters/email/pgp.js';
import { fixture, inbox } from './setup.js';

const key = (name: string) => openpgp.readPrivateKey({ armoredKey: fixture(`${name}.key.asc`).toString('utf8') });

function mail(o: Partial<OutgoingMail> = {}): OutgoingMail {
  return { from: 'alice@example.org', to: ['bob@example.org'], subject: 'Message from alice@example.org', date: new Date('2026-11-20T10:00:00Z'), messageId: 'out-1@example.org', extra: [], body: 'hi', ...o };
}

test('names and subjects: RFC 2047 for non-ASCII, quoted otherwise, CR/LF never reach the header', () => {
  assert.equal(formatAddress('a@b.c', 'Plain Name'), '"Plain Name" <a@b.c>');
  assert.equal(formatAddress('a@b.c', 'Quote " and \\'), '"Quote \\" and \\\\" <a@b.c>');
  assert.equal(formatAddress('a@b.c'), '<a@b.c>');
  assert.match(encodeWords('Café'), /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
  const injected = formatAddress('a@b.c', 'Eve\r\nBcc: victim@example.org');
  assert.doesNotMatch(injected, /[\r\n]/);
  const raw = buildPlain(mail({ fromName: 'Eve\r\nBcc: victim@example.org', subject: 'x\r\nX-Injected: 1' })).toString();
  assert.doesNotMatch(raw, /^Bcc:|^X-Injected:/m);
  assert.match(newMessageId('example.org'), /^Mr\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{8}@example\.org$/);
});

test('Autocrypt header round trip; unknown critical attributes make it invalid (Level 1 §2.1)', async () => {
  const alice = await key('alice');
  const value = formatAutocrypt('Alice@Example.org', alice.toPublic().write(), 'mutual');
  const h = parseAutocrypt(value.replace(/\r\n /g, ' '))!;
  assert.equal(h.addr, 'alice@example.org');
  assert.equal(h.preferEncrypt, 'mutual');
  assert.deepEqual(Buffer.from(h.keydata), Buffer.from(alice.toPublic().write()));
  assert.equal(parseAutocrypt(`${value}; critical=1`), undefined);
  assert.ok(parseAutocrypt(`${value}; _optional=1`));
  assert.equal(parseAutocrypt('addr=a@b.c'), undefined);
});

test('a plain chat message reads back with its text, ids, reply and group headers', async () => {
  const box = inbox();
  box.s.rememberMessage('earlier@example.org', 'alice@example.org');
  const raw = buildPlain(mail({ fromName: 'Älice', inReplyTo: 'earlier@example.org', body: 'line one\nline two ✓', extra: [['Chat-Group-ID', 'abcdefghijk'], ['Chat-Group-Name', encodeWords('Grüppchen mit einem sehr langen Namen, der umgebrochen werden muss')]] }));
  assert.match(raw.toString(), /^Chat-Version: 1\.0\r$/m);
  assert.match(raw.toString(), /^In-Reply-To: <earlier@example\.org>\r$/m);
  assert.match(raw.toString(), /^References: <earlier@example\.org>\r$/m);
  const events = await box.feed(raw);
  const m = events.find((e) => e.type === 'message')!;
  assert.ok(m.type === 'message');
  assert.equal(m.message.body, 'line one\nline two ✓');
  assert.equal(m.message.senderName, 'Älice');
  assert.equal(m.message.replyTo, 'earlier@example.org');
  assert.deepEqual(m.message.conversation, { remoteId: 'abcdefghijk', kind: 'group', title: 'Grüppchen mit einem sehr langen Namen, der umgebrochen werden muss', joined: true });
});

test('PGP/MIME: outer headers minimal, inner protected headers carry the chat; only the recipient can read it', async () => {
  const [alice, bob] = [await key('alice'), await key('bob')];
  const m = mail({ body: 'under wraps', extra: [['Autocrypt', formatAutocrypt('alice@example.org', alice.toPublic().write(), 'mutual')]] });
  const inner = buildInner(m).toString();
  assert.match(inner, /^Content-Type: text\/plain; charset="utf-8"; protected-headers="v1"; hp="cipher"\r$/m);
  assert.match(inner, /^Chat-Version: 1\.0\r$/m);
  const raw = buildEncrypted(m, await encryptAndSign(buildInner(m), [bob.toPublic(), alice.toPublic()], alice));
  const outer = raw.toString();
  const outerHeaders = outer.slice(0, outer.indexOf('\r\n\r\n'));
  assert.deepEqual(
    outerHeaders.split(/\r\n(?![ \t])/).map((l) => l.split(':')[0]),
    ['Chat-Version', 'Subject', 'Date', 'Message-ID', 'From', 'To', 'MIME-Version', 'Content-Type'],
  );
  assert.match(outerHeaders, /^Subject: \[\.\.\.\]$/m);
  assert.match(outerHeaders, /^To: "hidden-recipients": ;$/m);
  assert.doesNotMatch(outer.slice(outerHeaders.length), /under wraps|Chat-Version|Autocrypt/);
  assert.doesNotMatch(outerHeaders, /Autocrypt|alice@example\.org>.*Alice/);
  const box = inbox();
  const events = await box.feed(raw);
  const got = events.find((e) => e.type === 'message');
  assert.ok(got?.type === 'message');
  assert.equal(got.message.body, 'under wraps');
  assert.equal(got.message.encryption!.scheme, 'openpgp');
  assert.equal(got.message.encryption!.trust, 'unverified');
});
