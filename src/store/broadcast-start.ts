import { sql, type Kysely, type Transaction } from 'kysely';
import { BROADCAST_ERRORS, type StartOptions, type StartOutcome } from '../domain/broadcasts.js';
import { hasEmailText, hasSmsText } from '../domain/broadcast-render.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The account's identities for outbound traffic: its first sender number ('' when it has none yet,
 * the connector's default source address then applies) and its mail From (else the platform's). */
export async function senderIdentity(
  db: Db,
  accountId: number,
  defaultMailFrom: string,
): Promise<{ number: string; mailFrom: string }> {
  const sender = await db
    .selectFrom('account_senders')
    .select('number')
    .where('account_id', '=', accountId)
    .orderBy('id')
    .executeTakeFirst();
  const account = await db
    .selectFrom('accounts')
    .select('mail_from')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return { number: sender?.number ?? '', mailFrom: account?.mail_from || defaultMailFrom };
}

/** Thrown inside the transaction to roll back a start that found nobody to send to. */
class NoRecipients extends Error {}

/**
 * Starts a pending broadcast in one transaction:
 * 1. the conditional UPDATE pending → in_progress claims it (a second caller, in this process or
 *    another on the same database, matches no row: one start only);
 * 2. one INSERT … SELECT snapshots the recipients: contacts of the targeted groups, each once
 *    (Tous means every contact; Blocked contributes nobody), blocked contacts excluded, a number on
 *    the account's suppression list gets no SMS, a contact with nothing to receive is left out;
 * 3. the totals are recorded. With no recipient the API's start is rolled back (the broadcast
 *    stays pending, the caller answers the error); a scheduled start records the broadcast failed.
 */
export async function startBroadcastInStore(
  db: Kysely<Database>,
  accountId: number,
  id: number,
  options: StartOptions,
): Promise<StartOutcome> {
  const { now } = options;
  try {
    return await db.transaction().execute(async (trx): Promise<StartOutcome> => {
      // The claim is the transaction's first statement: on SQLite a transaction that read before
      // writing cannot wait for another process's write lock (SQLITE_BUSY), one that writes first can.
      let claim = trx
        .updateTable('broadcasts')
        .set({
          status: 'in_progress',
          started_at: now,
          // A launch_date already passed is kept (the scheduled time); otherwise the actual start.
          launch_date: sql<number>`case when launch_date is not null and launch_date <= ${now} then launch_date else ${now} end`,
          fanout_cursor: 0,
          fanout_done: 0,
          lease_until: null,
        })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('status', '=', 'pending')
        .where('deleted_at', 'is', null);
      if (options.scheduled) claim = claim.where('launch_date', '<=', now);
      const row = await claim
        .returning(['fr_message', 'en_message', 'fr_subject', 'en_subject', 'fr_email', 'en_email'])
        .executeTakeFirst();
      if (!row) return { kind: 'not_pending' };
      const texts = {
        frMessage: row.fr_message,
        enMessage: row.en_message,
        frSubject: row.fr_subject,
        enSubject: row.en_subject,
        frEmail: row.fr_email,
        enEmail: row.en_email,
      };
      await snapshotRecipients(trx, accountId, id, hasSmsText(texts), hasEmailText(texts));
      const totals = await trx
        .selectFrom('broadcast_recipients')
        .select((eb) => [eb.fn.count<number>('number').as('sms'), eb.fn.count<number>('email').as('email')])
        .where('broadcast_id', '=', id)
        .executeTakeFirstOrThrow();
      const smsTotal = Number(totals.sms);
      const emailTotal = Number(totals.email);
      if (smsTotal + emailTotal === 0) {
        if (!options.scheduled) throw new NoRecipients();
        await trx
          .updateTable('broadcasts')
          .set({ status: 'failed', end_date: now, error: BROADCAST_ERRORS.noRecipients })
          .where('id', '=', id)
          .execute();
        return { kind: 'no_recipients' };
      }
      const identity = await senderIdentity(trx, accountId, options.defaultMailFrom);
      await trx
        .updateTable('broadcasts')
        .set({
          sms_total: smsTotal,
          email_total: emailTotal,
          from_number: identity.number,
          mail_from: identity.mailFrom,
        })
        .where('id', '=', id)
        .execute();
      return { kind: 'started', smsTotal, emailTotal };
    });
  } catch (error) {
    if (error instanceof NoRecipients) return { kind: 'no_recipients' };
    throw error;
  }
}

async function snapshotRecipients(
  trx: Transaction<Database>,
  accountId: number,
  broadcastId: number,
  withSms: boolean,
  withEmail: boolean,
): Promise<void> {
  const groups = await trx
    .selectFrom('broadcast_groups')
    .innerJoin('groups', 'groups.id', 'broadcast_groups.group_id')
    .select(['groups.id', 'groups.system_kind'])
    .where('broadcast_groups.broadcast_id', '=', broadcastId)
    .where('groups.account_id', '=', accountId)
    .execute();
  const everyone = groups.some((g) => g.system_kind === 'all');
  // Blocked's members are exactly the blocked contacts, whom a broadcast never reaches.
  const memberGroups = groups.filter((g) => g.system_kind === null).map((g) => g.id);
  if (!everyone && memberGroups.length === 0) return;
  const groupFilter = everyone
    ? sql``
    : sql`and exists (select 1 from group_members gm where gm.contact_id = c.id and gm.group_id in (${sql.join(memberGroups)}))`;
  const smsNumber = withSms
    ? sql`case when c.number is not null and not exists (select 1 from suppressions s where s.account_id = c.account_id and s.number = c.number) then c.number else null end`
    : sql`null`;
  const email = withEmail ? sql`c.email` : sql`null`;
  // Set-based: one statement copies every recipient, whatever their number. The bound id is cast
  // because PostgreSQL would otherwise type a parameter in a select list as text.
  await sql`
    insert into broadcast_recipients (broadcast_id, contact_id, number, email, name, description, language)
    select cast(${broadcastId} as bigint), r.contact_id, r.number, r.email, r.name, r.description, r.language
    from (
      select c.id as contact_id, ${smsNumber} as number, ${email} as email,
             c.name as name, c.description as description, c.language as language
      from contacts c
      where c.account_id = ${accountId} and c.is_blocked = 0 ${groupFilter}
    ) r
    where r.number is not null or r.email is not null
    order by r.contact_id
  `.execute(trx);
}
