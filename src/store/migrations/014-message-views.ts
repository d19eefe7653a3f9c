import { sql, type Kysely } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * What the messages view and the dashboard need to stay fast on an account of 10,000,000 messages:
 *
 * - **messages_correspondent**: (account_id, the other party's number, created_at, id), the number
 *   being `to_number` for an outbound message and `from_number` for an inbound one. The messages
 *   view's number filter (and a conversation) reads one number's messages in time order from it,
 *   both directions in one range. One expression index instead of two plain ones: a send pays for one
 *   more index entry, not two, and no status change ever touches it.
 * - **message_counts**: messages per account, 15-minute slot of `created_at` and feed status
 *   (`received` for inbound; `queued`, `sent`, `delivered`, `failed` as get_feed's status_mt shows
 *   them), kept by triggers in the very statement that inserts a message or moves its status, so the
 *   dashboard's figures are exact whatever path wrote the row (send, broadcast fan-out, dispatcher,
 *   receipts, opt-out cancelling, inbound). Counting 1,000,000 rows of the last 30 days on each view
 *   would read a million table rows (status is in no index); the dashboard sums at most
 *   30 × 96 × 5 rows instead. Slots of 15 minutes so that "today" starts on a slot boundary in every
 *   time zone (St. John's is UTC−3:30, Kathmandu +5:45). SQLite: row triggers upserting one row
 *   (one writer, no contention; a few µs per row). PostgreSQL: statement triggers over transition
 *   tables that only INSERT one delta row per (slot, status) a statement changed — an upsert would
 *   make the 4 concurrent send transactions queue on the same counter row until each commits, and
 *   could deadlock a dispatcher's recording against a receipt batch; inserts take no row lock. The
 *   reader sums the deltas; `foldMessageCounts` (statistics keeper) folds them back to one row each.
 */
export const MESSAGE_COUNT_SLOT_MS = 900_000;

/** The feed status a message is counted under (renderStatusMt without detailed statuses). */
function countedStatus(row: 'new' | 'old' | 'n' | 'o' | ''): string {
  const p = row === '' ? '' : `${row}.`;
  return `(case when ${p}direction = 'mo' then 'received'
    when ${p}status in ('queued', 'sending') then 'queued'
    when ${p}status = 'cancelled' then 'failed'
    else ${p}status end)`;
}

function slotOf(row: 'new' | 'old' | 'n' | 'o' | ''): string {
  const p = row === '' ? '' : `${row}.`;
  return `(${p}created_at - ${p}created_at % ${MESSAGE_COUNT_SLOT_MS})`;
}

export const messageViews: Migration = {
  name: '014-message-views',
  async up({ db, dialect }) {
    await sql`create index messages_correspondent on messages (account_id,
      (case when direction = 'mo' then from_number else to_number end), created_at, id)`.execute(db);
    await db.schema
      .createTable('message_counts')
      .addColumn('account_id', 'bigint', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('slot', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('total', 'bigint', (c) => c.notNull())
      .execute();
    // The messages view's status filter asks which slots hold a status, newest first (history-repo.ts).
    await sql`create index message_counts_status on message_counts (account_id, status, slot)`.execute(db);
    if (dialect === 'sqlite') await sqliteUp(db);
    else await postgresUp(db);
    await sql
      .raw(
        `insert into message_counts (account_id, slot, status, total)
         select account_id, ${slotOf('')}, ${countedStatus('')}, count(*) from messages
         group by account_id, ${slotOf('')}, ${countedStatus('')}`,
      )
      .execute(db);
  },
};

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index message_counts_key on message_counts (account_id, slot, status)`.execute(db);
  const add = (row: 'new' | 'old', delta: string) =>
    `insert into message_counts (account_id, slot, status, total)
       values (${row}.account_id, ${slotOf(row)}, ${countedStatus(row)}, ${delta})
       on conflict (account_id, slot, status) do update set total = total + excluded.total;`;
  const statements = [
    `create trigger messages_count_insert after insert on messages begin ${add('new', '1')} end`,
    `create trigger messages_count_status after update of status on messages
       when ${countedStatus('old')} <> ${countedStatus('new')} begin
       ${add('old', '-1')}
       ${add('new', '1')}
     end`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  await sql`create index message_counts_key on message_counts (account_id, slot, status)`.execute(db);
  const statements = [
    `create function messages_count_insert() returns trigger language plpgsql as $$
     begin
       insert into message_counts (account_id, slot, status, total)
         select account_id, ${slotOf('')}, ${countedStatus('')}, count(*) from new_rows
         group by 1, 2, 3;
       return null;
     end $$`,
    // Every UPDATE of messages fires this (PostgreSQL allows no column list with transition
    // tables); a claim or a lease renewal changes no counted status and inserts nothing.
    `create function messages_count_update() returns trigger language plpgsql as $$
     begin
       insert into message_counts (account_id, slot, status, total)
         select account_id, slot, status, sum(delta) from (
           select n.account_id, ${slotOf('n')} as slot, ${countedStatus('n')} as status, 1 as delta
             from new_rows n join old_rows o on o.id = n.id
             where ${countedStatus('n')} <> ${countedStatus('o')}
           union all
           select o.account_id, ${slotOf('o')}, ${countedStatus('o')}, -1
             from new_rows n join old_rows o on o.id = n.id
             where ${countedStatus('n')} <> ${countedStatus('o')}
         ) changes
         group by 1, 2, 3 having sum(delta) <> 0;
       return null;
     end $$`,
    `create trigger messages_count_insert after insert on messages
       referencing new table as new_rows for each statement execute function messages_count_insert()`,
    `create trigger messages_count_update after update on messages
       referencing old table as old_rows new table as new_rows
       for each statement execute function messages_count_update()`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
