import { sql, type Kysely } from 'kysely';
import { readConfig } from '../../src/config.js';
import { openMigratedStore } from '../../src/main.js';
import type { Database } from '../../src/store/schema.js';

/**
 * A completed broadcast of `rows` delivered SMS, written straight into `broadcasts` and `messages`
 * by INSERT … SELECT over a generated series (SQLite: a recursive CTE; PostgreSQL: generate_series),
 * so that the paging test and bench/broadcast-pages.ts can build 100,000-row lists in seconds
 * without a fan-out. Recipients are 15145000000 + i; each message is its own contact_id (the
 * unique (broadcast_id, contact_id) index holds).
 */
export interface SeededBroadcast {
  readonly accountId: number;
  readonly name: string;
  readonly rows: number;
  readonly sender: string;
  readonly now: number;
}

const CHUNK = 50_000;

export async function seedCompletedBroadcast(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  seed: SeededBroadcast,
): Promise<number> {
  const { id } = await db
    .insertInto('broadcasts')
    .values({
      account_id: seed.accountId,
      name: seed.name,
      fr_message: 'Bonjour _NAME_, le concours commence à 7 h!',
      status: 'completed',
      launch_date: seed.now - 3_600_000,
      end_date: seed.now,
      from_number: seed.sender,
      sms_total: seed.rows,
      email_total: 0,
      fanout_cursor: seed.rows,
      fanout_done: 1,
      created_at: seed.now - 7_200_000,
      started_at: seed.now - 3_600_000,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (let first = 1; first <= seed.rows; first += CHUNK) {
    const last = Math.min(seed.rows, first + CHUNK - 1);
    const series =
      dialect === 'postgres'
        ? sql`select g::bigint as i from generate_series(${first}::bigint, ${last}::bigint) g`
        : sql`select i from (with recursive s(i) as (select ${sql.lit(first)} union all select i + 1 from s where i < ${sql.lit(last)}) select i from s)`;
    // Numbers that become text are literals: better-sqlite3 binds a JS number as a REAL.
    await sql`
      insert into messages (account_id, direction, from_number, to_number, body, part_count, encoding,
        status, detailed_status, contact_id, broadcast_id, priority, attempts, next_attempt_at,
        created_at, sent_at, done_at)
      select ${seed.accountId}, 'mt', ${seed.sender}, cast(15145000000 + i as text),
        'Bonjour Auditeur ' || cast(i as text) || ', le concours commence à 7 h!', 1, 'UCS-2',
        'delivered', 'DELIVRD_000', i, ${id}, 1, 1, 0,
        cast(${sql.lit(seed.now - 3_600_000)} + i as bigint), cast(${sql.lit(seed.now - 3_600_000)} + i as bigint),
        cast(${sql.lit(seed.now - 3_000_000)} + i as bigint)
      from (${series}) g`.execute(db);
  }
  return id;
}

/**
 * A server's first-run account (the database's first) given one completed broadcast of `rows` per
 * name, through a store of its own on `databaseUrl`; then `analyze`, the statistics a live database
 * has after broadcasts. For the drills that run the server in its own process.
 */
export async function seedFirstAccountBroadcasts(
  databaseUrl: string,
  names: readonly string[],
  rows: number,
): Promise<void> {
  const store = await openMigratedStore(readConfig({ DATABASE_URL: databaseUrl }));
  try {
    const account = await store.db
      .selectFrom('accounts')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    for (const name of names) {
      const seed = { accountId: account.id, name, rows, sender: '15149541234', now: Date.now() };
      await seedCompletedBroadcast(store.db, store.dialect, seed);
    }
    await sql`analyze`.execute(store.db);
  } finally {
    await store.close();
  }
}
