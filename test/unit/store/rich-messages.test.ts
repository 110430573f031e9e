// Schema 2: alt ids, attachments, threads, retraction details, invitations and parents; the migration from 1 keeps data.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { migrate, migrations, schemaVersion } from '../../../src/store/migrations.js';
import { openStore } from '../../../src/store/open-store.js';
import { fixture, msg, put, rawDb, tempDir } from './helpers.js';

test('alt ids find their message within its conversation; remote ids win; duplicates are ignored; deleting cascades', () => {
  const { store, conv, dir } = fixture();
  const other = store.upsertConversation({ accountId: 'acct', remoteId: '#other', key: '#other', kind: 'channel' });
  const m = put(store, msg(conv.id, { remoteId: 'stanza-1', altIds: ['origin-1', 'stanza-1'] }));
  put(store, msg(other.id, { remoteId: 'x', altIds: ['origin-1'] }));
  assert.equal(store.findByAnyId(conv.id, 'origin-1')?.id, m.id);
  assert.equal(store.findByAnyId(conv.id, 'stanza-1')?.id, m.id);
  assert.equal(store.findByAnyId(conv.id, 'nope'), undefined);
  store.addAltIds(m.id, conv.id, ['origin-1', 'later-1']);
  assert.equal(store.findByAnyId(conv.id, 'later-1')?.id, m.id);
  const db = rawDb(dir);
  db.exec('PRAGMA foreign_keys = ON');
  assert.equal((db.prepare('SELECT count(*) AS n FROM message_alt_ids WHERE message_id = ?').get(m.id) as { n: number }).n, 2);
  db.exec(`DELETE FROM messages WHERE id = '${m.id}'`);
  assert.equal((db.prepare('SELECT count(*) AS n FROM message_alt_ids WHERE message_id = ?').get(m.id) as { n: number }).n, 0);
});

test('attachments and thread ids round-trip; a retraction patch stores who and why and drops the files', () => {
  const { store, conv } = fixture();
  const files = [{ url: 'https://up.example/a.png', name: 'a.png', size: 1200, mime: 'image/png' }];
  const m = put(store, msg(conv.id, { remoteId: 'r1', attachments: files, threadId: 'root-1', body: 'look' }));
  assert.deepEqual(m.attachments, files);
  const read = store.getMessage(m.id)!;
  assert.deepEqual(read.attachments, files);
  assert.equal(read.threadId, 'root-1');
  const patched = store.updateMessage(m.id, { retracted: true, body: '', attachments: null, retraction: { by: 'op', moderated: true, reason: 'spam' } })!;
  assert.equal(patched.retracted, true);
  assert.equal(patched.attachments, undefined);
  assert.deepEqual(patched.retraction, { by: 'op', moderated: true, reason: 'spam' });
});

test('lastMessage: newest own or other chat message, skipping events and retracted ones', () => {
  const { store, conv } = fixture();
  const a = put(store, msg(conv.id, { direction: 'out', senderId: 'me', body: 'mine 1' }));
  put(store, msg(conv.id, { body: 'theirs 1' }));
  const b = put(store, msg(conv.id, { direction: 'out', senderId: 'me', body: 'mine 2' }));
  put(store, msg(conv.id, { kind: 'event', body: 'bob joined' }));
  const t = put(store, msg(conv.id, { body: 'theirs 2' }));
  assert.equal(store.lastMessage(conv.id, 'out')?.id, b.id);
  assert.equal(store.lastMessage(conv.id, 'in')?.id, t.id);
  store.updateMessage(b.id, { retracted: true, body: '' });
  assert.equal(store.lastMessage(conv.id, 'out')?.id, a.id);
});

test('invitedBy: set, kept when not mentioned, cleared with null; parentId merges', () => {
  const { store } = fixture();
  const base = { accountId: 'acct', remoteId: '#inv', key: '#inv', kind: 'channel' as const };
  let c = store.upsertConversation({ ...base, invitedBy: 'bob', parentId: 'space-1' });
  assert.equal(c.invitedBy, 'bob');
  assert.equal(c.parentId, 'space-1');
  c = store.upsertConversation({ ...base, topic: 'hi' });
  assert.equal(c.invitedBy, 'bob');
  assert.equal(c.parentId, 'space-1');
  c = store.upsertConversation({ ...base, invitedBy: null });
  assert.equal(c.invitedBy, undefined);
  assert.equal(c.parentId, 'space-1');
});

test('a version-1 database migrates to 2 with its messages intact and the new columns empty', () => {
  const dir = tempDir();
  const file = join(dir, 'natter.db');
  const db = new DatabaseSync(file);
  db.exec('PRAGMA foreign_keys = ON');
  migrate(db, { path: file, list: migrations.slice(0, 1) });
  assert.equal(schemaVersion(db), 1);
  db.exec(`INSERT INTO accounts (id, protocol) VALUES ('acct', 'irc');
    INSERT INTO conversations (id, account_id, key, remote_id, kind, title) VALUES ('c1', 'acct', '#a', '#a', 'channel', '#a');
    INSERT INTO messages (id, account_id, conversation_id, remote_id, sender_id, sender_name, direction, kind, body, sent_at, received_at)
      VALUES ('m1', 'acct', 'c1', 'r1', 'bob', 'bob', 'in', 'text', 'old text', 1, 1);`);
  db.close();
  const store = openStore(dir);
  const m = store.getMessage('m1')!;
  assert.equal(m.body, 'old text');
  assert.equal(m.attachments, undefined);
  assert.equal(m.threadId, undefined);
  assert.equal(store.findByAnyId('c1', 'r1')?.id, 'm1');
  assert.equal(store.getConversation('c1')?.invitedBy, undefined);
  store.close();
});
