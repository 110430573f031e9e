/**
 * Schema migrations, versioned with `PRAGMA user_version` (https://sqlite.org/pragma.html#pragma_user_version).
 * Each migration runs in its own IMMEDIATE transaction together with the version bump, so a crash or a failing step
 * leaves the database at the previous version, never half-migrated.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Logger } from '../core/logger.js';
import { NatterError } from '../core/errors.js';
import { up as initial } from './migrations/001-initial.js';
import { up as richMessages } from './migrations/002-rich-messages.js';

export interface Migration {
  /** The user_version the database has after this migration; versions are 1, 2, 3 … without gaps. */
  version: number;
  name: string;
  up(db: DatabaseSync): void;
}

/** All migrations this code knows, in order. Append only; never edit a released one. */
export const migrations: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: initial },
  { version: 2, name: 'alt ids, attachments, threads, retraction details, invitations', up: richMessages },
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0;

/** Reads `PRAGMA user_version`. */
export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

/** The error for a database written by a newer natter: refusing is the only safe choice (we'd misread its rows). */
export function newerSchemaError(path: string, found: number, known: number): NatterError {
  return new NatterError(
    `the database ${path} has schema version ${found}, but this natter only knows up to version ${known}: ` +
      'it was written by a newer natter. Upgrade natter, or use another profile (NATTER_HOME=…).',
  );
}

/**
 * Brings the database up to the newest version in `list` (default: {@link migrations}). Returns the versions applied.
 * Throws a NatterError when the database is newer than the code; a failing migration is rolled back and rethrown
 * wrapped in a NatterError naming it.
 */
export function migrate(
  db: DatabaseSync,
  options: { path: string; log?: Logger; list?: readonly Migration[] },
): number[] {
  const list = options.list ?? migrations;
  const known = list[list.length - 1]?.version ?? 0;
  const applied: number[] = [];
  const current = schemaVersion(db);
  if (current > known) throw newerSchemaError(options.path, current, known);
  for (const m of list) {
    if (m.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      // Re-read inside the write transaction: another process may have migrated between our check and the lock.
      const now = schemaVersion(db);
      if (now >= m.version) {
        db.exec('COMMIT');
        continue;
      }
      if (now !== m.version - 1) throw new Error(`expected schema version ${m.version - 1}, found ${now}`);
      m.up(db);
      // PRAGMA user_version is part of the transaction: it lands together with the schema change or not at all.
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (error) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new NatterError(`could not upgrade the database ${options.path} to version ${m.version} (${m.name})`, {
        cause: error,
      });
    }
    options.log?.info(`database migrated to version ${m.version} (${m.name})`);
    applied.push(m.version);
  }
  return applied;
}
