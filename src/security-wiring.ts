import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { RateCounter } from './domain/ports/rate-counter.js';
import type { Store } from './store/database.js';
import { DatabaseRateCounter } from './store/rate-limits/database-rate-counter.js';
import { MemoryRateCounter } from './store/rate-limits/memory-rate-counter.js';
import { RedisRateCounter } from './store/rate-limits/redis-rate-counter.js';

/** Upserts of rate counters in flight at once per process on PostgreSQL. */
const POSTGRES_COUNTER_STATEMENTS = 2;

/**
 * Where the rate limits count (SECURITY.md): Redis when REDIS_URL is set (any database, any number
 * of processes); else PostgreSQL's `rate_counters` table, which every api process shares; else, on
 * SQLite, this process's memory, since a SQLite deployment answers the API from one process.
 */
export function createRateCounter(
  config: Config,
  store: Store,
  options: { readonly now: () => number; readonly log: Logger; readonly answersApi: boolean },
): RateCounter {
  const { now, log } = options;
  // A worker process answers no request: it counts nothing, so it opens no connection for it.
  if (!options.answersApi) return new MemoryRateCounter(now);
  const { redisUrl } = config.security;
  if (redisUrl !== undefined) return new RedisRateCounter(redisUrl, log);
  if (store.dialect === 'postgres')
    return new DatabaseRateCounter(store.db, now, POSTGRES_COUNTER_STATEMENTS);
  return new MemoryRateCounter(now);
}
