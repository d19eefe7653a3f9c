import { formatUtc } from '../common/dates.js';
import { renderStatusMt } from '../messages/feed.js';
import type { MessageStatusEvent } from '../messages/message-events.js';
import type { WebhookEventRecord } from '../ports/webhook-store.js';

/** An inbound message as the `mo` event reports it. */
export interface InboundWebhookMessage {
  readonly accountId: number;
  readonly messageId: number;
  readonly from: string;
  readonly to: string;
  readonly text: string;
  readonly partCount: number;
  readonly receivedAt: number;
}

/** The `mo` event: get_feed's message object, its datetime in UTC. */
export function inboundWebhookEvent(message: InboundWebhookMessage): WebhookEventRecord {
  return {
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
  };
}

/** The `status` events of recorded state changes (sent, delivered, failed), dated `at`. */
export function statusWebhookEvents(events: readonly MessageStatusEvent[], at: number): WebhookEventRecord[] {
  return events.map((e) => ({
    accountId: e.accountId,
    event: 'status',
    payload: {
      msg_id: e.messageId,
      to: e.toNumber,
      status: e.status,
      status_mt: renderStatusMt({ status: e.status, detailed_status: e.detailedStatus }, true),
      error: e.error,
      broadcast_id: e.broadcastId,
      datetime: formatUtc(at),
    },
  }));
}
