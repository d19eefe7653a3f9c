import type { Insertable } from 'kysely';
import type { NewEmail } from '../../domain/messages/outbound.js';
import type { EmailsTable } from '../schema.js';

/** The `emails` row of a queued outbound email: the one place its columns and initial state are written. */
export function queuedEmailRow(email: NewEmail): Insertable<EmailsTable> {
  return {
    account_id: email.accountId,
    kind: email.kind,
    from_address: email.from,
    to_address: email.to,
    subject: email.subject,
    body: email.body,
    format: email.format,
    status: 'queued',
    error: null,
    contact_id: email.contactId ?? null,
    broadcast_id: email.broadcastId ?? null,
    attempts: 0,
    next_attempt_at: email.acceptedAt,
    lease_until: null,
    created_at: email.acceptedAt,
    sent_at: null,
  };
}
