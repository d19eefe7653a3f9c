import type { Kysely } from 'kysely';
import type { DialectName } from '../database.js';
import type { Database } from '../schema.js';

/** The tables whose rows are work items claimed under a lease (they share these columns). */
type LeasedTable = 'emails' | 'verifications' | 'webhook_deliveries';

/**
 * A table used as a work queue: a row waits in `waiting` until `next_attempt_at`, a worker moves it
 * to `holding` with `lease_until`, and settles it only while that lease is still its own. A worker
 * that dies leaves its rows to come back to `waiting` once the lease has run out.
 */
export interface LeasedQueue {
  readonly table: LeasedTable;
  readonly waiting: string;
  readonly holding: string;
}

export const EMAIL_QUEUE: LeasedQueue = { table: 'emails', waiting: 'queued', holding: 'sending' };
export const CALL_QUEUE: LeasedQueue = { table: 'verifications', waiting: 'call_queued', holding: 'calling' };
export const WEBHOOK_QUEUE: LeasedQueue = {
  table: 'webhook_deliveries',
  waiting: 'queued',
  holding: 'sending',
};

export interface ClaimOptions {
  readonly now: number;
  readonly leaseUntil: number;
  readonly limit: number;
}

/**
 * The ids a claim takes, oldest due first, as a subquery of the claiming UPDATE. On PostgreSQL
 * rows another worker is claiming right now are skipped, not waited for; SQLite has one writer.
 */
export function dueIds(
  db: Kysely<Database>,
  dialect: DialectName,
  queue: LeasedQueue,
  options: ClaimOptions,
) {
  const due = db
    .selectFrom(queue.table)
    .select('id')
    .where('status', '=', queue.waiting)
    .where('next_attempt_at', '<=', options.now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit);
  return dialect === 'postgres' ? due.forUpdate().skipLocked() : due;
}

/** The claim's own assignment: held, under this lease. */
export function claimValues(queue: LeasedQueue, options: ClaimOptions) {
  return { status: queue.holding, lease_until: options.leaseUntil };
}

/** Puts back in the queue what a dead (or stalled) worker held past its lease; returns how many. */
export async function releaseExpiredLeases(
  db: Kysely<Database>,
  queue: LeasedQueue,
  now: number,
): Promise<number> {
  const result = await db
    .updateTable(queue.table)
    .set({ status: queue.waiting, lease_until: null })
    .where('status', '=', queue.holding)
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Hands back claimed rows this worker did not try (same lease): due at once, attempts unchanged. */
export async function releaseUntried(
  db: Kysely<Database>,
  queue: LeasedQueue,
  ids: readonly number[],
  lease: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable(queue.table)
    .set({ status: queue.waiting, lease_until: null })
    .where('id', 'in', ids)
    .where('status', '=', queue.holding)
    .where('lease_until', '=', lease)
    .execute();
}
