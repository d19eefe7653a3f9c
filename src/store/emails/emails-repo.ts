import type { Kysely } from 'kysely';
import type { ClaimedEmail, EmailOutcome, EmailQueue } from '../../domain/ports/email-queue.js';
import type { NewEmail } from '../../domain/messages/outbound.js';
import type { Store } from '../database.js';
import {
  claimValues,
  dueIds,
  EMAIL_QUEUE,
  releaseExpiredLeases,
  releaseUntried,
  type ClaimOptions,
} from '../queue/leased-queue.js';
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

/** The emails queue (domain/ports/email-queue.ts) on the store's database. */
export class EmailQueueRepo implements EmailQueue {
  constructor(private readonly store: Store) {}

  /** Claims due queued emails under a lease (SKIP LOCKED on PostgreSQL), oldest first. */
  async claimDue(options: ClaimOptions): Promise<ClaimedEmail[]> {
    const { db, dialect } = this.store;
    const rows = await db
      .updateTable('emails')
      .set(claimValues(EMAIL_QUEUE, options))
      .where('id', 'in', dueIds(db, dialect, EMAIL_QUEUE, options))
      .returning(['id', 'from_address', 'to_address', 'subject', 'body', 'format', 'attempts'])
      .execute();
    return rows.sort((a, b) => a.id - b.id);
  }

  /** Records one email's outcome, if this dispatcher still holds its lease. */
  async recordOutcome(outcome: EmailOutcome, lease: number, now: number): Promise<void> {
    const settled =
      outcome.kind === 'sent'
        ? { status: 'sent', sent_at: now, error: null }
        : outcome.kind === 'failed'
          ? { status: 'failed', error: outcome.error }
          : { status: EMAIL_QUEUE.waiting, error: outcome.error, next_attempt_at: outcome.nextAttemptAt };
    await this.store.db
      .updateTable('emails')
      .set((eb) => ({ ...settled, lease_until: null, attempts: eb('attempts', '+', 1) }))
      .where('id', '=', outcome.id)
      .where('status', '=', EMAIL_QUEUE.holding)
      .where('lease_until', '=', lease)
      .execute();
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return releaseExpiredLeases(this.store.db, EMAIL_QUEUE, now);
  }

  releaseUntried(ids: readonly number[], lease: number): Promise<void> {
    return releaseUntried(this.store.db, EMAIL_QUEUE, ids, lease);
  }
}
