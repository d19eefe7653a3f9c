import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  fanOutNextBatch,
  type BroadcastQueueStore,
  type FanOutClaim,
} from '../domain/broadcasts/broadcast-fanout.js';
import { PollingWorker } from './polling-worker.js';

/** The fan-out worker's tuning, from the configuration. */
export interface BroadcastFanOutSettings {
  /** Recipients per committed batch (BROADCAST_FANOUT_BATCH). */
  readonly batchSize: number;
  /** Per-account bulk rate in messages/s (BROADCAST_RATE_PER_ACCOUNT), null for unlimited. */
  readonly ratePerSecond: number | null;
  /** A claim not renewed for this long is taken over (its process died). Each batch renews it. */
  readonly leaseMs?: number;
  readonly idleMs?: number;
  /** How often started broadcasts are checked for completion (safety net beside the receipt hook). */
  readonly completionSweepMs?: number;
  /** Called after each committed batch: wakes this process's SMS and email dispatchers. */
  readonly onQueued?: () => void;
}

/**
 * Broadcast fan-out worker. Claims a started broadcast (lease), turns its recipients snapshot into
 * queued `messages` (priority 1) and `emails` rows batch by batch, each batch committed with its
 * cursor, and marks broadcasts completed once every SMS and email has a final state. Killed at any
 * point, the next run (here or in another process once the lease lapses) resumes at the cursor:
 * no contact is messaged twice, none is skipped.
 */
export function createBroadcastFanOutWorker(
  store: BroadcastQueueStore,
  log: Logger,
  now: () => number,
  settings: BroadcastFanOutSettings,
): PollingWorker {
  const leaseMs = settings.leaseMs ?? 5000;
  const sweepMs = settings.completionSweepMs ?? 1000;
  let lastSweep = 0;

  async function sweepCompletions(): Promise<void> {
    if (now() - lastSweep < sweepMs) return;
    lastSweep = now();
    for (const id of await store.awaitingCompletion()) {
      if (await store.completeIfDone(id, now())) log.info({ broadcast: id }, 'broadcast completed');
    }
  }

  async function tick(signal: AbortSignal): Promise<boolean> {
    await sweepCompletions();
    let claim: FanOutClaim | null = (await store.claimFanOut(now(), leaseMs)) ?? null;
    if (!claim) return false;
    const { broadcastId } = claim;
    const started = now();
    log.info({ broadcast: broadcastId, from: claim.cursor }, 'broadcast fan-out: queueing recipients');
    while (claim) {
      if (signal.aborted) {
        // Hand the rest back at once rather than after the lease: the next process resumes it.
        await store.releaseFanOut(broadcastId);
        log.info({ broadcast: broadcastId, cursor: claim.cursor }, 'broadcast fan-out paused (stopping)');
        return true;
      }
      claim = await fanOutNextBatch(store, claim, settings.batchSize, {
        now: now(),
        leaseMs,
        ratePerSecond: settings.ratePerSecond,
      });
      settings.onQueued?.();
      // better-sqlite3 is synchronous and Kysely's promises settle as microtasks: without this
      // the whole fan-out would run without the event loop ever serving an HTTP request.
      await yieldToEventLoop();
    }
    log.info({ broadcast: broadcastId, ms: now() - started }, 'broadcast fan-out finished');
    if (await store.completeIfDone(broadcastId, now()))
      log.info({ broadcast: broadcastId }, 'broadcast completed');
    return true;
  }

  return new PollingWorker('broadcast-fanout', log, tick, settings.idleMs ?? 200);
}
