// The unified inbox: unread messages and unread mentions across accounts, newest first, nothing already read.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { inboxSnippet } from '../../../src/store/inbox-ops.js';
import { fixture, msg, put } from './helpers.js';

function twoAccounts() {
  const f = fixture();
  f.store.upsertAccount({ id: 'jab', protocol: 'xmpp' });
  const room = f.store.upsertConversation({ accountId: 'jab', remoteId: 'room@muc.example', key: 'room@muc.example', kind: 'group', title: 'Room' });
  return { ...f, room };
}

test('inbox lists unread messages of every account newest first, with protocol, title and a one-line snippet', () => {
  const { store, conv, room } = twoAccounts();
  const read = put(store, msg(conv.id, { body: 'already read', sentAt: 100, countsUnread: true }));
  store.markRead(conv.id, read.seq);
  put(store, msg(conv.id, { body: 'not counted (own or history)', sentAt: 150, countsUnread: false }));
  const a = put(store, msg(conv.id, { body: 'first\nline  two', sentAt: 200, countsUnread: true }));
  const b = put(store, msg(room.id, { accountId: 'jab', body: 'hey @me', sentAt: 300, countsUnread: true, mentionsMe: true }));
  const c = put(store, msg(room.id, { accountId: 'jab', body: 'older but stored later', sentAt: 120, countsUnread: true }));

  const all = store.inbox();
  assert.deepEqual(all.map((e) => e.message.id), [b.id, a.id, c.id]);
  assert.deepEqual(all.map((e) => e.protocol), ['xmpp', 'irc', 'xmpp']);
  assert.deepEqual(all.map((e) => e.conversationTitle), ['Room', '#Chan', 'Room']);
  assert.equal(all[1]!.snippet, 'first line two');

  assert.deepEqual(store.inbox({ mentionsOnly: true }).map((e) => e.message.id), [b.id]);
  assert.deepEqual(store.inbox({ limit: 1 }).map((e) => e.message.id), [b.id]);

  // Reading a conversation takes its messages out of the inbox.
  store.markRead(room.id, c.seq);
  assert.deepEqual(store.inbox().map((e) => e.message.id), [a.id]);
  assert.deepEqual(store.inbox({ mentionsOnly: true }), []);
});

test('inbox snippets are one line and bounded', () => {
  assert.equal(inboxSnippet(' a\r\n\tb  '), 'a b');
  const long = inboxSnippet('x'.repeat(500));
  assert.equal(Array.from(long).length, 200);
  assert.ok(long.endsWith('…'));
});
