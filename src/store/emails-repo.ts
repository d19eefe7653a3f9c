import type { Kysely } from 'kysely';
import type { NewEmail } from '../domain/outbound.js';
import type { DialectName } from './database.js';
import type { Database } from './schema.js';

/** Queues an outbound email; the email dispatcher sends it. Returns its id (send_email's msg_id). */
export async function insertQueuedEmail(db: Kysely<Database>, email: NewEmail): Promise<number> {
  const row = await db
    .insertInto('emails')
    .values({
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
    })
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
  options: { now: number; leaseUntil: number; limit: number },
): Promise<ClaimedEmail[]> {
  let due = db
    .selectFrom('emails')
    .select('id')
    .where('status', '=', 'queued')
    .where('next_attempt_at', '<=', options.now)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('emails')
    .set({ status: 'sending', lease_until: options.leaseUntil })
    .where('id', 'in', due)
    .returning(['id', 'from_address', 'to_address', 'subject', 'body', 'format', 'attempts'])
    .execute();
  return rows.sort((a, b) => a.id - b.id);
}

export async function releaseExpiredEmailLeases(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .updateTable('emails')
    .set({ status: 'queued', lease_until: null })
    .where('status', '=', 'sending')
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
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
  const base = db
    .updateTable('emails')
    .where('id', '=', outcome.id)
    .where('status', '=', 'sending')
    .where('lease_until', '=', lease);
  if (outcome.kind === 'sent') {
    await base
      .set((eb) => ({
        status: 'sent',
        sent_at: now,
        error: null,
        lease_until: null,
        attempts: eb('attempts', '+', 1),
      }))
      .execute();
  } else if (outcome.kind === 'failed') {
    await base
      .set((eb) => ({
        status: 'failed',
        error: outcome.error,
        lease_until: null,
        attempts: eb('attempts', '+', 1),
      }))
      .execute();
  } else {
    await base
      .set((eb) => ({
        status: 'queued',
        error: outcome.error,
        next_attempt_at: outcome.nextAttemptAt,
        lease_until: null,
        attempts: eb('attempts', '+', 1),
      }))
      .execute();
  }
}

export async function releaseEmailClaims(
  db: Kysely<Database>,
  ids: readonly number[],
  lease: number,
): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('emails')
    .set({ status: 'queued', lease_until: null })
    .where('id', 'in', ids)
    .where('status', '=', 'sending')
    .where('lease_until', '=', lease)
    .execute();
}
