import type { Insertable } from 'kysely';
import type { NewOutboundMessage } from '../../domain/messages/outbound.js';
import type { NewInboundMessage } from '../../domain/ports/inbound-store.js';
import type { MessagesTable } from '../schema.js';

export type { NewOutboundMessage } from '../../domain/messages/outbound.js';
export type { NewInboundMessage } from '../../domain/ports/inbound-store.js';

/** The `messages` row of a queued outbound SMS: the one place its columns and initial state are written. */
export function outboundMessageRow(message: NewOutboundMessage): Insertable<MessagesTable> {
  return {
    account_id: message.accountId,
    direction: 'mt' as const,
    from_number: message.from,
    to_number: message.to,
    body: message.body,
    part_count: message.partCount,
    encoding: message.encoding,
    status: 'queued',
    detailed_status: null,
    contact_id: message.contactId,
    broadcast_id: message.broadcastId ?? null,
    priority: message.priority,
    idempotency_key: message.idempotencyKey ?? null,
    attempts: 0,
    next_attempt_at: message.acceptedAt,
    lease_until: null,
    error: null,
    created_at: message.acceptedAt,
    sent_at: null,
    done_at: null,
  };
}

/** The `messages` row of a received (MO) SMS: direction `mo`, status `received`, dated at reception. */
export function inboundMessageRow(sms: NewInboundMessage): Insertable<MessagesTable> {
  return {
    account_id: sms.accountId,
    direction: 'mo',
    from_number: sms.from,
    to_number: sms.to,
    body: sms.body,
    part_count: sms.partCount,
    encoding: sms.encoding,
    status: 'received',
    detailed_status: null,
    contact_id: sms.contactId,
    broadcast_id: null,
    priority: 0,
    idempotency_key: null,
    attempts: 0,
    next_attempt_at: 0,
    lease_until: null,
    error: null,
    created_at: sms.receivedAt,
    sent_at: null,
    done_at: null,
    is_kw: sms.isKw === true ? 1 : 0,
  };
}
