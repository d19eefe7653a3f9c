import { sql, type Kysely } from 'kysely';
import type { DeliveryReceipt } from '../../domain/ports/transports.js';
import type { DialectName } from '../database.js';
import { chunks } from './dispatch-repo.js';
import type { Database } from '../schema.js';
import { inList, listChunkSize, onPostgres } from '../value-lists.js';

/** A part a receipt may be about, with its message. */
export interface PartCandidate {
  message_id: number;
  seq: number;
  carrier_key: string | null;
  part_status: string;
  account_id: number;
  broadcast_id: number | null;
  to_number: string;
  part_count: number;
  message_status: string;
  attempts: number;
}

export async function findPartsByKeys(
  db: Kysely<Database>,
  keys: readonly string[],
): Promise<PartCandidate[]> {
  // Two index lookups rather than a join: on a table that grew fast (a broadcast), PostgreSQL's
  // statistics lag and it chose a hash join over every message, spilling to disk, per receipt batch.
  const found: PartCandidate[] = [];
  for (const chunk of chunks([...new Set(keys)], listChunkSize(db))) {
    const parts = await db
      .selectFrom('message_parts')
      .select(['message_id', 'seq', 'carrier_key', 'status as part_status'])
      .where(inList(db, 'carrier_key', chunk))
      .execute();
    if (parts.length === 0) continue;
    const messages = await db
      .selectFrom('messages')
      .select([
        'id',
        'account_id',
        'broadcast_id',
        'to_number',
        'part_count',
        'status as message_status',
        'attempts',
      ])
      .where(inList(db, 'id', [...new Set(parts.map((p) => p.message_id))]))
      .execute();
    const byId = new Map(messages.map((m) => [m.id, m]));
    for (const part of parts) {
      const message = byId.get(part.message_id);
      if (!message) continue;
      const { id: _id, ...fields } = message;
      found.push({ ...part, ...fields });
    }
  }
  return found;
}

export interface PartUpdate {
  readonly messageId: number;
  readonly seq: number;
  readonly status: 'sent' | 'delivered' | 'failed';
  readonly stat: string;
  readonly err: string;
  readonly doneAt: number;
}

/**
 * Stores the receipts' stat/err on their parts. PostgreSQL: one UPDATE … FROM unnest(column arrays)
 * for the batch. SQLite: grouped by value, so most batches take few statements.
 */
export async function updateParts(db: Kysely<Database>, updates: readonly PartUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  if (onPostgres(db)) {
    const column = <T>(pick: (u: PartUpdate) => T): T[] => updates.map(pick);
    await sql`
      update message_parts as p
      set status = u.status, stat = u.stat, err = u.err, done_at = u.done_at
      from unnest(${column((u) => u.messageId)}::bigint[], ${column((u) => u.seq)}::integer[],
        ${column((u) => u.status)}::text[], ${column((u) => u.stat)}::text[], ${column((u) => u.err)}::text[],
        ${column((u) => u.doneAt)}::bigint[]) as u(message_id, seq, status, stat, err, done_at)
      where p.message_id = u.message_id and p.seq = u.seq`.execute(db);
    return;
  }
  const groups = new Map<string, PartUpdate[]>();
  for (const update of updates) {
    const key = JSON.stringify([update.status, update.stat, update.err, update.seq, update.doneAt]);
    const group = groups.get(key) ?? [];
    group.push(update);
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    for (const chunk of chunks(group, 500)) {
      await db
        .updateTable('message_parts')
        .set({ status: first.status, stat: first.stat, err: first.err, done_at: first.doneAt })
        .where('seq', '=', first.seq)
        .where(
          'message_id',
          'in',
          chunk.map((u) => u.messageId),
        )
        .execute();
    }
  }
}

export interface PartState {
  message_id: number;
  seq: number;
  status: string;
  stat: string | null;
  err: string | null;
}

export async function listParts(db: Kysely<Database>, messageIds: readonly number[]): Promise<PartState[]> {
  const parts: PartState[] = [];
  for (const chunk of chunks(messageIds, listChunkSize(db))) {
    parts.push(
      ...(await db
        .selectFrom('message_parts')
        .select(['message_id', 'seq', 'status', 'stat', 'err'])
        .where(inList(db, 'message_id', chunk))
        .execute()),
    );
  }
  return parts;
}

/**
 * Sets messages to their final state from receipts; only messages still awaiting one (`sent`)
 * change, so a duplicate or late receipt cannot move a final state. Returns the ids changed.
 */
export async function finishMessages(
  db: Kysely<Database>,
  finals: readonly { id: number; status: 'delivered' | 'failed'; detailedStatus: string }[],
  now: number,
): Promise<Set<number>> {
  const changed = new Set<number>();
  const groups = new Map<string, { status: 'delivered' | 'failed'; detailedStatus: string; ids: number[] }>();
  for (const f of finals) {
    const key = `${f.status}:${f.detailedStatus}`;
    const group = groups.get(key) ?? { status: f.status, detailedStatus: f.detailedStatus, ids: [] };
    group.ids.push(f.id);
    groups.set(key, group);
  }
  for (const { status, detailedStatus, ids } of groups.values()) {
    for (const chunk of chunks(ids, listChunkSize(db))) {
      const rows = await db
        .updateTable('messages')
        .set({ status, detailed_status: detailedStatus, done_at: now })
        .where(inList(db, 'id', chunk))
        .where('status', '=', 'sent')
        .returning('id')
        .execute();
      for (const row of rows) changed.add(row.id);
    }
  }
  return changed;
}

/** A "Réessayer plus tard" receipt with retries left: the message goes back in the queue, whole. */
export async function requeueAfterReceipt(
  db: Kysely<Database>,
  messageId: number,
  detailedStatus: string,
  nextAttemptAt: number,
): Promise<boolean> {
  const row = await db
    .updateTable('messages')
    .set({ status: 'queued', detailed_status: detailedStatus, next_attempt_at: nextAttemptAt })
    .where('id', '=', messageId)
    .where('status', '=', 'sent')
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  await db.deleteFrom('message_parts').where('message_id', '=', messageId).execute();
  return true;
}

/** Adds numbers to their accounts' suppression lists ("Supprimer ce destinataire"). */
export async function suppressNumbers(
  db: Kysely<Database>,
  entries: readonly { accountId: number; number: string; reason: string }[],
  now: number,
): Promise<void> {
  const unique = new Map(entries.map((e) => [`${e.accountId} ${e.number}`, e]));
  for (const chunk of chunks([...unique.values()], 300)) {
    await db
      .insertInto('suppressions')
      .values(
        chunk.map((e) => ({ account_id: e.accountId, number: e.number, reason: e.reason, created_at: now })),
      )
      .onConflict((oc) => oc.columns(['account_id', 'number']).doNothing())
      .execute();
  }
}

export async function insertUnmatchedReceipts(
  db: Kysely<Database>,
  receipts: readonly DeliveryReceipt[],
  now: number,
): Promise<void> {
  for (const chunk of chunks(receipts, 300)) {
    await db
      .insertInto('unmatched_receipts')
      .values(
        chunk.map((r) => ({
          carrier_id: r.carrierId,
          stat: r.stat,
          err: r.err,
          done_at: r.doneAt ?? null,
          received_at: now,
        })),
      )
      .execute();
  }
}

export interface UnmatchedReceiptRow {
  id: number;
  carrier_id: string;
  stat: string;
  err: string;
  done_at: number | null;
  received_at: number;
}

/**
 * A page of unmatched receipts, newest first (those are the ones whose submit is about to be
 * recorded), below `beforeId` when paging on. Inside a transaction on PostgreSQL the rows are locked
 * and rows another process is sweeping are skipped, so several workers share the sweep: each
 * receipt is applied by one of them.
 */
export async function claimUnmatchedReceipts(
  db: Kysely<Database>,
  dialect: DialectName,
  options: { limit: number; beforeId?: number },
): Promise<UnmatchedReceiptRow[]> {
  let query = db.selectFrom('unmatched_receipts').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  if (dialect === 'postgres') query = query.forUpdate().skipLocked();
  return query.execute();
}

/**
 * Locks the messages (PostgreSQL), in id order, before their parts are updated: two processes
 * recording the last two parts of one message would otherwise each still see the other's part as
 * awaiting its receipt, and the message would never settle. The second now waits for the first
 * and then reads its part.
 */
export async function lockMessages(
  db: Kysely<Database>,
  dialect: DialectName,
  messageIds: readonly number[],
): Promise<void> {
  if (dialect !== 'postgres' || messageIds.length === 0) return;
  const sorted = [...new Set(messageIds)].sort((a, b) => a - b);
  for (const chunk of chunks(sorted, listChunkSize(db)))
    await db
      .selectFrom('messages')
      .select('id')
      .where(inList(db, 'id', chunk))
      .orderBy('id')
      .forUpdate()
      .execute();
}

export async function deleteUnmatchedReceipts(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  for (const chunk of chunks(ids, listChunkSize(db)))
    await db
      .deleteFrom('unmatched_receipts')
      .where(inList(db, 'id', chunk))
      .execute();
}

/** Forgets receipts that never matched a part (another system's ids, or very late ones). */
export async function purgeUnmatchedReceipts(db: Kysely<Database>, olderThan: number): Promise<number> {
  const result = await db
    .deleteFrom('unmatched_receipts')
    .where('received_at', '<', olderThan)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
