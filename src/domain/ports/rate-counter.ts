/**
 * Fixed-window hit counters shared by every api process: what the rate limits count in. Implemented
 * over Redis, the database (PostgreSQL without Redis) or one process's memory (SQLite, one process).
 */
export interface RateCounter {
  /**
   * Counts one hit of `key` in its current window (a new window of `windowMs` starts at the first
   * hit after the last one ended) and answers the hits so far in that window, this one included,
   * and the milliseconds until the window ends.
   */
  hit(key: string, windowMs: number): Promise<RateCount>;
  close(): Promise<void>;
}

export interface RateCount {
  readonly hits: number;
  readonly resetInMs: number;
}
