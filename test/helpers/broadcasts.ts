import { sql, type Kysely } from 'kysely';
import type { BroadcastTexts } from '../../src/domain/broadcasts/broadcasts.js';
import type { MessageStatusEvent } from '../../src/domain/messages/message-events.js';
import type { Platform } from '../../src/main.js';
import type { Database } from '../../src/store/schema.js';
import { toStoreTransaction } from '../../src/store/transaction.js';
import { waitFor } from './messages.js';

// One polling helper for every test: broadcast tests import it from here too.
export { waitFor };

/** A broadcast's six texts: none set, but those given. */
export const makeTexts = (overrides: Partial<BroadcastTexts> = {}): BroadcastTexts => ({
  frMessage: null,
  enMessage: null,
  frSubject: null,
  enSubject: null,
  frEmail: null,
  enEmail: null,
  ...overrides,
});

/** Resolves when the broadcast's fan-out has committed its last batch. */
export function fanOutDone(db: Kysely<Database>, broadcastId: number, timeoutMs = 10_000): Promise<true> {
  return waitFor(
    `fan-out of broadcast ${broadcastId}`,
    async () => {
      const row = await db
        .selectFrom('broadcasts')
        .select('fanout_done')
        .where('id', '=', broadcastId)
        .executeTakeFirst();
      return row?.fanout_done === 1 ? true : undefined;
    },
    timeoutMs,
  );
}

export function broadcastMessages(db: Kysely<Database>, broadcastId: number) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('broadcast_id', '=', broadcastId)
    .orderBy('id')
    .execute();
}

export function broadcastEmails(db: Kysely<Database>, broadcastId: number) {
  return db.selectFrom('emails').selectAll().where('broadcast_id', '=', broadcastId).orderBy('id').execute();
}

/** A delivery outcome, as the dispatcher (sent; failed by transport refusal) or a receipt records it. */
export interface MessageOutcome {
  readonly messageId: number;
  readonly status: 'sent' | 'delivered' | 'failed';
  /** The receipt's `<stat>_<err>` (DELIVRD_000…); present means a receipt arrived. */
  readonly detailedStatus?: string | null;
  readonly error?: string | null;
  readonly at: number;
}

/**
 * Records an outcome on a message row and emits it through the platform's MessageEvents inside the
 * same transaction, as the dispatcher and the receipt handler do: the registered listeners (the
 * broadcast completion among them) run exactly as in production. The dispatcher and the receipt
 * handler themselves are another area's; here a test chooses each outcome and its order.
 */
export async function recordOutcome(platform: Platform, outcome: MessageOutcome): Promise<void> {
  const final = outcome.status !== 'sent';
  const receipt = outcome.detailedStatus !== undefined && outcome.detailedStatus !== null;
  // sent_at: the submit time. A receipt (or a delivery) proves the message was handed over even
  // if its 'sent' was never recorded; a transport rejection leaves it null (never sent).
  const handedOver = outcome.status !== 'failed' || receipt;
  await platform.store.db.transaction().execute(async (trx) => {
    let update = trx
      .updateTable('messages')
      .set({
        status: outcome.status,
        ...(receipt ? { detailed_status: outcome.detailedStatus } : {}),
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        ...(handedOver ? { sent_at: sql<number>`coalesce(sent_at, ${outcome.at})` } : {}),
        ...(final ? { done_at: outcome.at, lease_until: null } : {}),
      })
      .where('id', '=', outcome.messageId);
    // 'sent' never overwrites a final state: a receipt may be recorded before the submit's answer.
    if (!final) update = update.where('status', 'in', ['queued', 'sending']);
    const row = await update.returning(['account_id', 'broadcast_id', 'to_number']).executeTakeFirst();
    if (!row) return;
    const event: MessageStatusEvent = {
      messageId: outcome.messageId,
      accountId: row.account_id,
      broadcastId: row.broadcast_id,
      toNumber: row.to_number,
      status: outcome.status,
      detailedStatus: outcome.detailedStatus ?? null,
      error: outcome.error ?? null,
    };
    await platform.ctx.messageEvents.emit([event], toStoreTransaction(trx));
  });
}

/** The documented key order of a get_broadcasts element. */
export const ITEM_KEYS = [
  'id',
  'number_sent',
  'number_failed',
  'number_delivered',
  'number_total',
  'launch_date',
  'end_date',
  'name',
  'message',
  'broadcast_status',
  'from_groups',
  'list',
];

export const LIST_ROW_KEYS = [
  'id',
  'direction',
  'number',
  'user_id',
  'contact',
  'message',
  'dt',
  'delivered_at',
  'status_mt',
  'replied_at',
  'user_id_replied',
  'deleted',
  'is_kw',
  'part_count',
  'read',
  'flag',
];
