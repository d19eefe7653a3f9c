import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import {
  NO_RECIPIENTS_REASON,
  NO_SENDER_REASON,
  type BroadcastTexts,
  type StartOptions,
  type StartOutcome,
} from '../../domain/broadcasts/broadcasts.js';
import {
  selectRecipients,
  startVerdict,
  type RecipientSelection,
} from '../../domain/broadcasts/broadcast-recipients.js';
import { TEXT_COLUMNS, textsOf } from './broadcast-texts.js';
import type { Database } from '../schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The account's identities for outbound traffic: the broadcast's chosen sender while it is still
 * one of the account's numbers, else the account's first ('' when it has none: no SMS may then be
 * queued, see NoSender); its mail From (else the platform's). */
export async function senderIdentity(
  db: Db,
  accountId: number,
  defaultMailFrom: string,
  chosen: string | null = null,
): Promise<{ number: string; mailFrom: string }> {
  let query = db.selectFrom('account_senders').select('number').where('account_id', '=', accountId);
  // The chosen number sorts first when it is the account's; a number removed since is not used.
  if (chosen !== null) query = query.orderBy(sql`case when number = ${chosen} then 0 else 1 end`);
  const sender = await query.orderBy('id').executeTakeFirst();
  const account = await db
    .selectFrom('accounts')
    .select('mail_from')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return { number: sender?.number ?? '', mailFrom: account?.mail_from || defaultMailFrom };
}

/** Thrown inside the transaction to roll back a start that found nobody to send to. */
class NoRecipients extends Error {}
/** Likewise for a start with SMS to send and no sender number to send them from. */
class NoSender extends Error {}

/** Contacts per snapshot statement: each holds SQLite's single writer for a few ms, not for all. */
const SNAPSHOT_CHUNK = 5000;
/** How long a start may take before another caller may take the broadcast over (a crashed start). */
const START_HOLD_MS = 60_000;

/**
 * Starts a pending broadcast:
 * 1. a conditional UPDATE takes the start: it writes a token in lease_until (unused while pending),
 *    so a second caller, in this process or another on the same database, matches no row; rows a
 *    crashed start left in the snapshot are dropped (contacts may have changed since);
 * 2. the recipients the domain selects (selectRecipients: the targeted groups' contacts, each
 *    once, never a blocked one; no SMS to a suppressed number) are copied in chunks of contact
 *    ids, each one INSERT … SELECT that checks the token. Chunks keep each write short, so a
 *    single `send` never waits for a 100,000-row statement;
 * 3. one transaction moves pending → in_progress (still holding the token) and records the totals.
 *    With no recipient (startVerdict) the API's start is rolled back (the broadcast stays pending,
 *    the caller answers the error); a scheduled start records the broadcast failed.
 * Nothing is fanned out before step 3 commits, so a crash before it leaves a pending broadcast.
 */
export async function startBroadcastInStore(
  db: Kysely<Database>,
  accountId: number,
  id: number,
  options: StartOptions,
): Promise<StartOutcome> {
  const { now } = options;
  // Unique in practice: only one caller holds a given broadcast at a time, and a takeover happens
  // START_HOLD_MS later, with a later token.
  const token = now + START_HOLD_MS;
  const texts = await db.transaction().execute(async (trx) => {
    // The UPDATE is the transaction's first statement: on SQLite a transaction that read before
    // writing cannot wait for another process's write lock (SQLITE_BUSY), one that writes first can.
    let take = trx
      .updateTable('broadcasts')
      .set({ lease_until: token })
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .where('status', '=', 'pending')
      .where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]));
    if (options.scheduled) take = take.where('launch_date', '<=', now);
    const row = await take.returning(TEXT_COLUMNS).executeTakeFirst();
    if (!row) return undefined;
    await trx.deleteFrom('broadcast_recipients').where('broadcast_id', '=', id).execute();
    return textsOf(row);
  });
  if (!texts) return { kind: 'not_pending' };

  const snapshot = { accountId, broadcastId: id, token, texts };
  for (let after = 0; ;) {
    const upTo = await chunkEnd(db, accountId, after);
    await snapshotRecipients(db, snapshot, after, upTo);
    if (upTo === null) break;
    after = upTo;
  }

  try {
    return await db.transaction().execute(async (trx): Promise<StartOutcome> => {
      const claimed = await trx
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
        .where('status', '=', 'pending')
        .where('deleted_at', 'is', null)
        .where('lease_until', '=', token)
        .executeTakeFirst();
      // Deleted meanwhile, or this start took so long that another caller took it over.
      if (Number(claimed.numUpdatedRows) !== 1) return { kind: 'not_pending' };
      const totals = await trx
        .selectFrom('broadcast_recipients')
        .select((eb) => [eb.fn.count<number>('number').as('sms'), eb.fn.count<number>('email').as('email')])
        .where('broadcast_id', '=', id)
        .executeTakeFirstOrThrow();
      const smsTotal = Number(totals.sms);
      const emailTotal = Number(totals.email);
      const verdict = startVerdict(smsTotal + emailTotal, options.scheduled);
      if (verdict === 'refuse') throw new NoRecipients();
      if (verdict === 'fail') {
        await trx
          .updateTable('broadcasts')
          .set({ status: 'failed', end_date: now, error: NO_RECIPIENTS_REASON })
          .where('id', '=', id)
          .execute();
        return { kind: 'no_recipients' };
      }
      const chosen = await trx
        .selectFrom('broadcasts')
        .select('from_number')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      const identity = await senderIdentity(trx, accountId, options.defaultMailFrom, chosen.from_number);
      // Every mt message has a `from` of digits (contract §3.1); an email-only broadcast needs none.
      if (smsTotal > 0 && identity.number === '') {
        if (!options.scheduled) throw new NoSender();
        await trx
          .updateTable('broadcasts')
          .set({ status: 'failed', end_date: now, error: NO_SENDER_REASON })
          .where('id', '=', id)
          .execute();
        return { kind: 'no_sender' };
      }
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
    if (!(error instanceof NoRecipients) && !(error instanceof NoSender)) throw error;
    // Still pending: let the next start (after the user adds contacts) take it at once.
    await db
      .updateTable('broadcasts')
      .set({ lease_until: null })
      .where('id', '=', id)
      .where('lease_until', '=', token)
      .execute();
    return { kind: error instanceof NoSender ? 'no_sender' : 'no_recipients' };
  }
}

interface Snapshot {
  readonly accountId: number;
  readonly broadcastId: number;
  /** The start's token: a chunk copies nothing once another caller has taken the start over. */
  readonly token: number;
  readonly texts: BroadcastTexts;
}

/** The contact id that closes the chunk after `after`, or null when the rest fits in one chunk. */
async function chunkEnd(db: Kysely<Database>, accountId: number, after: number): Promise<number | null> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('account_id', '=', accountId)
    .where('id', '>', after)
    .orderBy('id')
    .offset(SNAPSHOT_CHUNK - 1)
    .limit(1)
    .executeTakeFirst();
  return row ? Number(row.id) : null;
}

async function snapshotRecipients(
  db: Kysely<Database>,
  snapshot: Snapshot,
  after: number,
  upTo: number | null,
): Promise<void> {
  const { accountId, broadcastId } = snapshot;
  const groups = await db
    .selectFrom('broadcast_groups')
    .innerJoin('groups', 'groups.id', 'broadcast_groups.group_id')
    .select(['groups.id', 'groups.system_kind as systemKind'])
    .where('broadcast_groups.broadcast_id', '=', broadcastId)
    .where('groups.account_id', '=', accountId)
    .execute();
  const selection = selectRecipients(groups, snapshot.texts);
  if (selection === null) return;
  const recipients = recipientRows(selection, accountId, after, upTo);
  // Set-based: one statement copies every recipient, whatever their number. The bound id is cast
  // because PostgreSQL would otherwise type a parameter in a select list as text.
  await sql`
    insert into broadcast_recipients (broadcast_id, contact_id, number, email, contact_number, contact_email,
      name, description, language, time_zone)
    select cast(${broadcastId} as bigint), r.contact_id, r.number, r.email, r.contact_number, r.contact_email,
      r.name, r.description, r.language, r.time_zone
    from (${recipients}) r
    where exists (select 1 from broadcasts b where b.id = ${broadcastId} and b.status = 'pending' and b.lease_until = ${snapshot.token})
    order by r.contact_id
  `.execute(db);
}

/**
 * The recipients a selection yields among the contacts with ids in (after, upTo]: the one query
 * both the start's snapshot and the web page's recipient count (countReach) read, so the count a
 * user is shown before a start is the count the start takes: the targeted groups' contacts, each
 * once, never a blocked one; no SMS to a suppressed number; nobody left with nothing to receive.
 */
export function recipientRows(
  selection: RecipientSelection,
  accountId: number,
  after: number,
  upTo: number | null,
): RawBuilder<unknown> {
  const groupFilter = selection.everyone
    ? sql``
    : sql`and exists (select 1 from group_members gm where gm.contact_id = c.id and gm.group_id in (${sql.join(selection.memberOf)}))`;
  // A suppressed number is found by an anti-join (suppressions' key is (account_id, number), so the
  // join never repeats a contact): a subquery in the select list would be one probe per contact.
  const smsNumber = selection.withSms
    ? sql`case when s.number is null then c.number else null end`
    : sql`null`;
  const suppressed = selection.withSms
    ? sql`left join suppressions s on s.account_id = c.account_id and s.number = c.number`
    : sql``;
  const email = selection.withEmail ? sql`c.email` : sql`null`;
  const range = upTo === null ? sql`` : sql`and c.id <= ${upTo}`;
  return sql`
    select * from (
      select c.id as contact_id, ${smsNumber} as number, ${email} as email,
             c.number as contact_number, c.email as contact_email, c.name as name, c.description as description, c.language as language,
             c.time_zone as time_zone
      from contacts c ${suppressed}
      where c.account_id = ${accountId} and c.is_blocked = 0 and c.id > ${after} ${range} ${groupFilter}
    ) rr
    where rr.number is not null or rr.email is not null`;
}
