import { sql, type Kysely } from 'kysely';
import { notNull, withId, type Migration } from './helpers.js';

/**
 * The web platform's inbox (issue #13):
 * - `account_events`: what changed for an account (an MO message stored, an outbound message's
 *   status moved), written in the transaction that made the change. Every process's web pages read it
 *   by polling (src/web/live/event-feed.ts), so a page open on one api process sees what a worker
 *   process recorded. Short-lived: a worker prunes rows older than an hour.
 * - `conversations`: one row per account and correspondent number, the inbox's threads: the last
 *   message, its time, and how many inbound messages nobody opened yet. A thread starts with an
 *   inbound message; outbound messages to a number that has a thread move it up. Kept by triggers on
 *   `messages` inserts so every writer (send, broadcast fan-out, opt-out confirmations, the CLI) keeps
 *   it right without knowing: SQLite row triggers (one writer), PostgreSQL statement triggers over
 *   the batch's transition table (one statement per send batch, rows locked in key order so that two
 *   concurrent batches cannot deadlock).
 * A conversation's messages are read through `messages_correspondent` (migration 014).
 */
export const accountEvents: Migration = {
  name: '012-account-events',
  async up({ db, dialect }) {
    await withId(db.schema.createTable('account_events'), dialect)
      .addColumn('account_id', 'bigint', notNull)
      .addColumn('kind', 'text', notNull) // mo | status
      .addColumn('message_id', 'bigint', notNull)
      .addColumn('number', 'text', notNull) // the correspondent: the MO's sender, the MT's recipient
      .addColumn('status', 'text', notNull) // received | sent | delivered | failed
      .addColumn('created_at', 'bigint', notNull)
      .execute();
    // A reconnecting page replays its account's events after the last one it saw.
    await db.schema
      .createIndex('account_events_account')
      .on('account_events')
      .columns(['account_id', 'id'])
      .execute();
    await db.schema.createIndex('account_events_age').on('account_events').column('created_at').execute();

    await db.schema
      .createTable('conversations')
      .addColumn('account_id', 'bigint', notNull)
      .addColumn('number', 'text', notNull)
      .addColumn('last_message_id', 'bigint', notNull)
      .addColumn('last_at', 'bigint', notNull)
      .addColumn('unread', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('conversations_pk', ['account_id', 'number'])
      .execute();
    // The inbox: an account's threads, the latest message first (a keyset on last_message_id).
    await db.schema
      .createIndex('conversations_latest')
      .on('conversations')
      .columns(['account_id', 'last_message_id'])
      .execute();

    // Existing messages: a thread per number that ever wrote, read (nobody is owed an answer from
    // before the inbox existed), its last message whichever direction. Two grouped scans.
    await sql`insert into conversations (account_id, number, last_message_id, last_at, unread)
      select account_id, from_number, max(id), max(created_at), 0
        from messages where direction = 'mo' group by account_id, from_number`.execute(db);
    await sql`update conversations set last_message_id = mt.id, last_at = mt.at
      from (select account_id, to_number, max(id) as id, max(created_at) as at
              from messages where direction = 'mt' group by account_id, to_number) mt
      where conversations.account_id = mt.account_id and conversations.number = mt.to_number
        and mt.id > conversations.last_message_id`.execute(db);

    if (dialect === 'postgres') await postgresTriggers(db);
    else await sqliteTriggers(db);
  },
};

async function sqliteTriggers(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create trigger conversations_mo after insert on messages when new.direction = 'mo' begin
       insert into conversations (account_id, number, last_message_id, last_at, unread)
         values (new.account_id, new.from_number, new.id, new.created_at, 1)
         on conflict (account_id, number) do update set
           last_message_id = max(conversations.last_message_id, excluded.last_message_id),
           last_at = max(conversations.last_at, excluded.last_at),
           unread = conversations.unread + 1;
     end`,
    `create trigger conversations_mt after insert on messages when new.direction = 'mt' begin
       update conversations set last_message_id = max(last_message_id, new.id),
           last_at = max(last_at, new.created_at)
         where account_id = new.account_id and number = new.to_number;
     end`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

async function postgresTriggers(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create function conversations_on_insert() returns trigger language plpgsql as $$
     begin
       -- Lock the batch's existing threads in key order first: two batches touching the same
       -- threads then wait for each other instead of deadlocking.
       perform 1 from conversations c
         where (c.account_id, c.number) in (select account_id,
             case when direction = 'mo' then from_number else to_number end from new_rows)
         order by c.account_id, c.number for update;
       insert into conversations as c (account_id, number, last_message_id, last_at, unread)
         select account_id, from_number, max(id), max(created_at), count(*)
           from new_rows where direction = 'mo'
           group by account_id, from_number order by account_id, from_number
         on conflict (account_id, number) do update set
           last_message_id = greatest(c.last_message_id, excluded.last_message_id),
           last_at = greatest(c.last_at, excluded.last_at),
           unread = c.unread + excluded.unread;
       update conversations c set last_message_id = greatest(c.last_message_id, n.id),
           last_at = greatest(c.last_at, n.at)
         from (select account_id, to_number, max(id) as id, max(created_at) as at
                 from new_rows where direction = 'mt' group by account_id, to_number) n
         where c.account_id = n.account_id and c.number = n.to_number;
       return null;
     end $$`,
    `create trigger conversations_on_insert after insert on messages
       referencing new table as new_rows for each statement execute function conversations_on_insert()`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
