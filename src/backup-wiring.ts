import { resolve } from 'node:path';
import type { Config } from './config.js';
import { parseDatabaseUrl } from './store/database.js';
import {
  backupSqlite,
  DatabaseBackupError,
  restoreSqlite,
  type BackupSummary,
} from './store/sqlite/sqlite-backup.js';

export { DatabaseBackupError, type BackupSummary };

/** What the CLI says to a PostgreSQL operator: the engine's own tools do it better than we could. */
const POSTGRES_ADVICE =
  'DATABASE_URL is PostgreSQL: back up with pg_dump (or a base backup and WAL archiving for ' +
  'point-in-time recovery) and restore with pg_restore; see "Backups" in docs/operator.md';

/** `vudumobile backup FILE`: an online copy of the SQLite database, servers running or not. */
export async function backupDatabase(config: Config, file: string): Promise<BackupSummary> {
  const { dialect, location } = parseDatabaseUrl(config.databaseUrl);
  if (dialect === 'postgres') throw new DatabaseBackupError(POSTGRES_ADVICE);
  return backupSqlite(location, resolve(file));
}

/** `vudumobile restore FILE`: the SQLite database replaced by a checked backup (no server running). */
export async function restoreDatabase(
  config: Config,
  file: string,
  options: { force: boolean },
): Promise<BackupSummary> {
  const { dialect, location } = parseDatabaseUrl(config.databaseUrl);
  if (dialect === 'postgres') throw new DatabaseBackupError(POSTGRES_ADVICE);
  return restoreSqlite(resolve(file), location, options);
}
