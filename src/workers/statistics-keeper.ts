import type { Logger } from 'pino';
import type { Store } from '../store/database.js';
import { analyzeStaleTables } from '../store/postgres/pg-statistics.js';
import { PollingWorker } from './polling-worker.js';

/** How often a PostgreSQL worker process looks for tables whose statistics went stale. */
const CHECK_EVERY_MS = 1_000;

/** PostgreSQL only: keeps the planner's statistics fresh while bulk work reshapes the tables. */
export function createStatisticsKeeper(store: Store, log: Logger): PollingWorker {
  return new PollingWorker(
    'statistics-keeper',
    log,
    async () => {
      const analyzed = await analyzeStaleTables(store.db);
      if (analyzed.length > 0) log.debug({ tables: analyzed }, 'statistics refreshed');
      return false; // the next look is a period away, whatever this one found
    },
    CHECK_EVERY_MS,
    CHECK_EVERY_MS,
  );
}
