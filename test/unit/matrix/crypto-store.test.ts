/**
 * The Rust crypto store's IndexedDB (fake-indexeddb under Node) dumped to kv and restored under a new prefix:
 * schema (versions, key paths, auto-increment, indexes) and records (structured-clone values, array keys) survive.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CryptoStorePersistence, ensureIndexedDb, KV_CRYPTO, storageKey } from '../../../adapters/matrix/crypto-store.js';
import { recordingContext } from '../../harness/irc-context.js';

interface Req<T> {
  result: T;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
  onupgradeneeded?: (() => void) | null;
}
type Any = Record<string, (...a: unknown[]) => unknown> & Record<string, unknown>;
const idb = () => (globalThis as unknown as { indexedDB: Any }).indexedDB;

function done<T>(r: Req<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(new Error('request failed'));
  });
}

async function open(name: string, version: number, upgrade?: (db: Any) => void): Promise<Any> {
  const r = idb().open!(name, version) as Req<Any>;
  r.onupgradeneeded = () => upgrade?.(r.result);
  return done(r);
}

async function all(db: Any, store: string): Promise<{ keys: unknown[]; values: unknown[] }> {
  const tx = db.transaction!([store], 'readonly') as Any;
  const os = tx.objectStore!(store) as Any;
  const [keys, values] = await Promise.all([done(os.getAllKeys!() as Req<unknown[]>), done(os.getAll!() as Req<unknown[]>)]);
  return { keys, values };
}

test('databases under a prefix are dumped to kv and restored under another prefix, schema and records intact', async () => {
  await ensureIndexedDb();
  const ctx = recordingContext({});
  const first = new CryptoStorePersistence('natter-test-one', ctx.kv);
  const db = await open('natter-test-one::matrix-sdk-crypto', 3, (d) => {
    const a = d.createObjectStore!('inline', { keyPath: 'id', autoIncrement: false }) as Any;
    a.createIndex!('by_x', 'x', { unique: true, multiEntry: false });
    d.createObjectStore!('outofline', { keyPath: null, autoIncrement: false });
    d.createObjectStore!('counter', { keyPath: 'n', autoIncrement: true });
  });
  const tx = db.transaction!(['inline', 'outofline', 'counter'], 'readwrite') as Any;
  (tx.objectStore!('inline') as Any).put!({ id: 'k1', x: 1, bytes: new Uint8Array([1, 2, 3]) });
  (tx.objectStore!('inline') as Any).put!({ id: 'k2', x: 2, nested: { list: [1, 'a'] } });
  (tx.objectStore!('outofline') as Any).put!(new Uint8Array([9, 9]), ['room', 'session']);
  (tx.objectStore!('outofline') as Any).put!('pickle', 'account');
  (tx.objectStore!('counter') as Any).put!({ v: 'first' });
  await new Promise<void>((resolve) => ((tx as { oncomplete: () => void }).oncomplete = resolve));
  db.close!();

  const write = await first.snapshot();
  assert.ok(write);
  assert.equal(write.key, KV_CRYPTO);
  ctx.kv.set(write.key, write.value);
  first.written(write.value);
  assert.equal(await first.snapshot(), undefined, 'nothing changed: nothing to write');

  const second = new CryptoStorePersistence('natter-test-two', ctx.kv);
  assert.equal(await second.restore(), true);
  const restored = await open('natter-test-two::matrix-sdk-crypto', 3);
  assert.equal(restored.version, 3);
  const inline = await all(restored, 'inline');
  assert.deepEqual(inline.keys, ['k1', 'k2']);
  assert.deepEqual(inline.values, [
    { id: 'k1', x: 1, bytes: new Uint8Array([1, 2, 3]) },
    { id: 'k2', x: 2, nested: { list: [1, 'a'] } },
  ]);
  const out = await all(restored, 'outofline');
  assert.deepEqual(out.keys, ['account', ['room', 'session']]);
  assert.deepEqual(out.values, ['pickle', new Uint8Array([9, 9])]);
  // The unique index came back too: a duplicate x is refused.
  const tx2 = restored.transaction!(['inline'], 'readwrite') as Any;
  const dup = (tx2.objectStore!('inline') as Any).put!({ id: 'k3', x: 1 }) as Req<unknown>;
  await assert.rejects(done(dup));
  // Auto-increment continues after the restored records.
  const tx3 = restored.transaction!(['counter'], 'readwrite') as Any;
  const key = await done((tx3.objectStore!('counter') as Any).put!({ v: 'second' }) as Req<unknown>);
  assert.equal(key, 2);
  restored.close!();
  await second.dispose();
  await first.dispose();
});

test('a fresh kv has no store to restore; the storage key is made once and kept', async () => {
  await ensureIndexedDb();
  const ctx = recordingContext({});
  assert.equal(await new CryptoStorePersistence('natter-test-empty', ctx.kv).restore(), false);
  const k1 = storageKey(ctx.kv);
  assert.equal(k1.length, 32);
  assert.deepEqual(storageKey(ctx.kv), k1);
});
