import { AsyncLocalStorage } from 'node:async_hooks';

const urgent = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with its writes ahead of background work in the queue for SQLite's single writer: a
 * request a caller is waiting on (a single `send`) then waits for at most the transaction in
 * progress, not for every broadcast batch queued before it. PostgreSQL has a pool: no effect there.
 */
export function urgentWrites<T>(fn: () => Promise<T>): Promise<T> {
  return urgent.run(true, fn);
}

export function writesAreUrgent(): boolean {
  return urgent.getStore() === true;
}

const relaxed = new AsyncLocalStorage<true>();

/**
 * Runs `fn` with its write (a single statement, or the transaction its first statement begins) at
 * synchronous=NORMAL on SQLite: committed to the WAL, which a kill -9 does not lose, but not
 * fsynced until the next FULL commit (at most the OS's writeback delay). Only for writes whose loss
 * in an OS crash is repaired by the protocol itself: a claim (its rows go back to the queue, and
 * what was submitted meanwhile is the in-flight window the lease already covers), a sweep of
 * receipts kept unmatched (they stay kept and are swept again). No effect on PostgreSQL.
 */
export function relaxedDurability<T>(fn: () => Promise<T>): Promise<T> {
  return relaxed.run(true, fn);
}

export function durabilityIsRelaxed(): boolean {
  return relaxed.getStore() === true;
}
