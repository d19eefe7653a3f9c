/**
 * npm run bench:rate-limits — what the API's rate limits add to a request: the three limits of a
 * call (per key, per account per minute and per day) checked through @fastify/rate-limit, against
 * each counter store, over loopback HTTP (keep-alive) to a server in this process. Fastify's inject
 * would spare the sockets but keeps ~10 KB per request here (a plain route too), so a long run
 * exhausts the heap. Each store is run alternately with a route without limits
 * (A B A B…), so the machine's load falls on both alike; the difference of the medians is the cost.
 *
 *   npm run bench:rate-limits                       # memory and Redis (REDIS_URL or 127.0.0.1:6379)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:rate-limits   # and PostgreSQL's rate_counters
 */
import Fastify from 'fastify';
import pino from 'pino';
import type { Account } from '../src/domain/accounts/accounts.js';
import type { RateLimitSettings } from '../src/domain/accounts/rate-limits.js';
import type { RateCounter } from '../src/domain/ports/rate-counter.js';
import { installRateLimits } from '../src/http/rate-limits.js';
import { openMigratedStore } from '../src/main.js';
import { readConfig } from '../src/config.js';
import { DatabaseRateCounter } from '../src/store/rate-limits/database-rate-counter.js';
import { MemoryRateCounter } from '../src/store/rate-limits/memory-rate-counter.js';
import { RedisRateCounter } from '../src/store/rate-limits/redis-rate-counter.js';
import { createPostgresDatabase } from '../test/helpers/database.js';
import { median, table } from './lib/server-process.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000);
const CONCURRENCY = 64;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const log = pino({ level: 'silent' });
const HIGH = 1_000_000_000;
const SETTINGS: RateLimitSettings = {
  perKeyPerMinute: HIGH,
  perAccountPerMinute: HIGH,
  perAccountPerDay: HIGH,
  signInPerAddressPerMinute: null,
  signInPerEmailPerMinute: null,
};
const ACCOUNTS = 50;

function account(id: number): Account {
  return {
    id,
    name: `Bench ${id}`,
    defaultLanguage: 'fr',
    defaultCountry: 'CA',
    mailFrom: null,
    detailedStatus: true,
    createdAt: 0,
    limits: { perMinute: null, perDay: null },
    quietHours: null,
    timeZone: 'America/Toronto',
  };
}

const NONE_SET: RateLimitSettings = {
  ...SETTINGS,
  perKeyPerMinute: null,
  perAccountPerMinute: null,
  perAccountPerDay: null,
};

async function app(counter: RateCounter | undefined, settings = SETTINGS): Promise<Served> {
  const server = Fastify({ logger: false });
  const limits = counter ? await installRateLimits(server, counter, settings, log) : undefined;
  server.get('/call/:id', async (request, reply) => {
    const id = Number((request.params as { id: string }).id);
    if (limits && (await limits.api(request, reply, { keyId: id, account: account(id) })))
      return reply.code(429).send({ status: false });
    return { status: true };
  });
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => server.close() };
}

interface Served {
  readonly url: string;
  close(): Promise<void>;
}

/** Requests per second, CONCURRENCY in flight, spread over ACCOUNTS accounts. */
async function rate(server: Served): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        const id = (next++ % ACCOUNTS) + 1;
        const response = await fetch(`${server.url}/call/${id}`);
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`answered ${response.status}`);
      }
    }),
  );
  return REQUESTS / ((performance.now() - started) / 1000);
}

interface Opened {
  counter: RateCounter;
  settings?: RateLimitSettings;
  close(): Promise<void>;
}

const stores: [string, () => Promise<Opened>][] = [
  // The default: no API limit set, the check still runs (and skips every counter).
  [
    'none set',
    async () => ({ counter: new MemoryRateCounter(Date.now), settings: NONE_SET, close: async () => {} }),
  ],
  ['memory', async () => ({ counter: new MemoryRateCounter(Date.now), close: async () => {} })],
  [
    'redis',
    async () => {
      const counter = new RedisRateCounter(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', log);
      return { counter, close: () => counter.close() };
    },
  ],
];
const pgAdmin = process.env.BENCH_DATABASE_URL;
if (pgAdmin) {
  stores.push([
    'postgres',
    async () => {
      const database = await createPostgresDatabase(pgAdmin, 'vudumobile_bench_rate');
      const store = await openMigratedStore(readConfig({ DATABASE_URL: database.url }));
      const counter = new DatabaseRateCounter(store.db, Date.now, 2);
      return {
        counter,
        close: async () => {
          await counter.close();
          await store.close();
          await database.drop();
        },
      };
    },
  ]);
}

const rows: (string | number)[][] = [
  ['store', 'no limits req/s', 'three limits req/s', 'added µs/request', 'change'],
];
const bare = await app(undefined);
for (const [name, open] of stores) {
  const { counter, settings, close } = await open();
  const limited = await app(counter, settings);
  await rate(limited); // warm-up: JIT, connection
  await rate(bare);
  const without: number[] = [];
  const withLimits: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    without.push(await rate(bare));
    withLimits.push(await rate(limited));
  }
  const a = median(without);
  const b = median(withLimits);
  rows.push([
    name,
    Math.round(a),
    Math.round(b),
    ((1 / b - 1 / a) * 1e6).toFixed(1),
    `${(((b - a) / a) * 100).toFixed(1)} %`,
  ]);
  await limited.close();
  await close();
}
await bare.close();
console.log(
  `rate limits: ${REQUESTS} requests × ${ROUNDS} rounds per side, ${CONCURRENCY} in flight, loopback HTTP`,
);
console.log(table(rows));
