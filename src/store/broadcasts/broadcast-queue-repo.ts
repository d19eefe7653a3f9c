import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type {
  BroadcastQueueStore,
  FanOutBatch,
  FanOutClaim,
  FanOutOptions,
  MessageOutcome,
  SnapshotRecipient,
} from '../../domain/broadcasts/broadcast-fanout.js';
import { textsOf } from './broadcast-texts.js';
import type { DialectName } from '../database.js';
import type { Database, EmailsTable, MessagesTable } from '../schema.js';
import { inList } from '../value-lists.js';
import { insertUnnest } from '../postgres/unnest.js';

/** Rows per INSERT: 1000 × 16 columns stays far below both engines' bound-parameter limits. */
const INSERT_CHUNK = 1000;

/** SMS states that are not final yet (the dispatcher's in-flight 'sending', and 'sent' awaiting a receipt). */
const SMS_PENDING = ['queued', 'sending', 'sent'];
const EMAIL_PENDING = ['queued', 'sending'];

/** The broadcast fan-out, its completion, and the receipt hook, on SQLite or PostgreSQL. */
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
    return {
      broadcastId: row.id,
      accountId: row.account_id,
      name: row.name,
      texts: textsOf(row),
      fromNumber: row.from_number ?? '',
      mailFrom: row.mail_from ?? '',
      cursor: Number(row.fanout_cursor),
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
      .select(['id', 'contact_id', 'number', 'email', 'name', 'description', 'language'])
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
      name: r.name,
      description: r.description,
      language: r.language,
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
      const outcome = (sms: FanOutBatch['sms'][number]) =>
        sms.failure !== null
          ? { status: 'failed', error: sms.failure }
          : optedOut.has(sms.to)
            ? { status: 'cancelled', error: 'recipient opted out' }
            : { status: 'queued', error: null };
      const dispatchable = batch.sms.filter((s) => outcome(s).status === 'queued').length;
      const slots = await reserveSlots(trx, claim.accountId, dispatchable, options);
      let slot = 0;
      const messages: Insertable<MessagesTable>[] = batch.sms.map((sms) => {
        const { status, error } = outcome(sms);
        const queued = status === 'queued';
        return {
          account_id: claim.accountId,
          direction: 'mt',
          from_number: claim.fromNumber,
          to_number: sms.to,
          body: sms.body,
          part_count: sms.partCount,
          encoding: sms.encoding,
          status,
          contact_id: sms.contactId,
          broadcast_id: claim.broadcastId,
          priority: 1,
          attempts: 0,
          next_attempt_at: queued ? slots(slot++) : now,
          error,
          created_at: now,
          done_at: queued ? null : now,
        };
      });
      const emails: Insertable<EmailsTable>[] = batch.emails.map((email) => ({
        account_id: claim.accountId,
        kind: 'broadcast',
        from_address: claim.mailFrom,
        to_address: email.to,
        subject: email.subject,
        body: email.html,
        format: 'htm',
        status: 'queued',
        contact_id: email.contactId,
        broadcast_id: claim.broadcastId,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      }));
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

  completeIfDone(broadcastId: number, now: number): Promise<boolean> {
    return completeBroadcastIfDone(this.db, broadcastId, now);
  }

  async recordMessageOutcome(outcome: MessageOutcome): Promise<void> {
    const final = outcome.status !== 'sent';
    const receipt = outcome.detailedStatus !== undefined && outcome.detailedStatus !== null;
    // sent_at: the submit time. A receipt (or a delivery) proves the message was handed over even
    // if its 'sent' was never recorded; a transport rejection leaves it null (never sent).
    const handedOver = outcome.status !== 'failed' || receipt;
    await this.db.transaction().execute(async (trx) => {
      let update = trx
        .updateTable('messages')
        .set({
          status: outcome.status,
          ...(receipt ? { detailed_status: outcome.detailedStatus } : {}),
          ...(outcome.error !== undefined ? { error: outcome.error } : {}),
          ...(handedOver ? { sent_at: sql<number>`coalesce(sent_at, ${outcome.at})` } : {}),
          ...(final ? { done_at: outcome.at, lease_until: null } : {}),
        })
        .where('id', '=', outcome.messageId);
      // 'sent' never overwrites a final state: a receipt may be recorded before the submit's answer.
      if (!final) update = update.where('status', 'in', ['queued', 'sending']);
      const row = await update.returning('broadcast_id').executeTakeFirst();
      if (final && row?.broadcast_id != null)
        await completeBroadcastIfDone(trx, row.broadcast_id, outcome.at);
    });
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
 * Spreads a batch over the account's bulk send slots: with a rate of R messages/s, message i of the
 * account's bulk traffic may leave at slot start + i/R s. The next free slot is one row per
 * account, advanced by a single atomic UPDATE, so concurrent broadcasts of one account share the
 * rate. The dispatcher claims only rows whose next_attempt_at has come, which enforces it.
 */
async function reserveSlots(
  trx: Transaction<Database>,
  accountId: number,
  count: number,
  options: FanOutOptions,
): Promise<(index: number) => number> {
  const { now, ratePerSecond } = options;
  if (ratePerSecond === null || count === 0) return () => now;
  const spacingMs = 1000 / ratePerSecond;
  const durationMs = Math.round(count * spacingMs);
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
  return (index) => start + Math.floor(index * spacingMs);
}

/**
 * in_progress → completed when every SMS and email of the broadcast has a final state. Exported for
 * the dispatcher's final-state hook, which runs it inside the transaction recording the outcome.
 */
export async function completeBroadcastIfDone(
  db: Kysely<Database> | Transaction<Database>,
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
            .where('messages.status', 'in', SMS_PENDING),
        ),
      ),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('emails')
            .select('emails.id')
            .where('emails.broadcast_id', '=', broadcastId)
            .where('emails.status', 'in', EMAIL_PENDING),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
