import type { Transaction } from 'kysely';
import { inboundWebhookEvent, type InboundWebhookMessage } from '../domain/webhooks/webhook-events.js';
import type { Database } from '../store/schema.js';
import { enqueueWebhookEvents } from '../store/webhooks/webhooks-repo.js';

export type { InboundWebhookMessage };

/**
 * Interim, for the inbound handler only: queues the `mo` event of an inbound message in its
 * transaction. Goes away when the inbound service's store queues
 * `inboundWebhookEvent(message)` with `enqueueWebhookEvents` itself.
 */
export function enqueueInboundWebhook(
  trx: Transaction<Database>,
  message: InboundWebhookMessage,
  now: number,
): Promise<number> {
  return enqueueWebhookEvents(trx, [inboundWebhookEvent(message)], now);
}
