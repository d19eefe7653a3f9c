import { readCaslFooter } from '../consent/casl-footer-repo.js';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import {
  UNSETTLED_EMAIL_STATES,
  UNSETTLED_SMS_STATES,
} from '../../domain/broadcasts/broadcast-completion.js';
import { smsDisposition } from '../../domain/broadcasts/broadcast-fanout.js';
import { planPacing } from '../../domain/broadcasts/broadcast-pacing.js';
import type {
  BroadcastQueueStore,
  FanOutBatch,
  FanOutClaim,
  FanOutOptions,
  FanOutSms,
  SnapshotRecipient,
} from '../../domain/ports/broadcast-queue.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import { textsOf } from './broadcast-texts.js';
import type { DialectName } from '../database.js';
import { queuedEmailRow } from '../emails/email-rows.js';
import { outboundMessageRow } from '../messages/message-rows.js';
import type { Database, EmailsTable, MessagesTable } from '../schema.js';
import { fromStoreTransaction, type Executor } from '../transaction.js';
import { inList } from '../value-lists.js';
import { insertUnnest } from '../postgres/unnest.js';

/** Rows per INSERT: 1000 × the row builders' 21 columns stays below both engines' bound-parameter limits (32,766; 65,535). */
const INSERT_CHUNK = 1000;

/** The broadcast fan-out and its completion, on SQLite or PostgreSQL. */
export class BroadcastQueueRepo implements BroadcastQueueStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName = 'sqlite',
  ) {}

  async claimFanOut(now: number, leaseMs: number): Promise<FanOutClaim | undefined> {
    const candidate = await this.db
      .selectFrom('broadcasts')
      .select('id')
      .where('status', '=', 'in_progress')
      .where('fanout_done', '=', 0)
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!candidate) return undefined;
    // The same conditions again in the UPDATE: of two processes racing for it, one matches.
    const row = await this.db
      .updateTable('broadcasts')
      .set({ lease_until: now + leaseMs })
      .where('id', '=', candidate.id)
      .where('status', '=', 'in_progress')
      .where('fanout_done', '=', 0)
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .returningAll()
      .executeTakeFirst();
    if (!row) return undefined;
    const account = await this.db
      .selectFrom('accounts')
      .select(['quiet_start', 'quiet_end', 'time_zone'])
      .where('id', '=', row.account_id)
      .executeTakeFirst();
    const quietWindow =
      account?.quiet_start != null && account.quiet_end != null
        ? { startMinute: Number(account.quiet_start), endMinute: Number(account.quiet_end) }
        : null;
    return {
      broadcastId: row.id,
      accountId: row.account_id,
      name: row.name,
      texts: textsOf(row),
      fromNumber: row.from_number ?? '',
      mailFrom: row.mail_from ?? '',
      quietWindow,
      accountTimeZone: account?.time_zone ?? 'America/Toronto',
      cursor: Number(row.fanout_cursor),
      caslFooter: Number(row.commercial) === 0 ? null : await readCaslFooter(this.db, row.account_id),
    };
  }

  async releaseFanOut(broadcastId: number): Promise<void> {
    await this.db
      .updateTable('broadcasts')
      .set({ lease_until: null })
      .where('id', '=', broadcastId)
      .execute();
  }

  async readRecipients(broadcastId: number, afterId: number, limit: number): Promise<SnapshotRecipient[]> {
    const rows = await this.db
      .selectFrom('broadcast_recipients')
      .select([
        'id',
        'contact_id',
        'number',
        'email',
        // Snapshots taken before migration 020 have no contact_* values: their channels' then.
        (eb) => eb.fn.coalesce('contact_number', 'number').as('contact_number'),
        (eb) => eb.fn.coalesce('contact_email', 'email').as('contact_email'),
        'name',
        'description',
        'language',
        'time_zone',
      ])
      .where('broadcast_id', '=', broadcastId)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      contactId: r.contact_id,
      number: r.number,
      email: r.email,
      contactNumber: r.contact_number,
      contactEmail: r.contact_email,
      name: r.name,
      description: r.description,
      language: r.language,
      timeZone: r.time_zone,
    }));
  }

  async commitBatch(batch: FanOutBatch, options: FanOutOptions): Promise<boolean> {
    const { claim } = batch;
    const { now } = options;
    return this.db.transaction().execute(async (trx) => {
      // First statement: on PostgreSQL it locks the broadcast row, so a concurrent delete_broadcast
      // waits for this batch (and then cancels it) or wins (and this matches nothing).
      const moved = await trx
        .updateTable('broadcasts')
        .set({
          fanout_cursor: batch.toCursor,
          fanout_done: batch.done ? 1 : 0,
          lease_until: batch.done ? null : now + options.leaseMs,
        })
        .where('id', '=', claim.broadcastId)
        .where('fanout_cursor', '=', claim.cursor)
        .where('fanout_done', '=', 0)
        .where('status', '=', 'in_progress')
        .where('deleted_at', 'is', null)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return false;
      // The recipients were resolved at start; a number that opted out (STOP) since is not sent to.
      const optedOut = await suppressedAmong(
        trx,
        claim.accountId,
        batch.sms.map((s) => s.to),
      );
      const outcomes = batch.sms.map((sms) => ({ sms, ...smsDisposition(sms, optedOut) }));
      const dispatchable = outcomes.filter((o) => o.status === 'queued').length;
      const slots = await reserveSlots(trx, claim.accountId, dispatchable, options);
      let slot = 0;
      // Quiet hours (domain rule): a held message waits, queued, until its window ends.
      const { quiet } = options;
      const dueAt = (sms: FanOutSms, at: number): number =>
        quiet ? quiet.dueAt(sms.to, at, now, sms.timeZone) : at;
      const messages: Insertable<MessagesTable>[] = outcomes.map(({ sms, status, error }) => {
        const queued = status === 'queued';
        return {
          ...outboundMessageRow({
            accountId: claim.accountId,
            from: claim.fromNumber,
            to: sms.to,
            body: sms.body,
            partCount: sms.partCount,
            encoding: sms.encoding,
            contactId: sms.contactId,
            broadcastId: claim.broadcastId,
            priority: 1,
            acceptedAt: now,
          }),
          status,
          next_attempt_at: queued ? dueAt(sms, slots(slot++)) : now,
          error,
          done_at: queued ? null : now,
        };
      });
      const emails: Insertable<EmailsTable>[] = batch.emails.map((email) =>
        queuedEmailRow({
          accountId: claim.accountId,
          kind: 'broadcast',
          from: claim.mailFrom,
          to: email.to,
          subject: email.subject,
          body: email.html,
          format: 'htm',
          contactId: email.contactId,
          broadcastId: claim.broadcastId,
          acceptedAt: now,
        }),
      );
      if (this.dialect === 'postgres') await insertMessagesUnnest(trx, messages);
      else
        for (let i = 0; i < messages.length; i += INSERT_CHUNK) {
          await trx
            .insertInto('messages')
            .values(messages.slice(i, i + INSERT_CHUNK))
            .execute();
        }
      for (let i = 0; i < emails.length; i += INSERT_CHUNK) {
        await trx
          .insertInto('emails')
          .values(emails.slice(i, i + INSERT_CHUNK))
          .execute();
      }
      return true;
    });
  }

  async awaitingCompletion(): Promise<number[]> {
    const rows = await this.db
      .selectFrom('broadcasts')
      .select('id')
      .where('status', '=', 'in_progress')
      .where('fanout_done', '=', 1)
      .where('deleted_at', 'is', null)
      .execute();
    return rows.map((r) => r.id);
  }

  completeIfDone(broadcastId: number, now: number, tx?: StoreTransaction): Promise<boolean> {
    return completeBroadcastIfDone(tx ? fromStoreTransaction(tx) : this.db, broadcastId, now);
  }
}

/**
 * PostgreSQL: a batch of broadcast messages in one INSERT … SELECT FROM unnest(column arrays): 14
 * parameters whatever the batch size, where a VALUES list binds 14 per row and PostgreSQL parses
 * each one.
 */
async function insertMessagesUnnest(
  trx: Transaction<Database>,
  messages: readonly Insertable<MessagesTable>[],
): Promise<void> {
  await insertUnnest(trx, 'messages', messages, {
    account_id: ['bigint', (m) => m.account_id],
    direction: ['text', (m) => m.direction],
    from_number: ['text', (m) => m.from_number],
    to_number: ['text', (m) => m.to_number],
    body: ['text', (m) => m.body],
    part_count: ['integer', (m) => m.part_count],
    encoding: ['text', (m) => m.encoding],
    status: ['text', (m) => m.status],
    contact_id: ['bigint', (m) => m.contact_id],
    broadcast_id: ['bigint', (m) => m.broadcast_id],
    priority: ['integer', (m) => m.priority],
    attempts: ['integer', (m) => m.attempts ?? 0],
    next_attempt_at: ['bigint', (m) => m.next_attempt_at],
    error: ['text', (m) => m.error],
    created_at: ['bigint', (m) => m.created_at],
    done_at: ['bigint', (m) => m.done_at],
  });
}

/** Which of these numbers are on the account's suppression list (opted out, or undeliverable). */
async function suppressedAmong(
  trx: Transaction<Database>,
  accountId: number,
  numbers: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < numbers.length; i += INSERT_CHUNK) {
    const rows = await trx
      .selectFrom('suppressions')
      .select('number')
      .where('account_id', '=', accountId)
      .where(inList(trx, 'number', numbers.slice(i, i + INSERT_CHUNK)))
      .execute();
    for (const row of rows) found.add(row.number);
  }
  return found;
}

/**
 * Reserves the batch's window of the account's bulk send slots (planPacing): the next free slot is
 * one row per account, advanced by a single atomic UPDATE, so concurrent broadcasts of one account
 * share the rate.
 */
async function reserveSlots(
  trx: Transaction<Database>,
  accountId: number,
  count: number,
  options: FanOutOptions,
): Promise<(index: number) => number> {
  const { now } = options;
  const plan = planPacing(count, options.ratePerSecond);
  if (plan === null) return () => now;
  const { durationMs } = plan;
  await trx
    .insertInto('broadcast_pacing')
    .values({ account_id: accountId, next_slot_at: now })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute();
  const row = await trx
    .updateTable('broadcast_pacing')
    .set({
      next_slot_at: sql<number>`(case when next_slot_at < ${now} then ${now} else next_slot_at end) + ${durationMs}`,
    })
    .where('account_id', '=', accountId)
    .returning('next_slot_at')
    .executeTakeFirstOrThrow();
  const start = Number(row.next_slot_at) - durationMs;
  return (index) => plan.slotAt(start, index);
}

/**
 * in_progress → completed when the fan-out is finished and no SMS or email of the broadcast is in an
 * unsettled state (BroadcastCompletion decides when to ask; this is its one check). Exported for the
 * opt-out's cancelling, which runs it inside its own transaction.
 */
export async function completeBroadcastIfDone(
  db: Executor,
  broadcastId: number,
  now: number,
): Promise<boolean> {
  // First take the broadcast's row lock (a no-op write; PostgreSQL, where SQLite serialises anyway),
  // and only once its fan-out is done. Without it, two transactions settling the last two messages
  // on two processes each see the other's message still pending, and neither completes it; with
  // it, the second waits for the first to commit and its check below then sees both.
  const locked = await db
    .updateTable('broadcasts')
    .set((eb) => ({ fanout_done: eb.ref('fanout_done') }))
    .where('id', '=', broadcastId)
    .where('status', '=', 'in_progress')
    .where('fanout_done', '=', 1)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) return false;
  // One statement: the check and the change cannot be separated by a concurrent outcome.
  const result = await db
    .updateTable('broadcasts')
    .set({ status: 'completed', end_date: now, lease_until: null })
    .where('id', '=', broadcastId)
    .where('status', '=', 'in_progress')
    .where('fanout_done', '=', 1)
    .where('deleted_at', 'is', null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('messages')
            .select('messages.id')
            .where('messages.broadcast_id', '=', broadcastId)
            .where('messages.status', 'in', UNSETTLED_SMS_STATES),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('emails')
            .select('emails.id')
            .where('emails.broadcast_id', '=', broadcastId)
            .where('emails.status', 'in', UNSETTLED_EMAIL_STATES),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
