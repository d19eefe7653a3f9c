import type { AccountEventsService } from '../domain/messages/account-events.js';
import type { Logger } from '../domain/ports/logger.js';
import { PollingWorker } from './polling-worker.js';

/** How often a worker process drops the account events older than an hour. */
const PRUNE_EVERY_MS = 60_000;

/** Keeps `account_events` to the last hour: pages replay from it only after a short disconnect. */
export function createAccountEventsPruner(events: AccountEventsService, log: Logger): PollingWorker {
  return new PollingWorker(
    'account-events-pruner',
    log,
    async () => {
      const pruned = await events.prune();
      if (pruned > 0) log.debug({ pruned }, 'old account events pruned');
      return false;
    },
    PRUNE_EVERY_MS,
    PRUNE_EVERY_MS,
  );
}
