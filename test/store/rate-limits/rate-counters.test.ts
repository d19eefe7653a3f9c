import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { RateCounter } from '../../../src/domain/ports/rate-counter.js';
import { openStore, type Store } from '../../../src/store/database.js';
import { DatabaseRateCounter } from '../../../src/store/rate-limits/database-rate-counter.js';
import { MemoryRateCounter } from '../../../src/store/rate-limits/memory-rate-counter.js';
import { RedisRateCounter } from '../../../src/store/rate-limits/redis-rate-counter.js';
import { tempStore } from '../../helpers/store.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What every counter must do: exact counts under concurrency, one window per key, a new window after. */
function counterContract(make: (now: () => number) => RateCounter, options: { clock: boolean }): void {
  let at = 1_000_000;
  let counter: RateCounter;
  before(() => {
    counter = make(() => at);
  });
  after(() => counter.close());
  const fresh = (): string => `test:${randomBytes(6).toString('hex')}`;

  it('200 hits at once get the positions 1 to 200, each once', async () => {
    const key = fresh();
    const counts = await Promise.all(Array.from({ length: 200 }, () => counter.hit(key, 60_000)));
    assert.deepEqual(
      counts.map((c) => c.hits).sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    for (const count of counts) assert.ok(count.resetInMs > 0 && count.resetInMs <= 60_000);
  });

  it('keys count apart', async () => {
    const [a, b] = [fresh(), fresh()];
    await counter.hit(a, 60_000);
    await counter.hit(a, 60_000);
    assert.equal((await counter.hit(b, 60_000)).hits, 1);
    assert.equal((await counter.hit(a, 60_000)).hits, 3);
  });

  if (options.clock) {
    it('a window ends: the next hit starts a new one at 1', async () => {
      const key = fresh();
      assert.deepEqual(await counter.hit(key, 60_000), { hits: 1, resetInMs: 60_000 });
      at += 59_000;
      assert.deepEqual(await counter.hit(key, 60_000), { hits: 2, resetInMs: 1_000 });
      at += 1_000;
      assert.deepEqual(await counter.hit(key, 60_000), { hits: 1, resetInMs: 60_000 });
    });
  }
}

describe('DatabaseRateCounter (rate_counters: the counters of PostgreSQL api processes)', () => {
  let database: Awaited<ReturnType<typeof tempStore>>;
  let second: Store;
  before(async () => {
    database = await tempStore();
    second = openStore(database.url);
  });
  after(async () => {
    await second?.close();
    await database?.close();
  });
  counterContract((now) => new DatabaseRateCounter(database.store.db, now, 2), { clock: true });

  it('two counters on two connections (two processes) count in the same row', async () => {
    const now = (): number => 5_000_000;
    const one = new DatabaseRateCounter(database.store.db, now, 2);
    const two = new DatabaseRateCounter(second.db, now, 2);
    const hits = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? one : two).hit('shared', 60_000)),
    );
    assert.deepEqual(
      hits.map((h) => h.hits).sort((a, b) => a - b),
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });
});

describe('MemoryRateCounter (SQLite: one api process)', () => {
  counterContract((now) => new MemoryRateCounter(now), { clock: true });
});

describe('RedisRateCounter (REDIS_URL): Redis ends the windows on its own clock', () => {
  counterContract(() => new RedisRateCounter(REDIS_URL, pino({ level: 'silent' })), { clock: false });
});
