import { sql, type Kysely, type Transaction } from 'kysely';
import type { FeedFilter, FeedRow } from '../../domain/messages/outbound.js';
import type { RecipientState } from '../../domain/messages/send-decision.js';
import type { DialectName } from '../database.js';
import type { Database } from '../schema.js';
import { lastStatement } from '../sqlite/write-priority.js';
import { inList } from '../value-lists.js';
import { outboundMessageRow, type NewOutboundMessage } from './message-rows.js';

export type { NewOutboundMessage } from './message-rows.js';

/** Inserts one queued message inside the caller's transaction; returns its id (the msg_id). */
export async function insertQueuedMessage(
  trx: Kysely<Database> | Transaction<Database>,
  message: NewOutboundMessage,
): Promise<number> {
  const row = await trx
    .insertInto('messages')
    .values(outboundMessageRow(message))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Inserts queued messages with one statement per few hundred rows; returns their ids in the order
 * given. Both engines number the rows of one INSERT in the order of its VALUES (SQLite's rowid and
 * PostgreSQL's identity are drawn row by row), and RETURNING promises no order, so the ids are
 * sorted back into it.
 */
export async function insertQueuedMessages(
  trx: Kysely<Database> | Transaction<Database>,
  messages: readonly NewOutboundMessage[],
  /** The inserts end the transaction: its COMMIT goes with the last one (SQLite: lastStatement). */
  endTransaction = false,
): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < messages.length; i += 150) {
    const chunk = messages.slice(i, i + 150);
    const insert = () =>
      trx.insertInto('messages').values(chunk.map(outboundMessageRow)).returning('id').execute();
    const rows = await (endTransaction && i + 150 >= messages.length ? lastStatement(insert) : insert());
    ids.push(...rows.map((r) => r.id).sort((a, b) => a - b));
  }
  return ids;
}

/** What a batch of sends needs to know of one account, read in one statement. */
export interface SendView {
  /** The account's sender numbers, oldest first (the first is the default From). */
  readonly senders: string[];
  readonly recipients: Map<string, RecipientState>;
}

/**
 * The account's sender numbers, and for each number of the batch its contact and whether it is
 * blocked or suppressed: one statement (a UNION ALL of three index lookups), because on PostgreSQL
 * every statement of the send transaction is a round trip that all of the batch's callers wait on.
 */
export async function sendView(
  db: Kysely<Database>,
  accountId: number,
  numbers: readonly string[],
): Promise<SendView> {
  const unique = [...new Set(numbers)];
  const none = sql<number | null>`null`;
  let query = db
    .selectFrom('account_senders')
    .select((eb) => [
      sql.lit('sender').as('kind'),
      // Typed as wide as the union's other branches.
      eb.ref('number').$castTo<string | null>().as('number'),
      eb.ref('id').$castTo<number | null>().as('id'),
      sql.lit(0).as('blocked'),
    ])
    .where('account_id', '=', accountId);
  if (unique.length > 0) {
    query = query
      .unionAll(
        db
          .selectFrom('contacts')
          .select([sql.lit('contact').as('kind'), 'number', 'id', 'is_blocked as blocked'])
          .where('account_id', '=', accountId)
          .where(inList(db, 'number', unique)),
      )
      .unionAll(
        db
          .selectFrom('suppressions')
          .select([sql.lit('suppressed').as('kind'), 'number', none.as('id'), sql.lit(0).as('blocked')])
          .where('account_id', '=', accountId)
          .where(inList(db, 'number', unique)),
      );
  }
  const rows = await query.execute();
  const senders = rows
    .filter((r) => r.kind === 'sender')
    .sort((x, y) => Number(x.id) - Number(y.id))
    .map((r) => r.number ?? '');
  const suppressed = new Set(rows.filter((r) => r.kind === 'suppressed').map((r) => r.number));
  const recipients = new Map<string, RecipientState>();
  for (const number of unique) recipients.set(number, { contactId: null, blocked: suppressed.has(number) });
  for (const row of rows) {
    if (row.kind !== 'contact' || row.number === null) continue;
    recipients.set(row.number, {
      contactId: Number(row.id),
      blocked: Number(row.blocked) === 1 || suppressed.has(row.number),
    });
  }
  return { senders, recipients };
}

/** The account's contact with this number, for linking a message to it. */
export async function findContactIdByNumber(
  db: Kysely<Database>,
  accountId: number,
  number: string,
): Promise<number | null> {
  const row = await db
    .selectFrom('contacts')
    .select('id')
    .where('account_id', '=', accountId)
    .where('number', '=', number)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The columns of a FeedRow (the messages view reads them too, with `error`). */
export const FEED_COLUMNS = [
  'id',
  'direction',
  'from_number',
  'to_number',
  'body',
  'created_at',
  'part_count',
  'status',
  'detailed_status',
] as const;

/**
 * One page of the feed, oldest first. Answered from the index (account_id, direction, created_at,
 * id) — or (account_id, created_at, id) for both directions — in index order: no scan, no sort.
 *
 * With `since_id` on PostgreSQL the page walks (account_id, xact_id, id) instead (migration 021):
 * concurrent send transactions commit their interleaved ids in any order, so an id cursor could
 * pass over a row still in flight. Ordered by the inserting transaction and stopped below the oldest
 * one still running, every row the cursor passes is already visible, and the cursor loses nothing.
 */
export function feedQuery(db: Kysely<Database>, filter: FeedFilter, cursor?: CommitCursor) {
  let query = db.selectFrom('messages').select(FEED_COLUMNS).where('account_id', '=', filter.accountId);
  if (filter.direction !== 'all') query = query.where('direction', '=', filter.direction);
  query = query.where('created_at', '>=', filter.startAt);
  if (cursor && filter.sinceId !== undefined)
    return query
      .where(sql<boolean>`(xact_id, id) > (${cursor.sinceXact}, ${filter.sinceId})`)
      .where(sql<boolean>`xact_id < ${cursor.horizon}`)
      .orderBy(sql`xact_id`)
      .orderBy('id')
      .limit(filter.limit);
  if (filter.sinceId !== undefined) query = query.where('id', '>', filter.sinceId);
  return query.orderBy('created_at').orderBy('id').limit(filter.limit);
}

/** Where a PostgreSQL `since_id` page starts (its message's transaction) and where it must stop. */
export interface CommitCursor {
  readonly sinceXact: number;
  /**
   * The oldest transaction still running when it was read: every transaction below it had ended,
   * so no row below it can appear later. Read before the page, it is only more cautious.
   */
  readonly horizon: number;
}

/** The cursor of a `since_id` page on PostgreSQL (an unknown id starts from the oldest rows). */
export async function commitCursor(db: Kysely<Database>, filter: FeedFilter): Promise<CommitCursor> {
  const { rows } = await sql<{ since_xact: string | null; horizon: string }>`
    select (select xact_id from messages where id = ${filter.sinceId ?? 0} and account_id = ${filter.accountId})
      as since_xact, pg_snapshot_xmin(pg_current_snapshot())::text as horizon`.execute(db);
  const row = rows[0];
  return { sinceXact: Number(row?.since_xact ?? 0), horizon: Number(row?.horizon ?? 0) };
}

export async function listFeed(
  db: Kysely<Database>,
  filter: FeedFilter,
  dialect: DialectName,
): Promise<FeedRow[]> {
  const cursor =
    dialect === 'postgres' && filter.sinceId !== undefined ? await commitCursor(db, filter) : undefined;
  return feedQuery(db, filter, cursor).execute();
}
