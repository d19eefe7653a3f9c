import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as KyselySqliteDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

/** An open store: the Kysely handle plus what callers need to know about the engine under it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** For SQLite: the file path (":memory:" never used; tests use temp files). */
  readonly location: string;
  close(): Promise<void>;
}

export class DatabaseUrlError extends Error {}

/** Parses DATABASE_URL: `sqlite:PATH`, a plain path, or `postgres://…`. */
export function parseDatabaseUrl(url: string): { dialect: DialectName; location: string } {
  if (/^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', location: url };
  const path = url.startsWith('sqlite://') ? url.slice('sqlite://'.length) : url.replace(/^sqlite:/, '');
  if (path === '')
    throw new DatabaseUrlError('DATABASE_URL: expected sqlite:PATH, a file path or postgres://…');
  return { dialect: 'sqlite', location: resolve(path) };
}

export function openStore(url: string): Store {
  const { dialect, location } = parseDatabaseUrl(url);
  if (dialect === 'postgres') return openPostgres(location);
  return openSqlite(location);
}

function openSqlite(path: string): Store {
  mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  // WAL lets readers run beside the writer; FULL makes every commit reach the disk before we answer 200.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return {
    db,
    dialect: 'sqlite',
    location: path,
    close: () => db.destroy(),
  };
}

let pgTypesConfigured = false;

function openPostgres(url: string): Store {
  if (!pgTypesConfigured) {
    // int8 (ids, millisecond timestamps) fits a JS number for every value we store.
    pg.types.setTypeParser(20, (value) => Number(value));
    pgTypesConfigured = true;
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle client whose server went away (restart, failover) reports here; without a listener that
  // error would end the process. The pool replaces the client on the next checkout.
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL idle client error: ${error.message}`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: url, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; on the hot paths preparing cost more than running. The same SQL
 * text (parameters are bound, never inlined) reuses its prepared statement. Bounded: a flood of
 * distinct texts (IN lists of varying length) only evicts the oldest.
 */
function withStatementCache(sqlite: SqliteDatabase.Database, limit = 500): KyselySqliteDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      let statement = cache.get(sqlText);
      if (statement === undefined) {
        statement = sqlite.prepare(sqlText);
        if (cache.size >= limit) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        cache.set(sqlText, statement);
      }
      return statement;
    },
  };
}
