import type { Logger } from 'pino';
import type { BroadcastService } from '../domain/broadcasts/broadcast-service.js';
import { PollingWorker } from './polling-worker.js';

/**
 * Broadcast scheduler: a loop over BroadcastService.startDue, which starts pending broadcasts whose
 * launch_date has come. Nothing is held in memory, so a restart loses nothing — a broadcast due
 * while the process was down starts at the first tick. A full page of due broadcasts: look again at
 * once.
 */
export function createBroadcastScheduler(
  broadcasts: Pick<BroadcastService, 'startDue'>,
  log: Logger,
  tickMs = 1000,
): PollingWorker {
  return new PollingWorker('broadcast-scheduler', log, () => broadcasts.startDue(), tickMs);
}
