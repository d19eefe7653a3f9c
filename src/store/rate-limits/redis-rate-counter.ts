import { Redis, type Result } from 'ioredis';
import type { Logger } from '../../domain/ports/logger.js';
import type { RateCount, RateCounter } from '../../domain/ports/rate-counter.js';

// INCR and, on a window's first hit, PEXPIRE in one atomic script: every process sees one count.
// Redis's own clock ends the windows, so the processes' clocks need not agree.
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {hits, ttl}`;

const KEY_PREFIX = 'vudumobile:rate:';
/** Between two warnings while Redis stays unreachable (ioredis retries every few hundred ms). */
const WARNING_EVERY_MS = 10_000;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** HIT_SCRIPT, defined below: sent once, then called by its SHA (ioredis's defineCommand). */
    vudumobileRateHit(key: string, windowMs: number): Result<[number, number], Context>;
  }
}

/**
 * The rate counters in Redis (REDIS_URL): shared by every api process whatever the database. The
 * requests of one turn of the event loop go to Redis in one round trip (ioredis auto-pipelining).
 */
export class RedisRateCounter implements RateCounter {
  private readonly redis: Redis;

  constructor(url: string, log: Logger) {
    // Until the first connection, hits wait for it (the first requests after a start are counted);
    // once connected, the offline queue is turned off, so that while Redis is unreachable a hit
    // fails at once (the request then passes unlimited: SECURITY.md) instead of waiting for it.
    // commandTimeout bounds a hit on a connection that hangs.
    this.redis = new Redis(url, {
      enableAutoPipelining: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 1000,
    });
    this.redis.once('ready', () => {
      this.redis.options.enableOfflineQueue = false;
    });
    let lastWarningAt = Number.NEGATIVE_INFINITY;
    this.redis.on('error', (error: Error) => {
      if (Date.now() - lastWarningAt < WARNING_EVERY_MS) return;
      lastWarningAt = Date.now();
      log.warn({ error: error.message }, 'Redis (rate counters) unreachable');
    });
    this.redis.defineCommand('vudumobileRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  async hit(key: string, windowMs: number): Promise<RateCount> {
    const [hits, ttl] = await this.redis.vudumobileRateHit(KEY_PREFIX + key, windowMs);
    return { hits: Number(hits), resetInMs: Math.max(0, Number(ttl)) };
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}
