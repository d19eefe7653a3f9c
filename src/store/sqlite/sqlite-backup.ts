/**
 * Online backup and restore of the SQLite database (`vudumobile backup` / `restore`).
 *
 * The backup uses SQLite's backup API (better-sqlite3's `db.backup`) from a read-only connection of
 * its own, while servers keep writing: in WAL mode a reader never blocks the writer. The API restarts
 * a copy whenever another connection writes between two of its steps, so under a steady stream of
 * sends a page-by-page copy might never finish; it is therefore asked for every page in one step,
 * which copies one consistent snapshot (one read transaction) however busy the writer is. The copy is
 * written beside the target, switched out of WAL mode (one self-contained file), checked, and only
 * then renamed to the name asked for.
 *
 * A restore checks the file (integrity_check, VuduMobile's migrations table, no migration newer than
 * this code), refuses to replace a database in use (a process holding it open keeps a shared lock,
 * so an exclusive lock cannot be had) or any existing database without `force`, then copies the
 * file in and removes the old database's -wal and -shm: a stale WAL replayed over the restored
 * pages would corrupt them.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../migrate.js';

export class DatabaseBackupError extends Error {}

/** What a backup or a restore copied. */
export interface BackupSummary {
  readonly file: string;
  readonly bytes: number;
  /** Migrations applied in the copy (the schema's version). */
  readonly migrations: number;
  readonly messages: number;
}

/** Every page in one step: see the module comment. */
const ALL_PAGES = 0x7fffffff;

export async function backupSqlite(databasePath: string, file: string): Promise<BackupSummary> {
  if (existsSync(file)) throw new DatabaseBackupError(`${file} exists: choose a new file for the backup`);
  if (!existsSync(databasePath)) throw new DatabaseBackupError(`no database at ${databasePath}`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const source = new Database(databasePath, { readonly: true, fileMustExist: true, timeout: 10_000 });
  try {
    await source.backup(partial, { progress: () => ALL_PAGES });
  } catch (error) {
    rmSync(partial, { force: true });
    throw new DatabaseBackupError(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    source.close();
  }
  const copy = new Database(partial);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  const summary = inspectBackup(partial);
  renameSync(partial, file);
  return { ...summary, file };
}

export async function restoreSqlite(
  file: string,
  databasePath: string,
  options: { force: boolean },
): Promise<BackupSummary> {
  const summary = inspectBackup(file);
  if (existsSync(databasePath)) {
    if (!options.force)
      throw new DatabaseBackupError(
        `a database exists at ${databasePath}: restore replaces it only with --force`,
      );
    assertNotInUse(databasePath);
  }
  mkdirSync(dirname(databasePath), { recursive: true });
  const incoming = `${databasePath}.restoring`;
  rmSync(incoming, { force: true });
  const source = new Database(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(incoming, { progress: () => ALL_PAGES });
  } finally {
    source.close();
  }
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${databasePath}${suffix}`, { force: true });
  renameSync(incoming, databasePath);
  return { ...summary, file: databasePath, bytes: statSync(databasePath).size };
}

/** Checks that `file` is a sound VuduMobile database this code can run on. */
export function inspectBackup(file: string): BackupSummary {
  if (!existsSync(file)) throw new DatabaseBackupError(`${file}: no such file`);
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new DatabaseBackupError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const integrity = readIntegrity(db, file);
    if (integrity !== 'ok') throw new DatabaseBackupError(`${file}: integrity_check failed: ${integrity}`);
    const applied = readMigrations(db, file);
    const known = new Set(MIGRATIONS.map((m) => m.name));
    const unknown = applied.filter((name) => !known.has(name));
    if (unknown.length > 0)
      throw new DatabaseBackupError(
        `${file}: made by a newer vudumobile (unknown migrations: ${unknown.join(', ')})`,
      );
    const messages = db.prepare('select count(*) as n from messages').get() as { n: number };
    return { file, bytes: statSync(file).size, migrations: applied.length, messages: messages.n };
  } finally {
    db.close();
  }
}

function readIntegrity(db: Database.Database, file: string): string {
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((row) => row.integrity_check).join('; ');
  } catch (error) {
    // "file is not a database" and the like surface at the first read.
    throw new DatabaseBackupError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readMigrations(db: Database.Database, file: string): string[] {
  try {
    const rows = db.prepare('select name from kysely_migration order by name').all() as { name: string }[];
    return rows.map((row) => row.name);
  } catch {
    throw new DatabaseBackupError(`${file}: not a VuduMobile database (no migrations table)`);
  }
}

/**
 * Every connection to a WAL database holds a shared lock on it while open; an exclusive lock can
 * only be had when no process has the database open.
 */
function assertNotInUse(databasePath: string): void {
  const db = new Database(databasePath, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('COMMIT');
  } catch {
    throw new DatabaseBackupError(
      `the database at ${databasePath} is in use: stop every vudumobile process using it first`,
    );
  } finally {
    db.close();
  }
}
