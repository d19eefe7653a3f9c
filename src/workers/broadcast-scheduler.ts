import type { Logger } from 'pino';
import type { BroadcastStore } from '../domain/broadcasts/broadcasts.js';
import { PollingWorker } from './polling-worker.js';

/**
 * Broadcast scheduler. Starts pending broadcasts whose launch_date has come. The start is the
 * store's conditional UPDATE pending → in_progress, so any number of schedulers (processes) on one
 * database start each broadcast once; nothing is held in memory, so a restart loses nothing — a
 * broadcast due while the process was down starts at the first tick. A due broadcast with nobody
 * to send to becomes `failed`.
 */
export function createBroadcastScheduler(
  store: BroadcastStore,
  log: Logger,
  now: () => number,
  defaultMailFrom: string,
  tickMs = 1000,
): PollingWorker {
  async function tick(): Promise<boolean> {
    const due = await store.dueScheduled(now(), 20);
    for (const { id, accountId } of due) {
      const outcome = await store.start(accountId, id, { now: now(), defaultMailFrom, scheduled: true });
      if (outcome.kind === 'started') {
        log.info(
          { broadcast: id, sms: outcome.smsTotal, emails: outcome.emailTotal },
          'scheduled broadcast started',
        );
      } else if (outcome.kind === 'no_recipients') {
        log.warn({ broadcast: id }, 'scheduled broadcast failed: no valid recipients');
      }
    }
    // A full page means more may be due: look again at once.
    return due.length === 20;
  }
  return new PollingWorker('broadcast-scheduler', log, tick, tickMs);
}
