import { sql, type Kysely } from 'kysely';
import { chunks } from '../../domain/common/chunks.js';
import type { DialectName } from '../database.js';
import type { Database } from '../schema.js';
import { inList, listChunkSize } from '../value-lists.js';

/** The tables whose rows are work items claimed under a lease (they share these columns). */
type LeasedTable = 'messages' | 'emails' | 'verifications' | 'webhook_deliveries';

/**
 * A table used as a work queue: a row waits in `waiting` until `next_attempt_at`, a worker moves it
 * to `holding` with `lease_until`, and settles it only while that lease is still its own. A worker
 * that dies leaves its rows to come back to `waiting` once the lease has run out.
 */
export interface LeasedQueue {
  readonly table: LeasedTable;
  readonly waiting: string;
  readonly holding: string;
  /** Due rows are taken lowest `priority` first (then oldest due), not only oldest due first. */
  readonly prioritised?: boolean;
  /**
   * The statuses are written as literals, not parameters: they are the predicates of the table's
   * partial indexes (messages_queue, messages_leases), which SQLite uses only for a literal.
   */
  readonly partialIndexes?: boolean;
}

/** SMS: single sends and codes (priority 0) before bulk (1); the hot queue, on partial indexes. */
export const MESSAGE_QUEUE: LeasedQueue = {
  table: 'messages',
  waiting: 'queued',
  holding: 'sending',
  prioritised: true,
  partialIndexes: true,
};
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

/** A status as the queue's statements compare it (see LeasedQueue.partialIndexes). */
function status(queue: LeasedQueue, value: string) {
  return queue.partialIndexes ? sql.lit(value) : value;
}

/**
 * The ids a claim takes, oldest due first, as a subquery of the claiming UPDATE. On PostgreSQL
 * rows another worker is claiming right now are skipped (`FOR UPDATE SKIP LOCKED`), not waited
 * for, so any number of workers share the queue; SQLite has one writer.
 */
export function dueIds(
  db: Kysely<Database>,
  dialect: DialectName,
  queue: LeasedQueue,
  options: ClaimOptions,
) {
  let due = db
    .selectFrom(queue.table)
    .select('id')
    .where('status', '=', status(queue, queue.waiting))
    .where('next_attempt_at', '<=', options.now);
  if (queue.prioritised) due = due.orderBy('priority');
  due = due.orderBy('next_attempt_at').orderBy('id').limit(options.limit);
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
    .where('status', '=', status(queue, queue.holding))
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Extends the lease of rows still being worked on, from the lease in force to `lease.to`; rows
 * another worker took meanwhile are untouched.
 */
export async function renewLease(
  db: Kysely<Database>,
  queue: LeasedQueue,
  ids: readonly number[],
  lease: { from: number; to: number },
): Promise<void> {
  for (const chunk of chunks(ids, listChunkSize(db))) {
    await db
      .updateTable(queue.table)
      .set({ lease_until: lease.to })
      .where(inList(db, 'id', chunk))
      .where('status', '=', queue.holding)
      .where('lease_until', '=', lease.from)
      .execute();
  }
}

/**
 * Hands back claimed rows this worker did not try (same lease): due at once, attempts unchanged.
 * A clean stop hands back the rest of its claim this way.
 */
export async function releaseUntried(
  db: Kysely<Database>,
  queue: LeasedQueue,
  ids: readonly number[],
  lease: number,
): Promise<void> {
  for (const chunk of chunks(ids, listChunkSize(db))) {
    await db
      .updateTable(queue.table)
      .set({ status: queue.waiting, lease_until: null })
      .where(inList(db, 'id', chunk))
      .where('status', '=', queue.holding)
      .where('lease_until', '=', lease)
      .execute();
  }
}
