/**
 * better-sqlite3 as Kysely's SQLite database, with prepared statements kept by their SQL text.
 * Kysely's SQLite driver prepares every query it runs; a run records about twenty small
 * statements per stage and a tracking server a few per request, and preparing one cost several
 * times what running it did. Kysely has no statement cache of its own, so this is one.
 *
 * A statement still being read (Kysely streams a query with `iterate`) is busy: a query with the
 * same text meanwhile gets a statement of its own. Statements are otherwise stateless between
 * calls (parameters are passed on each), which is what makes sharing them safe.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct statements kept; queries whose text varies (IN lists of any length) push out the oldest. */
const CAPACITY = 256;

export class CachedStatements implements SqliteDatabase {
  /** In least-recently-used order (a Map keeps insertion order). */
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly database: Database) {}

  prepare(query: string): SqliteStatement {
    // Kysely opens a transaction with a deferred `begin`: one that reads and then writes while
    // another process committed meanwhile fails at once with "database is locked" (SQLite cannot
    // wait there without risking a deadlock). `begin immediate` takes the write lock first, so
    // concurrent commands wait for each other (busy timeout) instead.
    const sql = query === 'begin' ? 'begin immediate' : query;
    const cached = this.statements.get(sql);
    if (cached && !cached.busy) {
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.database.prepare(sql);
    if (!cached) {
      this.statements.set(sql, statement);
      if (this.statements.size > CAPACITY) this.statements.delete(this.statements.keys().next().value!);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.database.close();
  }
}
