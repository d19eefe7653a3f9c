import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A mark that a piece of async work carries to the SQLite driver (sqlite-threaded.ts), which reads
 * it where the work's statements reach it: `run` marks everything `fn` starts, `isSet` reads it.
 */
function asyncMark(): { run<T>(fn: () => Promise<T>): Promise<T>; isSet(): boolean } {
  const storage = new AsyncLocalStorage<true>();
  return { run: (fn) => storage.run(true, fn), isSet: () => storage.getStore() === true };
}

const urgent = asyncMark();

/**
 * Runs `fn` with its writes ahead of background work in the queue for SQLite's single writer: a
 * request a caller is waiting on (a single `send`) then waits for at most the transaction in
 * progress, not for every broadcast batch queued before it. PostgreSQL has a pool: no effect there.
 */
export const urgentWrites = urgent.run;
export const writesAreUrgent = urgent.isSet;

const relaxed = asyncMark();

/**
 * Runs `fn` with its write (a single statement, or the transaction its first statement begins) at
 * synchronous=NORMAL on SQLite: committed to the WAL, which a kill -9 does not lose, but not
 * fsynced until the next FULL commit (at most the OS's writeback delay). Only for writes whose loss
 * in an OS crash is repaired by the protocol itself: a claim (its rows go back to the queue, and
 * what was submitted meanwhile is the in-flight window the lease already covers), a sweep of
 * receipts kept unmatched (they stay kept and are swept again). No effect on PostgreSQL.
 */
export const relaxedDurability = relaxed.run;
export const durabilityIsRelaxed = relaxed.isSet;

/** optimisticReads' mark: taken by the first transaction that begins under it, and by no other. */
const optimistic = new AsyncLocalStorage<{ taken: boolean }>();

/**
 * Runs `fn` with the SELECTs of its transaction that come before the transaction's first write read
 * on the main thread's reader, not sent to the writer thread: each would otherwise cost a round trip
 * between the threads while the transaction holds the single writer. The process's write lock is
 * held from the transaction's start, so no write of this process commits between those reads and the
 * transaction's BEGIN; another process (a CLI command) could, and the transaction then acts as if it
 * had run just before that command's. Only for transactions where that is true: a `send` batch
 * (reads of senders, contacts, suppressions; inserts of new messages), a receipt batch. Only the
 * first transaction begun in `fn` is optimistic. No effect on PostgreSQL.
 */
export function optimisticReads<T>(fn: () => Promise<T>): Promise<T> {
  return optimistic.run({ taken: false }, fn);
}

/**
 * Called as a transaction begins: true for the first transaction begun under optimisticReads, so
 * that a transaction some later work starts in the same async context (an event listener, a timer)
 * is not optimistic without having asked.
 */
export function takeOptimisticReads(): boolean {
  const mark = optimistic.getStore();
  if (!mark || mark.taken) return false;
  mark.taken = true;
  return true;
}

const committing = asyncMark();

/**
 * Runs `fn`, a transaction's last statement, with the transaction's COMMIT sent with it to the writer
 * thread (and its BEGIN too when it is the first write): one round trip instead of two or three. The
 * statement's promise settles once the transaction committed, or rolled back if either failed.
 * Nothing may run in the transaction after it. No effect on PostgreSQL.
 */
export const lastStatement = committing.run;
export const isLastStatement = committing.isSet;
