import { strict as assert } from 'node:assert';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { NatterError } from '../../../src/core/errors.js';
import { SCHEMA_VERSION } from '../../../src/store/migrations.js';
import { openStore } from '../../../src/store/open-store.js';
import { msg, put, tempDir } from './helpers.js';

const mode = (p: string): number => statSync(p).mode & 0o777;

test('creates the profile directory 0700 and natter.db, -wal, -shm 0600 even with umask 0', () => {
  const old = process.umask(0);
  try {
    const dir = join(tempDir(), 'nested', 'profile');
    const store = openStore(dir);
    store.upsertAccount({ id: 'a', protocol: 'irc' }); // a write, so the WAL file certainly exists
    assert.equal(mode(dir), 0o700);
    const db = join(dir, 'natter.db');
    assert.equal(store.path, db);
    assert.equal(mode(db), 0o600);
    assert.ok(existsSync(`${db}-wal`), 'WAL file exists');
    assert.equal(mode(`${db}-wal`), 0o600);
    assert.equal(mode(`${db}-shm`), 0o600);
    store.close();
  } finally {
    process.umask(old);
  }
});

test('the database is in WAL mode, migrated to the current version, and enforces foreign keys', () => {
  const dir = join(tempDir(), 'p');
  const store = openStore(dir);
  const raw = new DatabaseSync(join(dir, 'natter.db'));
  assert.equal((raw.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
  assert.equal((raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, SCHEMA_VERSION);
  raw.close();
  store.upsertAccount({ id: 'a', protocol: 'irc' });
  assert.throws(() => store.insertMessage(msg('no-such-conversation', { accountId: 'a' })), /FOREIGN KEY/);
  store.close();
});

test('reopening keeps the data', () => {
  const dir = join(tempDir(), 'p');
  let store = openStore(dir);
  store.upsertAccount({ id: 'a', protocol: 'irc' });
  const c = store.upsertConversation({ accountId: 'a', remoteId: '#x', key: '#x', kind: 'channel' });
  put(store, msg(c.id, { accountId: 'a', body: 'persisted' }));
  store.close();
  store = openStore(dir);
  assert.equal(store.countMessages(c.id), 1);
  assert.equal(store.search('persisted').length, 1);
  store.close();
});

test('read-only: reads and searches while a writer holds the profile, and refuses writes', () => {
  const dir = join(tempDir(), 'p');
  const writer = openStore(dir);
  writer.upsertAccount({ id: 'a', protocol: 'irc' });
  const c = writer.upsertConversation({ accountId: 'a', remoteId: '#x', key: '#x', kind: 'channel', title: 'X' });
  put(writer, msg(c.id, { accountId: 'a', body: 'hello readonly world' }));
  const reader = openStore(dir, { readOnly: true });
  const hits = reader.search('readonly');
  assert.equal(hits.length, 1);
  assert.equal(hits[0]?.conversationTitle, 'X');
  assert.throws(() => reader.upsertAccount({ id: 'b', protocol: 'irc' }), /readonly|read-only|query_only/i);
  // The writer keeps writing and the reader sees new commits.
  put(writer, msg(c.id, { accountId: 'a', body: 'second readonly line' }));
  assert.equal(reader.search('readonly').length, 2);
  reader.close();
  writer.close();
});

test('read-only: works after the writer closed (no -wal/-shm yet), files stay 0600', () => {
  const dir = join(tempDir(), 'p');
  const writer = openStore(dir);
  writer.upsertAccount({ id: 'a', protocol: 'irc' });
  const c = writer.upsertConversation({ accountId: 'a', remoteId: '#x', key: '#x', kind: 'channel' });
  put(writer, msg(c.id, { accountId: 'a', body: 'closed profile' }));
  writer.close();
  const db = join(dir, 'natter.db');
  assert.equal(existsSync(`${db}-wal`), false, 'a clean close removes the WAL');
  const reader = openStore(dir, { readOnly: true });
  assert.equal(reader.search('closed').length, 1);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) if (existsSync(f)) assert.equal(mode(f), 0o600, f);
  reader.close();
});

test('read-only: a missing profile is a NatterError and nothing is created', () => {
  const dir = join(tempDir(), 'absent');
  assert.throws(() => openStore(dir, { readOnly: true }), (e: unknown) => e instanceof NatterError && /no natter profile/.test(e.message));
  assert.equal(existsSync(dir), false);
});

test('read-only: an unmigrated database is not migrated', () => {
  const dir = tempDir();
  const file = join(dir, 'natter.db');
  new DatabaseSync(file).close(); // version 0, empty
  assert.throws(() => openStore(dir, { readOnly: true }), (e: unknown) => e instanceof NatterError && /needs an upgrade/.test(e.message));
  const raw = new DatabaseSync(file);
  assert.equal((raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version, 0);
  assert.equal(raw.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get()?.n, 0);
  raw.close();
});

test('a database from a newer natter is refused with a clear NatterError', () => {
  const dir = tempDir();
  const raw = new DatabaseSync(join(dir, 'natter.db'));
  raw.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
  raw.close();
  for (const readOnly of [false, true]) {
    assert.throws(
      () => openStore(dir, { readOnly }),
      (e: unknown) => e instanceof NatterError && /newer natter/.test(e.message) && e.message.includes(String(SCHEMA_VERSION + 5)),
    );
  }
});
