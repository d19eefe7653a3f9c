import { sql, type Kysely } from 'kysely';
import { GroupCommit } from '../../domain/common/group-commit.js';
import type { RateCount, RateCounter } from '../../domain/ports/rate-counter.js';
import type { Database } from '../schema.js';

interface Hit {
  readonly key: string;
  readonly windowMs: number;
}

/** How often ended windows are deleted (at the next flush after this long). */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The rate counters of a PostgreSQL deployment without Redis, in `rate_counters`, so every api
 * process counts in the same rows and a limit holds in total. A row lock per counter makes each
 * increment exact across processes.
 *
 * One upsert per hit would put a write on every API request; instead hits are group-committed
 * (GroupCommit): the requests read in one turn of the event loop, or while the previous statement
 * runs, go together into one `INSERT … ON CONFLICT DO UPDATE … RETURNING` that adds each key's hits
 * and answers its new total, from which each hit's own position is known. Keys are sorted in a
 * statement so that concurrent statements of several processes lock rows in the same order (no
 * deadlock).
 */
export class DatabaseRateCounter implements RateCounter {
  private readonly batcher: GroupCommit<Hit, RateCount>;
  private lastPurgeAt: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number,
    /** Statements in flight at once: 1 on SQLite (one writer), a few on PostgreSQL. */
    parallel = 1,
  ) {
    this.batcher = new GroupCommit((hits) => this.write(hits), { maxBatch: 2000, parallel });
    this.lastPurgeAt = now();
  }

  hit(key: string, windowMs: number): Promise<RateCount> {
    return this.batcher.submit({ key, windowMs });
  }

  async close(): Promise<void> {
    await this.batcher.drain();
  }

  private async write(hits: readonly Hit[]): Promise<RateCount[]> {
    const at = this.now();
    const byKey = new Map<string, { windowMs: number; count: number }>();
    for (const hit of hits) {
      const entry = byKey.get(hit.key) ?? { windowMs: hit.windowMs, count: 0 };
      entry.count++;
      byKey.set(hit.key, entry);
    }
    const keys = [...byKey.keys()].sort();
    const rows = await this.db
      .insertInto('rate_counters')
      .values(
        keys.map((key) => {
          const entry = byKey.get(key) ?? { windowMs: 0, count: 0 };
          return { key, hits: entry.count, window_ends_at: at + entry.windowMs };
        }),
      )
      .onConflict((conflict) =>
        conflict.column('key').doUpdateSet({
          // A window that ended starts again with this statement's hits; SET reads the old row.
          hits: sql<number>`case when rate_counters.window_ends_at <= ${at} then excluded.hits
            else rate_counters.hits + excluded.hits end`,
          window_ends_at: sql<number>`case when rate_counters.window_ends_at <= ${at}
            then excluded.window_ends_at else rate_counters.window_ends_at end`,
        }),
      )
      .returning(['key', 'hits', 'window_ends_at'])
      .execute();
    const totals = new Map(rows.map((row) => [row.key, row]));
    // The batch's hits of one key take the last positions of its total, in arrival order.
    const taken = new Map<string, number>();
    const counts = hits.map((hit) => {
      const row = totals.get(hit.key);
      const batchHits = byKey.get(hit.key)?.count ?? 0;
      const before = taken.get(hit.key) ?? 0;
      taken.set(hit.key, before + 1);
      if (!row) throw new Error(`rate counter ${hit.key} was not returned by its upsert`);
      return {
        hits: Number(row.hits) - batchHits + before + 1,
        resetInMs: Math.max(0, Number(row.window_ends_at) - at),
      };
    });
    if (at - this.lastPurgeAt >= PURGE_EVERY_MS) {
      this.lastPurgeAt = at;
      // A counter whose window ended is the same as no counter: the next hit starts a window.
      await this.db.deleteFrom('rate_counters').where('window_ends_at', '<=', at).execute();
    }
    return counts;
  }
}
