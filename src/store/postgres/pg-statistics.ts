import { sql, type Kysely } from 'kysely';
import { foldMessageCounts } from './message-counts-fold.js';
import type { StoreMaintenance } from '../../domain/ports/store-maintenance.js';
import type { Database } from '../schema.js';

/**
 * PostgreSQL plans from its statistics, and autovacuum refreshes them at most once a minute. A
 * broadcast grows `messages` and `message_parts` by 100,000 rows and moves them through four
 * states in less than that: on stale statistics PostgreSQL took 250-id updates for scans of every
 * `sent` row, receipt lookups for sequential scans of message_parts, and sorted every queued row at
 * each claim (100 ms a claim). This re-analyses the tables that changed much since their last
 * ANALYZE, as autovacuum would with a shorter nap.
 */

/** A table is analysed again once this many rows changed, plus this share of its size. */
export const ANALYZE_MIN_CHANGES = 2_000;
export const ANALYZE_CHANGED_SHARE = 0.2;

/** One key for every process: two workers analysing the same table would only wait for each other. */
const ANALYZE_LOCK = sql`hashtext('vudumobile:analyze')`;
/**
 * ANALYZE waits for an autovacuum of the same table, and PostgreSQL cancels the autovacuum once
 * such a wait passes deadlock_timeout (1 s by default): giving up well before keeps vacuum going.
 */
const ANALYZE_LOCK_TIMEOUT = sql.lit('100ms');
const LOCK_NOT_AVAILABLE = '55P03';

/** Analyses the tables of the current schema whose statistics are stale; returns their names. */
export async function analyzeStaleTables(db: Kysely<Database>): Promise<string[]> {
  const stale = await sql<{ name: string }>`
    select s.relname as name
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = current_schema()
      and s.n_mod_since_analyze > ${ANALYZE_MIN_CHANGES} + ${ANALYZE_CHANGED_SHARE} * greatest(c.reltuples, 0)
    order by s.n_mod_since_analyze desc`.execute(db);
  const analyzed: string[] = [];
  for (const { name } of stale.rows) {
    if (await analyzeTable(db, name)) analyzed.push(name);
  }
  return analyzed;
}

/** False when another process is analysing, or the table is busy (an autovacuum). */
async function analyzeTable(db: Kysely<Database>, name: string): Promise<boolean> {
  try {
    return await db.transaction().execute(async (trx) => {
      const lock = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_xact_lock(${ANALYZE_LOCK}) as locked`.execute(trx);
      if (!lock.rows[0]?.locked) return false;
      await sql`set local lock_timeout = ${ANALYZE_LOCK_TIMEOUT}`.execute(trx);
      await sql`analyze ${sql.table(name)}`.execute(trx);
      return true;
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return false;
    throw error;
  }
}

/** PostgreSQL's upkeep (StoreMaintenance): fresh planner statistics. */
export class PostgresMaintenance implements StoreMaintenance {
  constructor(private readonly db: Kysely<Database>) {}

  refreshStatistics(): Promise<string[]> {
    return analyzeStaleTables(this.db);
  }

  foldMessageCounts(): Promise<number> {
    return foldMessageCounts(this.db);
  }
}
