import type { Logger } from '../domain/ports/logger.js';
import type { StoreMaintenance } from '../domain/ports/store-maintenance.js';
import { PollingWorker } from './polling-worker.js';

/** How often a PostgreSQL worker process looks for tables whose statistics went stale. */
const CHECK_EVERY_MS = 1_000;
/** How often it folds the message counts' deltas (a few rows per send batch; folded in one statement). */
const FOLD_EVERY_MS = 60_000;

/**
 * PostgreSQL only: keeps the planner's statistics fresh while bulk work reshapes the tables, and
 * folds the dashboard's message counts once a minute.
 */
export function createStatisticsKeeper(maintenance: StoreMaintenance, log: Logger): PollingWorker {
  let foldedAt = 0;
  return new PollingWorker(
    'statistics-keeper',
    log,
    async () => {
      const analyzed = await maintenance.refreshStatistics();
      if (analyzed.length > 0) log.debug({ tables: analyzed }, 'statistics refreshed');
      if (Date.now() - foldedAt >= FOLD_EVERY_MS) {
        foldedAt = Date.now();
        const folded = await maintenance.foldMessageCounts();
        if (folded > 0) log.debug({ rows: folded }, 'message counts folded');
      }
      return false; // the next look is a period away, whatever this one found
    },
    CHECK_EVERY_MS,
    CHECK_EVERY_MS,
  );
}
