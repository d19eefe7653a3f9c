import type { Kysely, Transaction } from 'kysely';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import type {
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRecord,
  DeliveryState,
  InsertWebhookOutcome,
  Webhook,
  WebhookDeliveryQueue,
  WebhookEventRecord,
  WebhookStore,
} from '../../domain/ports/webhook-store.js';
import {
  MAX_WEBHOOKS_PER_ACCOUNT,
  WEBHOOK_EVENTS,
  type WebhookRequest,
} from '../../domain/webhooks/webhooks.js';
import type { DialectName, Store } from '../database.js';
import {
  claimValues,
  dueIds,
  releaseExpiredLeases,
  releaseUntried,
  WEBHOOK_QUEUE,
  type ClaimOptions,
} from '../queue/leased-queue.js';
import type { Database } from '../schema.js';
import { fromStoreTransaction } from '../transaction.js';

function toWebhook(row: { id: number; url: string; events: string; created_at: number }): Webhook {
  const events = row.events.split(',');
  return {
    id: row.id,
    url: row.url,
    events: WEBHOOK_EVENTS.filter((e) => events.includes(e)),
    createdAt: Number(row.created_at),
  };
}

export async function insertWebhook(
  db: Kysely<Database>,
  accountId: number,
  request: WebhookRequest & { readonly secret: string },
  now: number,
): Promise<InsertWebhookOutcome> {
  return db.transaction().execute(async (trx) => {
    const { n } = await trx
      .selectFrom('webhooks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_WEBHOOKS_PER_ACCOUNT) return { kind: 'too_many' };
    const row = await trx
      .insertInto('webhooks')
      .values({
        account_id: accountId,
        url: request.url,
        events: request.events.join(','),
        secret: request.secret,
        created_at: now,
      })
      .returning(['id', 'url', 'events', 'created_at'])
      .executeTakeFirstOrThrow();
    return { kind: 'inserted', webhook: toWebhook(row) };
  });
}

export async function listWebhooks(db: Kysely<Database>, accountId: number): Promise<Webhook[]> {
  const rows = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'events', 'created_at'])
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map(toWebhook);
}

/** Deletes one of the account's webhooks; its pending deliveries go with it. */
export async function deleteWebhook(db: Kysely<Database>, accountId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('webhooks')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function findWebhook(
  db: Kysely<Database>,
  accountId: number,
  id: number,
): Promise<Webhook | undefined> {
  const row = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'events', 'created_at'])
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toWebhook(row);
}

function deliveryState(status: string): DeliveryState {
  return status === 'delivered' || status === 'failed' ? status : 'pending';
}

/** The newest deliveries of one of the account's webhooks, on the (webhook_id, id) index. */
export async function recentDeliveries(
  db: Kysely<Database>,
  accountId: number,
  webhookId: number,
  limit: number,
): Promise<DeliveryRecord[]> {
  const rows = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .select([
      'd.id',
      'd.webhook_id',
      'd.event',
      'd.status',
      'd.attempts',
      'd.http_status',
      'd.last_error',
      'd.created_at',
      'd.delivered_at',
    ])
    .where('w.account_id', '=', accountId)
    .where('d.webhook_id', '=', webhookId)
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    webhookId: row.webhook_id,
    event: row.event,
    state: deliveryState(row.status),
    attempts: row.attempts,
    httpStatus: row.http_status === null ? null : Number(row.http_status),
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
  }));
}

/**
 * Writes a delivery for every webhook of the event's account that takes its kind, inside the
 * caller's transaction: the event and its deliveries commit together. One query finds the webhooks
 * of every account concerned, so an account without webhooks costs a single indexed lookup.
 */
export async function enqueueWebhookEvents(
  trx: Kysely<Database> | Transaction<Database>,
  records: readonly WebhookEventRecord[],
  now: number,
): Promise<number> {
  if (records.length === 0) return 0;
  const accountIds = [...new Set(records.map((r) => r.accountId))];
  const hooks = await trx
    .selectFrom('webhooks')
    .select(['id', 'account_id', 'events'])
    .where('account_id', 'in', accountIds)
    .execute();
  if (hooks.length === 0) return 0;
  const deliveries = records.flatMap((record) =>
    hooks
      .filter((h) => h.account_id === record.accountId && h.events.split(',').includes(record.event))
      .map((h) => ({
        webhook_id: h.id,
        event: record.event,
        payload: JSON.stringify({ event: record.event, ...record.payload }),
        status: 'queued',
        next_attempt_at: now,
        created_at: now,
      })),
  );
  for (let i = 0; i < deliveries.length; i += 300)
    await trx
      .insertInto('webhook_deliveries')
      .values(deliveries.slice(i, i + 300))
      .execute();
  return deliveries.length;
}

/** Claims due deliveries under a lease (SKIP LOCKED on PostgreSQL), oldest first, with their webhook. */
export async function claimDueDeliveries(
  db: Kysely<Database>,
  dialect: DialectName,
  options: ClaimOptions,
): Promise<ClaimedDelivery[]> {
  const claimed = await db
    .updateTable('webhook_deliveries')
    .set(claimValues(WEBHOOK_QUEUE, options))
    .where('id', 'in', dueIds(db, dialect, WEBHOOK_QUEUE, options))
    .returning(['id', 'webhook_id', 'event', 'payload', 'attempts'])
    .execute();
  if (claimed.length === 0) return [];
  const hooks = await db
    .selectFrom('webhooks')
    .select(['id', 'url', 'secret'])
    .where('id', 'in', [...new Set(claimed.map((c) => c.webhook_id))])
    .execute();
  const byId = new Map(hooks.map((h) => [h.id, h]));
  return claimed
    .sort((a, b) => a.id - b.id)
    .flatMap((c) => {
      const hook = byId.get(c.webhook_id);
      return hook
        ? [
            {
              id: c.id,
              event: c.event,
              payload: c.payload,
              attempts: c.attempts,
              url: hook.url,
              secret: hook.secret,
            },
          ]
        : [];
    });
}

/** Records outcomes of deliveries this worker still holds (same lease); a taken-over one is left. */
export async function recordDeliveryOutcomes(
  db: Kysely<Database>,
  outcomes: readonly DeliveryOutcome[],
  lease: number,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const held = (id: number) =>
      trx
        .updateTable('webhook_deliveries')
        .where('id', '=', id)
        .where('status', '=', WEBHOOK_QUEUE.holding)
        .where('lease_until', '=', lease);
    // Delivered ones are written a status at a time: one statement for a batch of 200s.
    const delivered = new Map<number, number[]>();
    for (const o of outcomes)
      if (o.kind === 'delivered') delivered.set(o.httpStatus, [...(delivered.get(o.httpStatus) ?? []), o.id]);
    for (const [httpStatus, ids] of delivered)
      await trx
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: 'delivered',
          delivered_at: now,
          lease_until: null,
          http_status: httpStatus,
          attempts: eb('attempts', '+', 1),
        }))
        .where('id', 'in', ids)
        .where('status', '=', WEBHOOK_QUEUE.holding)
        .where('lease_until', '=', lease)
        .execute();
    for (const outcome of outcomes) {
      if (outcome.kind === 'retry')
        await held(outcome.id)
          .set((eb) => ({
            status: WEBHOOK_QUEUE.waiting,
            next_attempt_at: outcome.nextAttemptAt,
            last_error: outcome.error,
            http_status: outcome.httpStatus,
            lease_until: null,
            attempts: eb('attempts', '+', 1),
          }))
          .execute();
      else if (outcome.kind === 'failed')
        await held(outcome.id)
          .set((eb) => ({
            status: 'failed',
            last_error: outcome.error,
            http_status: outcome.httpStatus,
            lease_until: null,
            attempts: eb('attempts', '+', 1),
          }))
          .execute();
    }
  });
}

/** The accounts' webhooks (domain/ports/webhook-store.ts) on the store's database. */
export class WebhooksRepo implements WebhookStore {
  constructor(private readonly db: Kysely<Database>) {}

  insertWebhook(
    accountId: number,
    request: WebhookRequest & { readonly secret: string },
    now: number,
  ): Promise<InsertWebhookOutcome> {
    return insertWebhook(this.db, accountId, request, now);
  }

  listWebhooks(accountId: number): Promise<Webhook[]> {
    return listWebhooks(this.db, accountId);
  }

  deleteWebhook(accountId: number, id: number): Promise<boolean> {
    return deleteWebhook(this.db, accountId, id);
  }

  findWebhook(accountId: number, id: number): Promise<Webhook | undefined> {
    return findWebhook(this.db, accountId, id);
  }

  recentDeliveries(accountId: number, webhookId: number, limit: number): Promise<DeliveryRecord[]> {
    return recentDeliveries(this.db, accountId, webhookId, limit);
  }

  queueEvents(tx: StoreTransaction, records: readonly WebhookEventRecord[], now: number): Promise<number> {
    return enqueueWebhookEvents(fromStoreTransaction(tx), records, now);
  }
}

/** The webhook deliveries queue (domain/ports/webhook-store.ts) on the store's database. */
export class WebhookDeliveryRepo implements WebhookDeliveryQueue {
  constructor(private readonly store: Store) {}

  claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]> {
    return claimDueDeliveries(this.store.db, this.store.dialect, options);
  }

  recordOutcomes(outcomes: readonly DeliveryOutcome[], lease: number, now: number): Promise<void> {
    return recordDeliveryOutcomes(this.store.db, outcomes, lease, now);
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return releaseExpiredLeases(this.store.db, WEBHOOK_QUEUE, now);
  }

  releaseUntried(ids: readonly number[], lease: number): Promise<void> {
    return releaseUntried(this.store.db, WEBHOOK_QUEUE, ids, lease);
  }
}
