import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { ThreadedSqliteDialect } from './sqlite/sqlite-threaded.js';

export type DialectName = 'sqlite' | 'postgres';

/** An open store: the Kysely handle plus what callers need to know about the engine under it. */
export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /**
   * For SQLite: the file path (":memory:" never used; tests use temp files). For PostgreSQL: the URL
   * without its password, for the start-up log line.
   */
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
  // Writes and transactions run on a writer thread, plain reads on this one: sqlite-threaded.ts.
  const db = new Kysely<Database>({ dialect: new ThreadedSqliteDialect(path) });
  return {
    db,
    dialect: 'sqlite',
    location: path,
    close: () => db.destroy(),
  };
}

/**
 * Connections per process (DATABASE_POOL_SIZE, default 10). Every API and worker process holds its
 * own pool: N processes × pool must stay below the server's max_connections.
 */
export function poolSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 10;
  const size = Number(raw);
  if (!/^\d+$/.test(raw) || size < 1 || size > 1000)
    throw new DatabaseUrlError('DATABASE_POOL_SIZE: expected a whole number from 1 to 1000');
  return size;
}

let pgTypesConfigured = false;

function openPostgres(url: string): Store {
  if (!pgTypesConfigured) {
    // int8 (ids, millisecond timestamps) fits a JS number for every value we store.
    pg.types.setTypeParser(20, (value) => Number(value));
    pgTypesConfigured = true;
  }
  const pool = new pg.Pool({ connectionString: url, max: poolSize(process.env.DATABASE_POOL_SIZE) });
  // An idle client whose server went away (restart, failover) reports here; without a listener that
  // error would end the process. The pool replaces the client on the next checkout.
  pool.on('error', (error) => {
    process.emitWarning(`PostgreSQL idle client error: ${error.message}`);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', location: withoutPassword(url), close: () => db.destroy() };
}

/** The URL as logs may show it: the password (DATABASE_URL may hold one) replaced by `***`. */
function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}
