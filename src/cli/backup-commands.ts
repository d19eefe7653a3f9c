import type { Command } from 'commander';
import type { Config } from '../config.js';
import { backupDatabase, restoreDatabase } from '../backup-wiring.js';
import { emit, type Output } from './output.js';

/** `vudumobile backup FILE` and `vudumobile restore FILE [--force]` (SQLite; PostgreSQL: pg_dump). */
export function registerBackupCommands(program: Command, config: () => Config, output: () => Output): void {
  program
    .command('backup <file>')
    .description('copy the SQLite database to FILE while servers run (PostgreSQL: use pg_dump)')
    .action(async (file: string) => {
      const started = Date.now();
      const summary = await backupDatabase(config(), file);
      const seconds = (Date.now() - started) / 1000;
      emit(
        output(),
        { event: 'backup', ...summary, seconds },
        `backup written to ${summary.file}: ${mb(summary.bytes)} MB, ${summary.messages} messages, ` +
          `${summary.migrations} migrations, integrity ok, in ${seconds.toFixed(1)} s`,
      );
    });
  program
    .command('restore <file>')
    .description('replace the SQLite database with a backup; every server must be stopped')
    .option('--force', 'replace the database that exists')
    .action(async (file: string, flags: { force?: boolean }) => {
      const summary = await restoreDatabase(config(), file, { force: Boolean(flags.force) });
      emit(
        output(),
        { event: 'restore', ...summary },
        `restored ${file} into ${summary.file}: ${summary.messages} messages, ${summary.migrations} migrations; ` +
          'start the servers on it',
      );
    });
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
