import type { Insertable, Kysely } from 'kysely';
import { chunks } from '../../domain/common/chunks.js';
import type {
  ClaimedMessage,
  FailedMessage,
  OutboundClaim,
  OutboundQueue,
  RetriedMessage,
  SentMessage,
} from '../../domain/ports/outbound-queue.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import { normaliseCarrierId } from '../../domain/sms/carrier-id.js';
import type { DialectName } from '../database.js';
import { insertUnnest } from '../postgres/unnest.js';
import {
  claimValues,
  dueIds,
  MESSAGE_QUEUE,
  releaseExpiredLeases,
  releaseUntried,
  renewLease,
} from '../queue/leased-queue.js';
import type { Database, MessagePartsTable } from '../schema.js';
import { relaxedDurability } from '../sqlite/write-priority.js';
import { fromStoreTransaction, toStoreTransaction } from '../transaction.js';
import { inList, onPostgres } from '../value-lists.js';

export type { ClaimedMessage, SentMessage } from '../../domain/ports/outbound-queue.js';

/** The dispatcher's queue (OutboundQueue) on the `messages` table. */
export class KyselyOutboundQueue implements OutboundQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  claim(options: OutboundClaim): Promise<ClaimedMessage[]> {
    return claimDueMessages(this.db, this.dialect, options);
  }

  renewLease(ids: readonly number[], lease: { from: number; to: number }): Promise<void> {
    return renewLease(this.db, MESSAGE_QUEUE, ids, lease);
  }

  releaseClaims(ids: readonly number[], lease: number): Promise<void> {
    return releaseUntried(this.db, MESSAGE_QUEUE, ids, lease);
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return releaseExpiredLeases(this.db, MESSAGE_QUEUE, now);
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(toStoreTransaction(trx)));
  }

  recordSent(
    tx: StoreTransaction,
    sent: readonly SentMessage[],
    lease: number,
    now: number,
  ): Promise<Set<number>> {
    return recordSent(fromStoreTransaction(tx), sent, lease, now);
  }

  recordFailed(
    tx: StoreTransaction,
    failed: readonly FailedMessage[],
    lease: number,
    now: number,
  ): Promise<Set<number>> {
    return recordFailed(fromStoreTransaction(tx), failed, lease, now);
  }

  recordRetry(tx: StoreTransaction, retries: readonly RetriedMessage[], lease: number): Promise<void> {
    return recordRetry(fromStoreTransaction(tx), retries, lease);
  }
}

/**
 * Claims up to `limit` queued messages that are due, priority 0 (single sends, codes) before 1
 * (bulk), oldest first, marking them `sending` with a lease. On PostgreSQL the inner select takes
 * `FOR UPDATE SKIP LOCKED`, so any number of dispatchers share the queue without waiting on each
 * other; SQLite runs one dispatcher per process and its writes are serialised anyway.
 */
export async function claimDueMessages(
  db: Kysely<Database>,
  dialect: DialectName,
  options: OutboundClaim,
): Promise<ClaimedMessage[]> {
  // Not fsynced on its own (SQLite): lost only in an OS crash, and then its rows are simply queued
  // again; what was submitted meanwhile is the in-flight window that a lost lease resends anyway.
  // The next `sent` record (synchronous=FULL) makes it durable with itself.
  const rows = await relaxedDurability(() => claimQuery(db, dialect, options).execute());
  // RETURNING promises no order; submit in the claim's order.
  return rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
}

/** The claim as one UPDATE … WHERE id IN (SELECT … LIMIT n): exported for its plan's test. */
export function claimQuery(db: Kysely<Database>, dialect: DialectName, options: OutboundClaim) {
  return db
    .updateTable('messages')
    .set(claimValues(MESSAGE_QUEUE, options))
    .where('id', 'in', dueIds(db, dialect, MESSAGE_QUEUE, options))
    .returning([
      'id',
      'account_id',
      'broadcast_id',
      'from_number',
      'to_number',
      'body',
      'encoding',
      'part_count',
      'attempts',
      'priority',
    ]);
}

/**
 * Records messages the carrier accepted: `sent`, and one part row per carrier id (the key receipts
 * are matched on). Only rows still under this dispatcher's lease change; returns their ids.
 */
export async function recordSent(
  db: Kysely<Database>,
  sent: readonly SentMessage[],
  lease: number,
  now: number,
): Promise<Set<number>> {
  const recorded = new Set<number>();
  for (const chunk of chunks(sent, 500)) {
    const rows = await db
      .updateTable('messages')
      .set((eb) => ({
        status: 'sent',
        sent_at: now,
        lease_until: null,
        error: null,
        attempts: eb('attempts', '+', 1),
      }))
      .where(
        inList(
          db,
          'id',
          chunk.map((m) => m.id),
        ),
      )
      .where('status', '=', 'sending')
      .where('lease_until', '=', lease)
      .returning('id')
      .execute();
    for (const row of rows) recorded.add(row.id);
    const parts = chunk
      .filter((m) => recorded.has(m.id))
      .flatMap((m) =>
        m.carrierIds.map((carrierId, seq) => ({
          message_id: m.id,
          seq,
          carrier_id: carrierId,
          carrier_key: normaliseCarrierId(carrierId),
          status: 'sent',
          stat: null,
          err: null,
          submitted_at: now,
          done_at: null,
        })),
      );
    await insertParts(db, parts);
  }
  return recorded;
}

type NewPart = Insertable<MessagePartsTable>;

/** PostgreSQL: one INSERT … SELECT FROM unnest, 9 parameters whatever the count; SQLite: VALUES lists. */
async function insertParts(db: Kysely<Database>, parts: readonly NewPart[]): Promise<void> {
  if (parts.length === 0) return;
  if (!onPostgres(db)) {
    for (const chunk of chunks(parts, 400)) await db.insertInto('message_parts').values(chunk).execute();
    return;
  }
  await insertUnnest(db, 'message_parts', parts, {
    message_id: ['bigint', (p) => p.message_id],
    seq: ['integer', (p) => p.seq],
    carrier_id: ['text', (p) => p.carrier_id],
    carrier_key: ['text', (p) => p.carrier_key],
    status: ['text', (p) => p.status],
    stat: ['text', (p) => p.stat],
    err: ['text', (p) => p.err],
    submitted_at: ['bigint', (p) => p.submitted_at],
    done_at: ['bigint', (p) => p.done_at],
  });
}

/** Records a permanent refusal (or retries exhausted): `failed`, with the transport's reason. */
export async function recordFailed(
  db: Kysely<Database>,
  failed: readonly FailedMessage[],
  lease: number,
  now: number,
): Promise<Set<number>> {
  const recorded = new Set<number>();
  for (const { id, error } of failed) {
    const row = await db
      .updateTable('messages')
      .set((eb) => ({
        status: 'failed',
        error,
        done_at: now,
        lease_until: null,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .where('status', '=', 'sending')
      .where('lease_until', '=', lease)
      .returning('id')
      .executeTakeFirst();
    if (row) recorded.add(row.id);
  }
  return recorded;
}

/** Puts messages back in the queue after a retryable refusal, due again at `nextAttemptAt`. */
export async function recordRetry(
  db: Kysely<Database>,
  retries: readonly RetriedMessage[],
  lease: number,
): Promise<void> {
  for (const retry of retries) {
    await db
      .updateTable('messages')
      .set((eb) => ({
        status: 'queued',
        error: retry.error,
        next_attempt_at: retry.nextAttemptAt,
        lease_until: null,
        attempts: retry.countAttempt ? eb('attempts', '+', 1) : eb.ref('attempts'),
      }))
      .where('id', '=', retry.id)
      .where('status', '=', 'sending')
      .where('lease_until', '=', lease)
      .execute();
  }
}
