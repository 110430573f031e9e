/**
 * What the store's operation modules share: the open connection, its prepared-statement cache (every statement is
 * prepared once) and the transaction nesting state. One per {@link SqliteStore}.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export class StoreContext {
  private readonly statements = new Map<string, StatementSync>();
  private depth = 0;
  private savepoints = 0;

  constructor(readonly db: DatabaseSync) {}

  /** The prepared statement for this SQL text, prepared on first use and cached. */
  stmt(text: string): StatementSync {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /** Drops the cached statements (on close). */
  clearStatements(): void {
    this.statements.clear();
  }

  /**
   * Depth 0 opens `BEGIN IMMEDIATE` (takes the write lock up front, so no deadlock-prone lock upgrade later) and
   * commits when fn returns, or rolls back when it throws. Nested calls join the outer transaction inside a SAVEPOINT:
   * a nested throw undoes only the nested part (then rethrows), so an outer caller that catches it keeps a consistent
   * state. Nothing is committed before the outermost call returns.
   */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) {
      const name = `sp${++this.savepoints}`;
      this.db.exec(`SAVEPOINT ${name}`);
      this.depth++;
      try {
        const result = fn();
        this.db.exec(`RELEASE ${name}`);
        return result;
      } catch (error) {
        this.db.exec(`ROLLBACK TO ${name}`);
        this.db.exec(`RELEASE ${name}`);
        throw error;
      } finally {
        this.depth--;
      }
    }
    this.db.exec('BEGIN IMMEDIATE');
    this.depth = 1;
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.depth = 0;
      this.savepoints = 0;
    }
  }

  /**
   * For the store's own multi-statement operations on hot paths: inside a caller's transaction it just runs (no
   * savepoint per message during batched ingest); alone it gets its own transaction.
   */
  atomic<T>(fn: () => T): T {
    return this.depth > 0 ? fn() : this.transaction(fn);
  }
}
