import type { WebhookEvent, WebhookRequest } from '../webhooks/webhooks.js';
import type { BatchLeasedQueueStore, ClaimOptions } from './leased-queue.js';
import type { StoreTransaction } from './transaction.js';

/** A registered webhook as post_webhook and get_webhooks show it (its secret is shown once, at creation). */
export interface Webhook {
  readonly id: number;
  readonly url: string;
  readonly events: readonly WebhookEvent[];
  readonly createdAt: number;
}

/** What registering a webhook did: the account may already hold its MAX_WEBHOOKS_PER_ACCOUNT. */
export type InsertWebhookOutcome =
  { readonly kind: 'inserted'; readonly webhook: Webhook } | { readonly kind: 'too_many' };

/** An event of an account, to be delivered to each of its webhooks that takes its kind. */
export interface WebhookEventRecord {
  readonly accountId: number;
  readonly event: WebhookEvent;
  /** The JSON body's fields after `event`. */
  readonly payload: object;
}

/** The accounts' webhooks and the queueing of their events (src/store/webhooks/webhooks-repo.ts). */
export interface WebhookStore {
  insertWebhook(
    accountId: number,
    request: WebhookRequest & { readonly secret: string },
    now: number,
  ): Promise<InsertWebhookOutcome>;
  listWebhooks(accountId: number): Promise<Webhook[]>;
  /** Deletes one of the account's webhooks and its pending deliveries; false when it has none by that id. */
  deleteWebhook(accountId: number, id: number): Promise<boolean>;
  /** One of the account's webhooks; undefined when it has none by that id. */
  findWebhook(accountId: number, id: number): Promise<Webhook | undefined>;
  /** The newest `limit` deliveries of one of the account's webhooks, newest first (empty if not its). */
  recentDeliveries(accountId: number, webhookId: number, limit: number): Promise<DeliveryRecord[]>;
  /**
   * Writes a delivery for every webhook of each event's account that takes its kind, inside `tx` (the
   * event and its deliveries commit together). Returns how many were queued.
   */
  queueEvents(tx: StoreTransaction, records: readonly WebhookEventRecord[], now: number): Promise<number>;
}

/** A claimed delivery with what posting it needs from its webhook. */
export interface ClaimedDelivery {
  readonly id: number;
  readonly event: string;
  readonly payload: string;
  readonly attempts: number;
  readonly url: string;
  readonly secret: string;
}

/** What an attempt came to; `httpStatus` is the receiver's answer, null when none came. */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly id: number; readonly httpStatus: number }
  | {
      readonly kind: 'retry';
      readonly id: number;
      readonly error: string;
      readonly nextAttemptAt: number;
      readonly httpStatus: number | null;
    }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly error: string;
      readonly httpStatus: number | null;
    };

/** Where a delivery stands, as the Developers page shows it (`sending` is shown as pending). */
export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One delivery of a webhook, for the account that owns it (no payload, no secret). */
export interface DeliveryRecord {
  readonly id: number;
  readonly webhookId: number;
  readonly event: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  /** The HTTP status of the last answer; null before any, or when no answer came. */
  readonly httpStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
}

/** The queue of webhook deliveries (src/store/webhooks/webhooks-repo.ts). */
export interface WebhookDeliveryQueue extends BatchLeasedQueueStore {
  /** Claims due deliveries under a lease, oldest first, with their webhook's URL and secret. */
  claimDue(options: ClaimOptions): Promise<ClaimedDelivery[]>;
  /** Records the outcomes of deliveries this worker still holds (same lease); a taken-over one is left. */
  recordOutcomes(outcomes: readonly DeliveryOutcome[], lease: number, now: number): Promise<void>;
}
