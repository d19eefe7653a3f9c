import type { Transaction } from 'kysely';
import { fromStoreTransaction } from '../store/transaction.js';
import type { StoreTransaction } from '../domain/ports/transaction.js';
import { formatUtc } from '../domain/common/dates.js';
import { renderStatusMt } from '../domain/messages/feed.js';
import type { Database } from '../store/schema.js';
import { enqueueWebhookEvents } from '../store/webhooks/webhooks-repo.js';
import type { ReceivedMessage } from '../domain/messages/inbound-service.js';
import type { MessageEvents, MessageStatusEvent } from '../domain/messages/message-events.js';

/** The `mo` payload: get_feed's message object, its datetime in UTC. */
export type InboundWebhookMessage = ReceivedMessage;

export function enqueueInboundWebhook(
  trx: Transaction<Database>,
  message: InboundWebhookMessage,
  now: number,
): Promise<number> {
  return enqueueWebhookEvents(
    trx,
    [
      {
        accountId: message.accountId,
        event: 'mo',
        payload: {
          msg_id: message.messageId,
          direction: 'mo',
          from: message.from,
          to: message.to,
          message: message.text,
          datetime: formatUtc(message.receivedAt),
          part_count: message.partCount,
        },
      },
    ],
    now,
  );
}

/**
 * Every status change the dispatcher and the receipt handler record (sent, delivered, failed)
 * becomes a `status` delivery for the account's webhooks, written in the recording transaction.
 */
export function forwardStatusesToWebhooks(
  events: MessageEvents,
  now: () => number,
  onQueued: () => void,
): void {
  const forward = async (batch: readonly MessageStatusEvent[], tx: StoreTransaction) => {
    const trx = fromStoreTransaction(tx);
    const at = now();
    const queued = await enqueueWebhookEvents(
      trx,
      batch.map((e) => ({
        accountId: e.accountId,
        event: 'status' as const,
        payload: {
          msg_id: e.messageId,
          to: e.toNumber,
          status: e.status,
          status_mt: renderStatusMt({ status: e.status, detailed_status: e.detailedStatus }, true),
          error: e.error,
          broadcast_id: e.broadcastId,
          datetime: formatUtc(at),
        },
      })),
      at,
    );
    // The sender runs after the commit; a rolled-back batch leaves it a poll with nothing to do.
    if (queued > 0) setImmediate(onQueued);
  };
  events.onSent(forward);
  events.onFinal(forward);
}
