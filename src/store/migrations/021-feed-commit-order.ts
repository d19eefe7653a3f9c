import { sql } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * `get_feed`'s `since_id` cursor made lossless on PostgreSQL. There, several send transactions run
 * at once and take message ids from one sequence, interleaved, then commit in any order: a reader
 * could see id 1005 committed while 1002 was still in flight, move its cursor past 1002, and never
 * see it. Each message now records the id of the transaction that inserted it (`xact_id`); a
 * `since_id` page walks (xact_id, id) and stops below the oldest transaction still in flight
 * (`pg_snapshot_xmin`), so every row it passes over was already committed — or never will be.
 *
 * Rows older than this migration read as 0 (a constant default: no table rewrite); new rows take
 * `pg_current_xact_id()`. SQLite has one writer: its ids are already in commit order.
 */
export const feedCommitOrder: Migration = {
  name: '021-feed-commit-order',
  async up({ db, dialect }) {
    if (dialect !== 'postgres') return;
    await sql`alter table messages add column xact_id bigint not null default 0`.execute(db);
    await sql`alter table messages alter column xact_id set default (pg_current_xact_id()::text::bigint)`.execute(
      db,
    );
    await sql`create index messages_feed_commit_order on messages (account_id, xact_id, id)`.execute(db);
  },
};
