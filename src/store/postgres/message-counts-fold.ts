import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';

/**
 * PostgreSQL's message_counts is a ledger: the triggers of migration 014 append a delta row per
 * (account, slot, status) a statement changed, never updating one, so concurrent send, dispatch and
 * receipt transactions never wait on each other's counter rows. This folds the ledger back to one
 * row per key in one statement: the deleted rows (those committed when it starts) and their sums
 * are one snapshot, and deltas appended meanwhile are left for the next fold, so no count is lost
 * or doubled. Keys whose deltas cancel out leave no row.
 */
export async function foldMessageCounts(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ removed: string | number }>`
    with removed as (
      delete from message_counts
      where (account_id, slot, status) in (
        select account_id, slot, status from message_counts
        group by account_id, slot, status having count(*) > 1 or sum(total) = 0
      )
      returning account_id, slot, status, total
    ), folded as (
      insert into message_counts (account_id, slot, status, total)
      select account_id, slot, status, sum(total) from removed
      group by account_id, slot, status having sum(total) <> 0
    )
    select count(*) as removed from removed`.execute(db);
  return Number(result.rows[0]?.removed ?? 0);
}
