import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import { NatterError } from '../../../src/core/errors.js';
import { migrate, migrations, schemaVersion, SCHEMA_VERSION, type Migration } from '../../../src/store/migrations.js';
import { openStore } from '../../../src/store/open-store.js';
import { tempDir } from './helpers.js';

const tables = (db: DatabaseSync): string[] =>
  (db.prepare(`SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name`).all() as Array<{ name: string }>).map(
    (r) => r.name,
  );

test('an existing version-0 database is migrated to the current schema', () => {
  const dir = tempDir();
  const file = join(dir, 'natter.db');
  const pre = new DatabaseSync(file);
  assert.equal(schemaVersion(pre), 0);
  pre.close();
  const store = openStore(dir);
  store.close();
  const db = new DatabaseSync(file);
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  assert.equal(SCHEMA_VERSION, migrations.length);
  const names = tables(db);
  for (const t of ['accounts', 'conversations', 'messages', 'reactions', 'members', 'kv', 'messages_fts', 'messages_fts_content']) {
    assert.ok(names.includes(t), `table ${t} exists`);
  }
  db.close();
});

test('migrate applies only what is missing and is idempotent', () => {
  const db = new DatabaseSync(':memory:');
  assert.deepEqual(migrate(db, { path: ':memory:' }), migrations.map((m) => m.version));
  assert.deepEqual(migrate(db, { path: ':memory:' }), []);
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  db.close();
});

test('a failing migration is rolled back completely and leaves the previous version', () => {
  const db = new DatabaseSync(':memory:');
  const list: Migration[] = [
    { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE one (x)') },
    {
      version: 2,
      name: 'two',
      up: (d) => {
        d.exec('CREATE TABLE two (x)');
        throw new Error('boom');
      },
    },
  ];
  assert.throws(
    () => migrate(db, { path: 'test.db', list }),
    (e: unknown) => e instanceof NatterError && /version 2 \(two\)/.test(e.message) && (e.cause as Error).message === 'boom',
  );
  assert.equal(schemaVersion(db), 1);
  assert.deepEqual(tables(db), ['one']);
  assert.equal(db.isTransaction, false);
  db.close();
});

test('migrate refuses a database newer than the list', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('PRAGMA user_version = 7');
  assert.throws(() => migrate(db, { path: 'x.db' }), (e: unknown) => e instanceof NatterError && /newer natter/.test(e.message));
  db.close();
});
