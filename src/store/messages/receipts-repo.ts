import { sql, type Kysely } from 'kysely';
import { chunks } from '../../domain/common/chunks.js';
import type {
  FinalState,
  PartCandidate,
  PartState,
  PartUpdate,
  ReceiptStore,
  Suppression,
  UnmatchedReceiptRow,
} from '../../domain/ports/receipt-store.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import type { DeliveryReceipt } from '../../domain/ports/transports.js';
import type { DialectName } from '../database.js';
import { unnestRows } from '../postgres/unnest.js';
import type { Database } from '../schema.js';
import { appendSuppressionHistory } from '../consent/suppressions-repo.js';
import { optimisticReads } from '../sqlite/write-priority.js';
import { fromStoreTransaction, toStoreTransaction, type Executor } from '../transaction.js';
import { inList, listChunkSize, onPostgres } from '../value-lists.js';

/** The receipt service's store (ReceiptStore) on message_parts, messages, suppressions, unmatched_receipts. */
export class KyselyReceiptStore implements ReceiptStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /**
   * On SQLite the reads before the first write (the parts and messages a batch's receipts name, the
   * unmatched receipts a sweep takes) run on the main thread's reader (optimisticReads): two round
   * trips to the writer thread less while the transaction holds it. Only this process writes those
   * rows, and its write lock is held from the start.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return optimisticReads(() => this.db.transaction().execute((trx) => work(toStoreTransaction(trx))));
  }

  findPartsByKeys(tx: StoreTransaction, keys: readonly string[]): Promise<PartCandidate[]> {
    return findPartsByKeys(fromStoreTransaction(tx), keys);
  }

  lockMessages(tx: StoreTransaction, messageIds: readonly number[]): Promise<void> {
    return lockMessages(fromStoreTransaction(tx), this.dialect, messageIds);
  }

  updateParts(tx: StoreTransaction, updates: readonly PartUpdate[]): Promise<void> {
    return updateParts(fromStoreTransaction(tx), updates);
  }

  listParts(tx: StoreTransaction, messageIds: readonly number[]): Promise<PartState[]> {
    return listParts(fromStoreTransaction(tx), messageIds);
  }

  requeueAfterReceipt(
    tx: StoreTransaction,
    messageId: number,
    detailedStatus: string,
    nextAttemptAt: number,
  ): Promise<boolean> {
    return requeueAfterReceipt(fromStoreTransaction(tx), messageId, detailedStatus, nextAttemptAt);
  }

  finishMessages(tx: StoreTransaction, finals: readonly FinalState[], now: number): Promise<Set<number>> {
    return finishMessages(fromStoreTransaction(tx), finals, now);
  }

  suppressNumbers(
    tx: StoreTransaction,
    entries: readonly Suppression[],
    now: number,
  ): Promise<Suppression[]> {
    return suppressNumbers(fromStoreTransaction(tx), entries, now);
  }

  insertUnmatchedReceipts(
    tx: StoreTransaction,
    receipts: readonly DeliveryReceipt[],
    now: number,
  ): Promise<void> {
    return insertUnmatchedReceipts(fromStoreTransaction(tx), receipts, now);
  }

  claimUnmatchedReceipts(
    tx: StoreTransaction,
    options: { limit: number; beforeId?: number },
  ): Promise<UnmatchedReceiptRow[]> {
    return claimUnmatchedReceipts(fromStoreTransaction(tx), this.dialect, options);
  }

  deleteUnmatchedReceipts(tx: StoreTransaction, ids: readonly number[]): Promise<void> {
    return deleteUnmatchedReceipts(fromStoreTransaction(tx), ids);
  }

  purgeUnmatchedReceipts(olderThan: number): Promise<number> {
    return purgeUnmatchedReceipts(this.db, olderThan);
  }
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

/**
 * Stores the receipts' stat/err on their parts. PostgreSQL: one UPDATE … FROM unnest(column arrays)
 * for the batch. SQLite: grouped by value, so most batches take few statements.
 */
export async function updateParts(db: Kysely<Database>, updates: readonly PartUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  if (onPostgres(db)) {
    const rows = unnestRows(updates, {
      message_id: ['bigint', (u) => u.messageId],
      seq: ['integer', (u) => u.seq],
      status: ['text', (u) => u.status],
      stat: ['text', (u) => u.stat],
      err: ['text', (u) => u.err],
      done_at: ['bigint', (u) => u.doneAt],
    });
    await sql`
      update message_parts as p
      set status = u.status, stat = u.stat, err = u.err, done_at = u.done_at
      from ${rows}
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
  finals: readonly FinalState[],
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
    .set((eb) => ({
      status: 'queued',
      detailed_status: detailedStatus,
      next_attempt_at: nextAttemptAt,
      // The attempt the carrier answered was billed: get_usage counts it beside the next one.
      resubmitted_parts: eb('resubmitted_parts', '+', eb.ref('part_count')),
    }))
    .where('id', '=', messageId)
    .where('status', '=', 'sent')
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  await db.deleteFrom('message_parts').where('message_id', '=', messageId).execute();
  return true;
}

/**
 * Adds numbers to their accounts' suppression lists ("Supprimer ce destinataire"), each new one with
 * its history row (the carrier, the receipt's status); returns those newly suppressed.
 */
export async function suppressNumbers(
  db: Executor,
  entries: readonly Suppression[],
  now: number,
): Promise<Suppression[]> {
  const unique = new Map(entries.map((e) => [`${e.accountId} ${e.number}`, e]));
  const added: Suppression[] = [];
  for (const chunk of chunks([...unique.values()], 300)) {
    const rows = await db
      .insertInto('suppressions')
      .values(
        chunk.map((e) => ({ account_id: e.accountId, number: e.number, reason: e.reason, created_at: now })),
      )
      .onConflict((oc) => oc.columns(['account_id', 'number']).doNothing())
      .returning(['account_id', 'number'])
      .execute();
    const inserted = new Set(rows.map((r) => `${r.account_id} ${r.number}`));
    added.push(...chunk.filter((e) => inserted.has(`${e.accountId} ${e.number}`)));
  }
  await appendSuppressionHistory(
    db,
    added.map((e) => ({
      accountId: e.accountId,
      number: e.number,
      action: 'suppressed',
      source: 'carrier',
      actor: 'carrier',
      reason: e.reason,
      at: now,
    })),
  );
  return added;
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
