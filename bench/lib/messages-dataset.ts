import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/**
 * A long message history for bench/web-messages.ts, written straight into `messages` by
 * INSERT … SELECT over a generated series (SQLite: a recursive CTE; PostgreSQL: generate_series),
 * so the rows never cross into JavaScript, in statements of `CHUNK` rows. The triggers of
 * migration 014 keep message_counts as they would for real traffic.
 *
 * Shape: `total` messages evenly over `days` days up to `now`, ids in time order; 1 in 10 inbound;
 * of the outbound, 1 in 50 failed (UNDELIV_300), 1 in 97 still `sent` (no receipt), the rest
 * delivered; `numbers` correspondents (15145000000 + k), each message's k spread by a multiplier.
 */
export interface MessageDataset {
  readonly accountId: number;
  readonly total: number;
  readonly days: number;
  readonly numbers: number;
  readonly now: number;
  /** The account's sender number. */
  readonly sender: string;
  /** First correspondent number (so two accounts can use different ones). */
  readonly numberBase: number;
}

const CHUNK = 250_000;
const DAY = 86_400_000;

export function correspondent(dataset: MessageDataset, i: number): string {
  return String(dataset.numberBase + ((i * 7919) % dataset.numbers));
}

export async function seedMessages(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  dataset: MessageDataset,
  progress: (done: number) => void,
): Promise<void> {
  const step = Math.floor((dataset.days * DAY) / dataset.total);
  const start = dataset.now - dataset.days * DAY;
  for (let first = 0; first < dataset.total; first += CHUNK) {
    const last = Math.min(dataset.total, first + CHUNK) - 1;
    const series =
      dialect === 'postgres'
        ? sql`select g::bigint as i from generate_series(${first}::bigint, ${last}::bigint) g`
        : sql`select i from (with recursive s(i) as (select ${sql.lit(first)} union all select i + 1 from s where i < ${sql.lit(last)}) select i from s)`;
    // One statement per chunk: the row's fields derived from its number i. Numbers that become
    // text are literals: better-sqlite3 binds a JS number as a REAL, which would print as `….0`.
    await sql`
      insert into messages (account_id, direction, from_number, to_number, body, part_count, encoding,
        status, detailed_status, priority, attempts, next_attempt_at, created_at, sent_at, done_at)
      select ${dataset.accountId},
        case when i % 10 = 0 then 'mo' else 'mt' end,
        case when i % 10 = 0 then cast(${sql.lit(dataset.numberBase)} + (i * 7919) % ${sql.lit(dataset.numbers)} as text) else ${dataset.sender} end,
        case when i % 10 = 0 then ${dataset.sender} else cast(${sql.lit(dataset.numberBase)} + (i * 7919) % ${sql.lit(dataset.numbers)} as text) end,
        'Bonjour! Concours du matin, message ' || cast(i as text),
        1, 'GSM-7',
        case when i % 10 = 0 then 'received' when i % 50 = 1 then 'failed' when i % 97 = 3 then 'sent' else 'delivered' end,
        case when i % 10 = 0 then null when i % 50 = 1 then 'UNDELIV_300' when i % 97 = 3 then null else 'DELIVRD_000' end,
        0, 1, 0,
        cast(${start} + i * ${step} as bigint),
        cast(${start} + i * ${step} as bigint),
        cast(${start} + i * ${step} + 4000 as bigint)
      from (${series}) g`.execute(db);
    progress(last + 1);
  }
}
