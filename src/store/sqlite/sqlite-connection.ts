import type SqliteDatabase from 'better-sqlite3';

/**
 * Settings of both SQLite connections. WAL lets the reader run beside the writer; FULL makes every
 * commit reach the disk before we answer 200.
 */
export function configureSqlite(sqlite: SqliteDatabase.Database, role: 'writer' | 'reader'): void {
  // First: switching a new file to WAL takes a lock that another process opening it at the same
  // moment (several `migrate` at once) may hold; without a timeout that is an instant SQLITE_BUSY.
  sqlite.pragma('busy_timeout = 10000');
  if (role === 'writer') {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
  }
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('cache_size = -65536');
  // The reader never writes: a statement that tries is a bug, not a race to win.
  if (role === 'reader') sqlite.pragma('query_only = ON');
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely asks for a prepared statement for every query it runs, and preparing costs more than
 * running a small query. The same SQL text (one query shape) reuses its statement, kept in a small
 * LRU; `IN (?, ?, …)` lists of many lengths make new shapes, hence the bound.
 */
export class StatementCache {
  private readonly statements = new Map<string, SqliteDatabase.Statement>();

  constructor(private readonly sqlite: SqliteDatabase.Database) {}

  prepare(sql: string): SqliteDatabase.Statement {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql); // re-inserted below: most recently used last
    } else {
      statement = this.sqlite.prepare(sql);
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.statements.keys().next();
        if (!oldest.done) this.statements.delete(oldest.value);
      }
    }
    this.statements.set(sql, statement);
    return statement;
  }
}
