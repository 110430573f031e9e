/**
 * The Rust crypto store under Node. matrix-js-sdk's Rust crypto (matrix-sdk-crypto-wasm) keeps its Olm account,
 * sessions and room keys in IndexedDB; Node has none, so `fake-indexeddb` provides an in-memory one (design.md §5)
 * and this module makes it durable: every database under the account's prefix is dumped whole (schema, all object
 * stores, keys and values as V8 structured-clone bytes) and written to the account's kv, and restored into a fresh
 * prefix before the next `initRustCrypto`.
 *
 * Why kv and not a file: kv writes are one SQLite transaction, so the crypto dump and the sync token land together
 * (sync-store.ts writes both in one batch). A sync token newer than the crypto state would lose the to-device
 * messages carrying room keys; one that is older only replays them. The dump of a typical account is tens to a few
 * hundred kB; it is written only when it changed.
 *
 * Values are encrypted by the Rust store itself with a random 32-byte storage key (kv `crypto:key`) — it keeps the
 * dump from holding plain Olm pickles, though the key sits in the same kv (profile files are 0600).
 */
import { createHash, randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { KeyValue } from '../../src/core/contract.js';

export const KV_CRYPTO = 'crypto';
export const KV_CRYPTO_KEY = 'crypto:key';

/* Just the IndexedDB surface used here (this project compiles without the DOM library). */
interface IdbRequest<T> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface IdbIndex {
  name: string;
  keyPath: string | string[];
  unique: boolean;
  multiEntry: boolean;
}
interface IdbObjectStore {
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexNames: ArrayLike<string>;
  index(name: string): IdbIndex;
  getAllKeys(): IdbRequest<unknown[]>;
  getAll(): IdbRequest<unknown[]>;
  put(value: unknown, key?: unknown): unknown;
  createIndex(name: string, keyPath: string | string[], options: { unique: boolean; multiEntry: boolean }): unknown;
}
interface IdbTransaction {
  error: unknown;
  objectStore(name: string): IdbObjectStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}
interface IdbDatabase {
  version: number;
  objectStoreNames: ArrayLike<string> & { contains(name: string): boolean };
  transaction(names: string[], mode: 'readonly' | 'readwrite'): IdbTransaction;
  createObjectStore(name: string, options: { keyPath: string | string[] | null; autoIncrement: boolean }): IdbObjectStore;
  close(): void;
}
interface IdbFactory {
  open(name: string, version?: number): IdbOpenRequest;
  databases(): Promise<Array<{ name?: string }>>;
  deleteDatabase(name: string): unknown;
}
const idb = (): IdbFactory => (globalThis as unknown as { indexedDB: IdbFactory }).indexedDB;

interface IndexDump {
  name: string;
  keyPath: string | string[];
  unique: boolean;
  multiEntry: boolean;
}
interface StoreDump {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: IndexDump[];
  keys: unknown[];
  values: unknown[];
}
/** One database: its name without the per-run prefix, its version and every object store. */
interface DbDump {
  suffix: string;
  version: number;
  stores: StoreDump[];
}

/** Installs fake-indexeddb's globals once per process when the runtime has no IndexedDB (Node). */
export async function ensureIndexedDb(): Promise<void> {
  if (!('indexedDB' in globalThis)) await import('fake-indexeddb/auto');
}

/** The storage key for the Rust store, made on first use. */
export function storageKey(kv: KeyValue): Uint8Array {
  const stored = kv.get(KV_CRYPTO_KEY);
  if (stored) return new Uint8Array(Buffer.from(stored, 'base64'));
  const key = randomBytes(32);
  kv.set(KV_CRYPTO_KEY, key.toString('base64'));
  return new Uint8Array(key);
}

function req<T>(r: IdbRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(name: string, version?: number, upgrade?: (db: IdbDatabase) => void): Promise<IdbDatabase> {
  return new Promise((resolve, reject) => {
    const r = version === undefined ? idb().open(name) : idb().open(name, version);
    r.onupgradeneeded = () => upgrade?.(r.result);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error(`cannot open ${name}`));
    r.onblocked = () => reject(new Error(`opening ${name} is blocked`));
  });
}

async function dumpDb(name: string, suffix: string): Promise<DbDump> {
  const db = await openDb(name);
  try {
    const names = Array.from(db.objectStoreNames);
    const stores: StoreDump[] = [];
    if (names.length > 0) {
      // One read-only transaction over all stores: a consistent cut even while the Rust store writes.
      const tx = db.transaction(names, 'readonly');
      for (const n of names) {
        const os = tx.objectStore(n);
        const indexes = Array.from(os.indexNames).map((i) => {
          const ix = os.index(i);
          return { name: ix.name, keyPath: ix.keyPath, unique: ix.unique, multiEntry: ix.multiEntry };
        });
        const [keys, values] = await Promise.all([req(os.getAllKeys()), req(os.getAll())]);
        stores.push({ name: n, keyPath: os.keyPath, autoIncrement: os.autoIncrement, indexes, keys, values });
      }
    }
    return { suffix, version: db.version, stores };
  } finally {
    db.close();
  }
}

async function restoreDb(name: string, dump: DbDump): Promise<void> {
  const db = await openDb(name, dump.version, (d) => {
    for (const s of dump.stores) {
      if (d.objectStoreNames.contains(s.name)) continue;
      const os = d.createObjectStore(s.name, { keyPath: s.keyPath, autoIncrement: s.autoIncrement });
      for (const ix of s.indexes) os.createIndex(ix.name, ix.keyPath, { unique: ix.unique, multiEntry: ix.multiEntry });
    }
  });
  try {
    const names = dump.stores.map((s) => s.name);
    if (names.length === 0) return;
    const tx = db.transaction(names, 'readwrite');
    const done = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('restore failed'));
      tx.onabort = () => reject(tx.error ?? new Error('restore aborted'));
    });
    for (const s of dump.stores) {
      const os = tx.objectStore(s.name);
      s.values.forEach((v, i) => {
        if (s.keyPath === null) os.put(v, s.keys[i]);
        else os.put(v);
      });
    }
    await done;
  } finally {
    db.close();
  }
}

/**
 * The IndexedDB databases of one running crypto store (`<prefix>::…`), and their persistence through kv.
 * A prefix is unique per start, so a restarted adapter in the same process never meets the old databases.
 */
export class CryptoStorePersistence {
  private lastHash?: string;

  constructor(
    readonly prefix: string,
    private readonly kv: KeyValue,
  ) {}

  /** Puts the stored dump (if any) into this run's databases; call before `initRustCrypto`. False when none. */
  async restore(): Promise<boolean> {
    const raw = this.kv.get(KV_CRYPTO);
    if (!raw) return false;
    const dumps = deserialize(Buffer.from(raw, 'base64')) as DbDump[];
    for (const d of dumps) await restoreDb(`${this.prefix}${d.suffix}`, d);
    this.lastHash = hash(raw);
    return true;
  }

  /**
   * Dumps this run's databases. Returns the kv write (undefined when nothing changed since the last write), so that
   * the caller can batch it with the sync token.
   */
  async snapshot(): Promise<{ key: string; value: string } | undefined> {
    const all = await idb().databases();
    const dumps: DbDump[] = [];
    for (const info of all) {
      if (!info.name?.startsWith(this.prefix)) continue;
      dumps.push(await dumpDb(info.name, info.name.slice(this.prefix.length)));
    }
    if (dumps.length === 0) return undefined;
    dumps.sort((a, b) => a.suffix.localeCompare(b.suffix));
    const value = serialize(dumps).toString('base64');
    const h = hash(value);
    if (h === this.lastHash) return undefined;
    return { key: KV_CRYPTO, value };
  }

  /** Records that a snapshot from {@link snapshot} was written. */
  written(value: string): void {
    this.lastHash = hash(value);
  }

  /** Deletes this run's databases from memory (after the last snapshot); never waits for a blocked delete. */
  async dispose(): Promise<void> {
    const all = await idb().databases();
    for (const info of all) if (info.name?.startsWith(this.prefix)) idb().deleteDatabase(info.name);
  }
}

/** Forgets the crypto store (the device it belonged to is gone). */
export function forgetCryptoStore(kv: KeyValue): void {
  kv.batch([
    { key: KV_CRYPTO, value: undefined },
    { key: KV_CRYPTO_KEY, value: undefined },
  ]);
}

function hash(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
