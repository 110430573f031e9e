/**
 * Opening a profile's database: `<dataDir>/natter.db`, private to the user (directory 0700, files 0600), in WAL mode.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { NatterError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { migrate, newerSchemaError, schemaVersion, SCHEMA_VERSION } from './migrations.js';
import { registerFunctions, SqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';

export const DB_FILE = 'natter.db';

export interface OpenStoreOptions {
  log?: Logger;
  /**
   * For `natter search` while a TUI holds the profile: opens without creating, migrating, changing the journal mode or
   * writing anything (no lock taken here either). The database must exist at the current schema version.
   */
  readOnly?: boolean;
}

function chmodIfExists(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Opens (creating and migrating as needed) the store of the profile in `dataDir`. The caller takes the profile lock
 * ({@link acquireProfileLock}) first for a writable store. Throws a NatterError when the database was written by a
 * newer natter, cannot be opened, or (read-only) does not exist or is not migrated yet.
 */
export function openStore(dataDir: string, options: OpenStoreOptions = {}): Store {
  const log = options.log;
  const path = join(dataDir, DB_FILE);
  if (options.readOnly) return openReadOnly(dataDir, path, log);

  if (mkdirSync(dataDir, { recursive: true, mode: 0o700 }) !== undefined) chmodSync(dataDir, 0o700);
  // Create the file ourselves so it never exists with the umask's wider mode, not even briefly.
  if (!existsSync(path)) {
    try {
      closeSync(openSync(path, 'wx', 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  chmodIfExists(path, 0o600);

  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { enableForeignKeyConstraints: true, timeout: 5000 });
  } catch (error) {
    throw new NatterError(`cannot open the database ${path}`, { cause: error });
  }
  try {
    // WAL: readers (natter search) never block the writer; NORMAL is durable across application crashes and
    // loses at most the last commits on power loss in WAL mode (https://sqlite.org/pragma.html#pragma_synchronous).
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA temp_store = MEMORY');
    // Up to 64 MiB of page cache (allocated as used): batched ingest into a profile of a million messages touches six
    // b-trees per row; with the 2 MiB default it is bound by page reads (measured: +15% at 32 MiB → 128 MiB).
    db.exec('PRAGMA cache_size = -65536');
    registerFunctions(db);
    migrate(db, { path, ...(log ? { log } : {}) });
  } catch (error) {
    db.close();
    if (error instanceof NatterError) throw error;
    throw new NatterError(`cannot open the database ${path}: ${String(error)}`, { cause: error });
  }
  // SQLite creates -wal and -shm with the database's mode; make sure anyway (they hold message text).
  chmodIfExists(`${path}-wal`, 0o600);
  chmodIfExists(`${path}-shm`, 0o600);
  log?.debug(`store opened: ${path}`);
  return new SqliteStore(db, path, false, () => log?.debug(`store closed: ${path}`));
}

function openReadOnly(dataDir: string, path: string, log: Logger | undefined): Store {
  if (!existsSync(path)) throw new NatterError(`there is no natter profile in ${dataDir} yet (no ${DB_FILE})`);
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
  } catch (error) {
    throw new NatterError(`cannot open the database ${path} for reading`, { cause: error });
  }
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec('PRAGMA query_only = ON');
    registerFunctions(db);
    const version = schemaVersion(db);
    if (version > SCHEMA_VERSION) throw newerSchemaError(path, version, SCHEMA_VERSION);
    if (version < SCHEMA_VERSION) {
      throw new NatterError(
        `the database ${path} is at schema version ${version} and needs an upgrade to ${SCHEMA_VERSION}: ` +
          'start natter once (without the read-only command) to upgrade it',
      );
    }
  } catch (error) {
    db.close();
    if (error instanceof NatterError) throw error;
    throw new NatterError(`cannot read the database ${path}: ${String(error)}`, { cause: error });
  }
  log?.debug(`store opened read-only: ${path}`);
  return new SqliteStore(db, path, true, () => log?.debug(`store closed: ${path}`));
}
