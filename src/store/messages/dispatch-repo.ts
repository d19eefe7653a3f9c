import { sql, type Insertable, type Kysely } from 'kysely';
import { normaliseCarrierId } from '../../domain/sms/carrier-id.js';
import type { DialectName } from '../database.js';
import type { Database, MessagePartsTable } from '../schema.js';
import { inList, listChunkSize, onPostgres } from '../value-lists.js';

/** A message the dispatcher claimed, with what the submit and the events need. */
export interface ClaimedMessage {
  id: number;
  account_id: number;
  broadcast_id: number | null;
  from_number: string;
  to_number: string;
  body: string;
  encoding: string;
  part_count: number;
  attempts: number;
  priority: number;
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
  options: { now: number; leaseUntil: number; limit: number },
): Promise<ClaimedMessage[]> {
  const rows = await claimQuery(db, dialect, options).execute();
  // RETURNING promises no order; submit in the claim's order.
  return rows.sort((a, b) => a.priority - b.priority || a.id - b.id);
}

/** The claim as one UPDATE … WHERE id IN (SELECT … LIMIT n): exported for its plan's test. */
export function claimQuery(
  db: Kysely<Database>,
  dialect: DialectName,
  options: { now: number; leaseUntil: number; limit: number },
) {
  let due = db
    .selectFrom('messages')
    .select('id')
    // A literal, not a parameter: it is the predicate of the partial index messages_queue.
    .where('status', '=', sql.lit('queued'))
    .where('next_attempt_at', '<=', options.now)
    .orderBy('priority')
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  return db
    .updateTable('messages')
    .set({ status: 'sending', lease_until: options.leaseUntil })
    .where('id', 'in', due)
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

/** Extends the lease of a batch still being submitted; rows another dispatcher took are untouched. */
export async function renewLease(
  db: Kysely<Database>,
  ids: readonly number[],
  lease: { from: number; to: number },
): Promise<void> {
  for (const chunk of chunks(ids, listChunkSize(db))) {
    await db
      .updateTable('messages')
      .set({ lease_until: lease.to })
      .where(inList(db, 'id', chunk))
      .where('status', '=', 'sending')
      .where('lease_until', '=', lease.from)
      .execute();
  }
}

/** Puts back to `queued` every message whose lease expired: its dispatcher died or hung. */
export async function releaseExpiredLeases(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .updateTable('messages')
    .set({ status: 'queued', lease_until: null })
    .where('status', '=', sql.lit('sending')) // the partial index messages_leases
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Hands claimed but unsubmitted messages back (a clean stop). */
export async function releaseClaims(
  db: Kysely<Database>,
  ids: readonly number[],
  lease: number,
): Promise<void> {
  for (const chunk of chunks(ids, listChunkSize(db))) {
    await db
      .updateTable('messages')
      .set({ status: 'queued', lease_until: null })
      .where(inList(db, 'id', chunk))
      .where('status', '=', 'sending')
      .where('lease_until', '=', lease)
      .execute();
  }
}

export interface SentMessage {
  readonly id: number;
  readonly carrierIds: readonly string[];
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

/** PostgreSQL: one INSERT … SELECT FROM unnest(column arrays), 9 parameters whatever the count. */
async function insertParts(db: Kysely<Database>, parts: readonly NewPart[]): Promise<void> {
  if (parts.length === 0) return;
  if (!onPostgres(db)) {
    for (const chunk of chunks(parts, 400)) await db.insertInto('message_parts').values(chunk).execute();
    return;
  }
  const column = <T>(pick: (p: NewPart) => T): T[] => parts.map(pick);
  await sql`
    insert into message_parts (message_id, seq, carrier_id, carrier_key, status, stat, err, submitted_at, done_at)
    select * from unnest(
      ${column((p) => p.message_id)}::bigint[], ${column((p) => p.seq)}::integer[],
      ${column((p) => p.carrier_id ?? null)}::text[], ${column((p) => p.carrier_key ?? null)}::text[],
      ${column((p) => p.status)}::text[], ${column((p) => p.stat ?? null)}::text[],
      ${column((p) => p.err ?? null)}::text[], ${column((p) => p.submitted_at ?? null)}::bigint[],
      ${column((p) => p.done_at ?? null)}::bigint[])`.execute(db);
}

/** Records a permanent refusal (or retries exhausted): `failed`, with the transport's reason. */
export async function recordFailed(
  db: Kysely<Database>,
  failed: readonly { id: number; error: string }[],
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
  retries: readonly { id: number; error: string; nextAttemptAt: number; countAttempt: boolean }[],
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

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}
