import { tooManyWebhooks, webhookIdRequired, webhookNotFound } from '../errors.js';
import type { MessageEvents, MessageStatusEvent } from '../messages/message-events.js';
import type { StoreTransaction } from '../ports/transaction.js';
import type { DeliveryRecord, Webhook, WebhookEventRecord, WebhookStore } from '../ports/webhook-store.js';
import { inboundWebhookEvent, statusWebhookEvents, type InboundWebhookMessage } from './webhook-events.js';
import { MAX_WEBHOOKS_PER_ACCOUNT, newWebhookSecret, parseWebhookRequest } from './webhooks.js';

export interface WebhookServiceDeps {
  readonly store: WebhookStore;
  readonly now: () => number;
  /** Allow URLs on loopback and private networks (tests, an on-premises receiver). */
  readonly allowPrivate: boolean;
}

/**
 * Webhooks (contract §8): an account's URLs (post_webhook, get_webhooks, delete_webhook) and the
 * queueing of its events — every recorded status change becomes a `status` delivery, written in the
 * recording transaction. Deliveries are posted by WebhookDeliveryService.
 */
export class WebhookService {
  constructor(private readonly deps: WebhookServiceDeps) {}

  /** Registers a URL; the answer carries its secret, shown only this once. */
  async create(
    accountId: number,
    params: { url?: string; events?: string },
  ): Promise<{ webhook: Webhook; secret: string }> {
    const request = parseWebhookRequest(params, this.deps.allowPrivate);
    const secret = newWebhookSecret();
    const outcome = await this.deps.store.insertWebhook(accountId, { ...request, secret }, this.deps.now());
    if (outcome.kind === 'too_many') throw tooManyWebhooks(MAX_WEBHOOKS_PER_ACCOUNT);
    return { webhook: outcome.webhook, secret };
  }

  list(accountId: number): Promise<Webhook[]> {
    return this.deps.store.listWebhooks(accountId);
  }

  /** One of the account's webhooks; another account's is not found (undefined), as if it did not exist. */
  find(accountId: number, id: number): Promise<Webhook | undefined> {
    return this.deps.store.findWebhook(accountId, id);
  }

  /** The newest deliveries of one of the account's webhooks, newest first (none if it is not the account's). */
  recentDeliveries(accountId: number, webhookId: number, limit = 20): Promise<DeliveryRecord[]> {
    return this.deps.store.recentDeliveries(accountId, webhookId, limit);
  }

  /** delete_webhook: the id as the client wrote it; another account's webhook is not found. */
  async delete(accountId: number, rawId: string | undefined): Promise<void> {
    const raw = rawId?.trim() ?? '';
    if (raw === '') throw webhookIdRequired();
    const id = /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
    if (!(await this.deps.store.deleteWebhook(accountId, id))) throw webhookNotFound();
  }

  /**
   * Queues the `mo` event of an inbound message in the transaction that stores it; returns how many
   * deliveries were queued (none when the account has no webhook taking `mo`).
   */
  queueInbound(message: InboundWebhookMessage, tx: StoreTransaction): Promise<number> {
    return this.deps.store.queueEvents(tx, [inboundWebhookEvent(message)], message.receivedAt);
  }

  /** Queues a `keyword` event (keyword-inbound.ts) in the reception transaction; returns the deliveries queued. */
  queueKeyword(record: WebhookEventRecord, tx: StoreTransaction): Promise<number> {
    return this.deps.store.queueEvents(tx, [record], this.deps.now());
  }

  /**
   * Every status change the dispatcher and the receipt handler record (sent, delivered, failed)
   * becomes a `status` delivery for the account's webhooks; `onQueued` (the sender's wake-up) runs
   * after the recording transaction — a rolled-back batch leaves the sender a poll with nothing to do.
   */
  forwardStatuses(events: MessageEvents, onQueued: () => void): void {
    const forward = async (batch: readonly MessageStatusEvent[], tx: StoreTransaction) => {
      const at = this.deps.now();
      const queued = await this.deps.store.queueEvents(tx, statusWebhookEvents(batch, at), at);
      if (queued > 0) setImmediate(onQueued);
    };
    events.onSent(forward);
    events.onFinal(forward);
  }
}
