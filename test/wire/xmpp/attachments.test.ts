/**
 * Incoming file links: XEP-0066 OOB as Conversations sends it after an HTTP File Upload, XEP-0447/XEP-0385 metadata,
 * bare upload URLs, and hostile URLs that must never become attachments.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, OWN } from './setup.js';
import { MAX_URL_LENGTH } from '../../../adapters/xmpp/events/attachments.js';

const URL1 = 'https://upload.example.org/file_share/Vx3q/holiday%20photo.jpg';

function one(xml: string) {
  const f = fixture();
  f.feed(xml);
  const msgs = f.ctx.ofType('message').map((e) => e.message);
  assert.equal(msgs.length, 1, 'one message');
  return msgs[0]!;
}

test('Conversations-style upload: body = OOB URL → one attachment named from the URL, empty body', () => {
  const m = one(`<message type="chat" from="bob@example.org/phone" to="${OWN}" id="u1">
    <body>${URL1}</body><x xmlns="jabber:x:oob"><url>${URL1}</url></x></message>`);
  assert.equal(m.body, '');
  assert.deepEqual(m.attachments, [{ url: URL1, name: 'holiday photo.jpg' }]);
});

test('text next to the OOB URL keeps the body as written', () => {
  const m = one(`<message type="chat" from="bob@example.org/phone" to="${OWN}" id="u2">
    <body>look at this\n${URL1}</body><x xmlns="jabber:x:oob"><url>${URL1}</url></x></message>`);
  assert.equal(m.body, `look at this\n${URL1}`);
  assert.equal(m.attachments?.[0]?.url, URL1);
});

test('group chat messages carry attachments too', () => {
  const f = fixture();
  const room = f.session.rooms.add('room@muc.example.org', 'alice');
  room.joined = true;
  f.feed(`<message type="groupchat" from="room@muc.example.org/bob" id="g1"><body>${URL1}</body><x xmlns="jabber:x:oob"><url>${URL1}</url></x></message>`);
  const [e] = f.ctx.ofType('message');
  assert.equal(e?.message.body, '');
  assert.equal(e?.message.attachments?.[0]?.name, 'holiday photo.jpg');
});

test('XEP-0447 stateless file sharing metadata gives name, size and media type', () => {
  const m = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="s1">
    <body>${URL1}</body><x xmlns="jabber:x:oob"><url>${URL1}</url></x>
    <file-sharing xmlns="urn:xmpp:sfs:0"><file xmlns="urn:xmpp:file:metadata:0"><media-type>image/jpeg</media-type>
      <name>IMG_0042.jpg</name><size>123456</size></file>
      <sources><url-data xmlns="http://jabber.org/protocol/url-data" target="${URL1}"/></sources></file-sharing></message>`);
  assert.deepEqual(m.attachments, [{ url: URL1, name: 'IMG_0042.jpg', size: 123456, mime: 'image/jpeg' }]);
});

test('XEP-0385 SIMS metadata (Jingle file description) is read as well', () => {
  const m = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="s2"><body>${URL1}</body>
    <reference xmlns="urn:xmpp:reference:0" type="data" begin="0" end="10"><media-sharing xmlns="urn:xmpp:sims:1">
      <file xmlns="urn:xmpp:jingle:apps:file-transfer:5"><media-type>application/pdf</media-type><name>paper.pdf</name><size>999</size></file>
      <sources><reference xmlns="urn:xmpp:reference:0" type="data" uri="${URL1}"/></sources></media-sharing></reference></message>`);
  assert.equal(m.body, '');
  assert.deepEqual(m.attachments, [{ url: URL1, name: 'paper.pdf', size: 999, mime: 'application/pdf' }]);
});

test('a bare upload URL (https with a file name, or aesgcm) is an attachment; a plain link is not', () => {
  const m = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="b1"><body>https://share.example.org/abc/report.pdf</body></message>`);
  assert.deepEqual(m.attachments, [{ url: 'https://share.example.org/abc/report.pdf', name: 'report.pdf' }]);
  assert.equal(m.body, '');
  const enc = 'aesgcm://share.example.org/abc/cat.png#0011223344556677889900112233445566778899001122334455667788990011223344556677889900112233';
  const e = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="b2"><body>${enc}</body></message>`);
  assert.deepEqual(e.attachments, [{ url: enc, name: 'cat.png', encrypted: true }]);
  const link = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="b3"><body>https://example.org/blog/</body></message>`);
  assert.equal(link.attachments, undefined);
  assert.equal(link.body, 'https://example.org/blog/');
});

test('hostile OOB URLs never become attachments and leave the body alone', () => {
  const hostile = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(document.cookie)//https://x/a.png',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'file:///etc/passwd',
    // 8-bit CSI/OSC/ST (XML can carry C1 controls, unlike ESC) and a tab inside the URL.
    'https://evil.example/a.png\u009d8;;https://evil\u009c',
    'https://evil.example/\u009b2J.png',
    'https://evil.example/a\t.png',
    'https://evil.example/\u202egnp.exe',
    'https://evil.example/a b.png',
    `https://evil.example/${'a'.repeat(MAX_URL_LENGTH)}.png`,
    'https://',
    '',
  ];
  for (const url of hostile) {
    const escaped = url.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const m = one(`<message type="chat" from="mallory@evil.example/x" to="${OWN}" id="h"><body>see</body><x xmlns="jabber:x:oob"><url>${escaped}</url></x></message>`);
    assert.equal(m.attachments, undefined, `no attachment for ${JSON.stringify(url.slice(0, 60))}`);
    assert.equal(m.body, 'see');
  }
});

test('a name from the URL or metadata never carries a path, and metadata sizes must be numbers', () => {
  const url = 'https://upload.example.org/x/..%2F..%2F.bashrc';
  const m = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="n1"><body>${url}</body><x xmlns="jabber:x:oob"><url>${url}</url></x>
    <file-sharing xmlns="urn:xmpp:sfs:0"><file xmlns="urn:xmpp:file:metadata:0"><name>../../etc/passwd</name><size>-5</size><media-type>text/html&lt;script&gt;</media-type></file>
    <sources><url-data xmlns="http://jabber.org/protocol/url-data" target="${url}"/></sources></file-sharing></message>`);
  assert.deepEqual(m.attachments, [{ url, name: 'passwd' }]);
  const plain = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="n2"><body>${url}</body><x xmlns="jabber:x:oob"><url>${url}</url></x></message>`);
  assert.equal(plain.attachments?.[0]?.name, '.bashrc');
});

test('many OOB elements: at most ten attachments, duplicates once', () => {
  const oobs = Array.from({ length: 30 }, (_, i) => `<x xmlns="jabber:x:oob"><url>https://u.example.org/f/${i % 15}.bin</url></x>`).join('');
  const m = one(`<message type="chat" from="bob@example.org/pc" to="${OWN}" id="many"><body>files</body>${oobs}</message>`);
  assert.equal(m.attachments?.length, 10);
  assert.equal(new Set(m.attachments?.map((a) => a.url)).size, 10);
});

test('archive results carry attachments like live messages', () => {
  const f = fixture();
  const q = f.session.mam.open(OWN, { historical: true });
  f.feed(`<message to="${OWN}/natter.1"><result xmlns="urn:xmpp:mam:2" queryid="${q.id}" id="a1"><forwarded xmlns="urn:xmpp:forward:0">
    <delay xmlns="urn:xmpp:delay" stamp="2026-01-02T03:04:05Z"/>
    <message xmlns="jabber:client" type="chat" from="bob@example.org/pc" to="${OWN}" id="x"><body>${URL1}</body><x xmlns="jabber:x:oob"><url>${URL1}</url></x></message>
    </forwarded></result></message>`);
  assert.equal(q.messages.length, 1);
  assert.equal(q.messages[0]?.body, '');
  assert.equal(q.messages[0]?.attachments?.[0]?.url, URL1);
});
