import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import type { Store } from '../../src/store/database.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../helpers/database.js';
import { callApi, prepareAccount, spawnApi, type RunningProcess } from '../helpers/processes.js';

const PER_KEY = 30;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe(
  'rate limits hold in total across two api processes (PostgreSQL; with the database, then Redis)',
  {
    skip:
      TEST_STORE === 'sqlite' &&
      'several api processes share one database on PostgreSQL only: this runs in the PostgreSQL pass',
  },
  () => {
    let dir: string;
    let database: TestDatabase;
    let store: Store;
    let key: string;
    let keyId: number;
    const processes: RunningProcess[] = [];

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vudumobile-rate-mp-'));
      database = await createTestDatabase(dir);
      ({ store, key } = await prepareAccount(database.url));
      keyId = Number((await store.db.selectFrom('api_keys').select('id').executeTakeFirstOrThrow()).id);
    });
    after(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await store?.close();
      await database?.drop();
      await rm(dir, { recursive: true, force: true });
    });

    /** 2 × PER_KEY calls, half to each process, all at once: the 200s must be PER_KEY in total. */
    async function callBoth(env: Record<string, string>): Promise<{ ok: number; refused: number }> {
      const apis = await Promise.all([spawnApi(env), spawnApi(env)]);
      processes.push(...apis);
      const answers = await Promise.all(
        Array.from({ length: 2 * PER_KEY }, (_, i) =>
          callApi(apis[i % 2]?.url ?? '', key, 'get_webhooks', {}),
        ),
      );
      await Promise.all(apis.map((api) => api.stop()));
      const refusal = answers.find((answer) => answer.status === 429);
      assert.deepEqual(refusal?.body, {
        status: false,
        error: `Rate limit exceeded: ${PER_KEY} requests per minute for this API key`,
      });
      return {
        ok: answers.filter((answer) => answer.status === 200).length,
        refused: answers.filter((answer) => answer.status === 429).length,
      };
    }

    it('counters in the database (rate_counters): one limit for both processes', async () => {
      const env = { DATABASE_URL: database.url, DATA_DIR: dir, RATE_LIMIT_PER_KEY: String(PER_KEY) };
      assert.deepEqual(await callBoth(env), { ok: PER_KEY, refused: PER_KEY });
      const counter = await store.db
        .selectFrom('rate_counters')
        .select('hits')
        .where('key', '=', `key:${keyId}`)
        .executeTakeFirstOrThrow();
      assert.equal(Number(counter.hits), 2 * PER_KEY);
    });

    it('counters in Redis (REDIS_URL): one limit for both processes', async () => {
      const redis = new Redis(REDIS_URL);
      const redisKey = `vudumobile:rate:key:${keyId}`;
      try {
        // Another test database numbers its keys from 1 too: start from no counter.
        await redis.del(redisKey);
        const env = {
          DATABASE_URL: database.url,
          DATA_DIR: dir,
          RATE_LIMIT_PER_KEY: String(PER_KEY),
          REDIS_URL,
        };
        assert.deepEqual(await callBoth(env), { ok: PER_KEY, refused: PER_KEY });
        assert.equal(Number(await redis.get(redisKey)), 2 * PER_KEY);
      } finally {
        await redis.del(redisKey);
        await redis.quit();
      }
    });
  },
);
