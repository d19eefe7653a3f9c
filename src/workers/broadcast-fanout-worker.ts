import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { BroadcastCompletion } from '../domain/broadcasts/broadcast-completion.js';
import type { BroadcastFanOut } from '../domain/broadcasts/broadcast-fanout.js';
import { PollingWorker } from './polling-worker.js';

/** The fan-out worker's loop settings. */
export interface BroadcastFanOutLoop {
  readonly idleMs?: number;
  /** How often started broadcasts are checked for completion (safety net beside the onFinal listener). */
  readonly completionSweepMs?: number;
  /** Called after each committed batch: wakes this process's SMS and email dispatchers. */
  readonly onQueued?: () => void;
}

/**
 * Broadcast fan-out worker: a loop over BroadcastFanOut (claims a started broadcast and queues its
 * recipients batch by batch, each batch committed with its cursor) and BroadcastCompletion's sweep.
 * Killed at any point, the next run (here or in another process once the lease lapses) resumes at
 * the cursor: no contact is messaged twice, none is skipped.
 */
export function createBroadcastFanOutWorker(
  services: { readonly fanOut: BroadcastFanOut; readonly completion: BroadcastCompletion },
  log: Logger,
  now: () => number,
  loop: BroadcastFanOutLoop = {},
): PollingWorker {
  const sweepMs = loop.completionSweepMs ?? 1000;
  let lastSweep = 0;

  async function afterBatch(): Promise<void> {
    loop.onQueued?.();
    // better-sqlite3 is synchronous and Kysely's promises settle as microtasks: without this
    // the whole fan-out would run without the event loop ever serving an HTTP request.
    await yieldToEventLoop();
  }

  async function tick(signal: AbortSignal): Promise<boolean> {
    if (now() - lastSweep >= sweepMs) {
      lastSweep = now();
      await services.completion.sweep();
    }
    return services.fanOut.fanOutNext(signal, afterBatch);
  }

  return new PollingWorker('broadcast-fanout', log, tick, loop.idleMs ?? 200);
}
