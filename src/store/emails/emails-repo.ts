import type { Kysely } from 'kysely';
import type { NewEmail } from '../../domain/messages/outbound.js';
import type { DialectName } from '../database.js';
import { claimValues, dueIds, EMAIL_QUEUE, type ClaimOptions } from '../queue/leased-queue.js';
import type { Database } from '../schema.js';
import { queuedEmailRow } from './email-rows.js';

/** Queues an outbound email; the email dispatcher sends it. Returns its id (send_email's msg_id). */
export async function insertQueuedEmail(db: Kysely<Database>, email: NewEmail): Promise<number> {
  const row = await db
    .insertInto('emails')
    .values(queuedEmailRow(email))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ClaimedEmail {
  id: number;
  from_address: string;
  to_address: string;
  subject: string;
  body: string;
  format: string;
  attempts: number;
}

/** Claims due queued emails under a lease (SKIP LOCKED on PostgreSQL), oldest first. */
export async function claimDueEmails(
  db: Kysely<Database>,
  dialect: DialectName,
  options: ClaimOptions,
): Promise<ClaimedEmail[]> {
  const rows = await db
    .updateTable('emails')
    .set(claimValues(EMAIL_QUEUE, options))
    .where('id', 'in', dueIds(db, dialect, EMAIL_QUEUE, options))
    .returning(['id', 'from_address', 'to_address', 'subject', 'body', 'format', 'attempts'])
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

export type EmailOutcome =
  | { readonly kind: 'sent'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly error: string }
  | { readonly kind: 'retry'; readonly id: number; readonly error: string; readonly nextAttemptAt: number };

/** Records one email's outcome, if this dispatcher still holds its lease. */
export async function recordEmailOutcome(
  db: Kysely<Database>,
  outcome: EmailOutcome,
  lease: number,
  now: number,
): Promise<void> {
  const settled =
    outcome.kind === 'sent'
      ? { status: 'sent', sent_at: now, error: null }
      : outcome.kind === 'failed'
        ? { status: 'failed', error: outcome.error }
        : { status: EMAIL_QUEUE.waiting, error: outcome.error, next_attempt_at: outcome.nextAttemptAt };
  await db
    .updateTable('emails')
    .set((eb) => ({ ...settled, lease_until: null, attempts: eb('attempts', '+', 1) }))
    .where('id', '=', outcome.id)
    .where('status', '=', EMAIL_QUEUE.holding)
    .where('lease_until', '=', lease)
    .execute();
}
