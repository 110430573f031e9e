/**
 * Small SQL-side helpers shared by the store modules: the `natter_fold` SQL function (Unicode case folding for ordering
 * and the search sender filter) and the conversion of optional booleans to statement parameters.
 */
import type { DatabaseSync } from 'node:sqlite';

/** Case folding used for sidebar order, member order and the search sender filter (SQLite's NOCASE is ASCII-only). */
export function fold(value: string): string {
  return value.normalize('NFC').toLowerCase();
}

/** Registers the SQL functions the queries use; needed on every connection (read-only ones too). */
export function registerFunctions(db: DatabaseSync): void {
  db.function('natter_fold', { deterministic: true }, (v) => (typeof v === 'string' ? fold(v) : v));
}

/** An optional boolean as a parameter: undefined → NULL (the statement's COALESCE keeps the stored value). */
export const boolParam = (v: boolean | undefined): number | null => (v === undefined ? null : v ? 1 : 0);
