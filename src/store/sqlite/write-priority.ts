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
