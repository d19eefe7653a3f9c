/**
 * npm run bench:feed — get_feed answering one page of 1,000 messages from a 10,000,000-row messages
 * table (10 accounts, both directions, a year of traffic). The table is built once with set-based
 * INSERT…SELECT statements and kept in .bench/feed-10m.db; later runs reuse it. The compiled server
 * serves it; each page is asked over HTTP from a different date. Prints the query plan and the
 * median, p90 and worst time of a page (ms).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { generateApiKey, hashApiKey, maskApiKey } from '../src/domain/accounts/api-keys.js';
import { formatUtc } from '../src/domain/common/dates.js';
import { readConfig } from '../src/config.js';
import { openMigratedStore } from '../src/main.js';
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import type { Database } from '../src/store/schema.js';
import { feedQuery } from '../src/store/messages/messages-repo.js';
import { median, ROOT, startServer, table } from './lib/server-process.js';

const ROWS = Number(process.env.BENCH_FEED_ROWS ?? 10_000_000);
const ACCOUNTS = 10;
const YEAR_MS = 365 * 24 * 3600 * 1000;
const START = Date.parse('2025-01-01T00:00:00Z');
const FILE = join(ROOT, '.bench', `feed-${ROWS}.db`);

/** Builds the table: schema from the migrations, rows from a recursive CTE, indexes after the rows. */
async function build(): Promise<void> {
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const building = `${FILE}.building`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  const store = await openMigratedStore(readConfig({ DATABASE_URL: `sqlite:${building}` }));
  await store.close();
  const db = new SqliteDatabase(building);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a scratch file being built; the server reopens it with FULL
  const indexes = db
    .prepare(
      "select name, sql from sqlite_master where type = 'index' and tbl_name = 'messages' and sql is not null",
    )
    .all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`drop index ${index.name}`);
  const started = performance.now();
  const insertAccounts = db.prepare(
    "insert into accounts (name, default_language, default_country, detailed_status, created_at) values (?, 'fr', 'CA', 1, 0)",
  );
  for (let a = 1; a <= ACCOUNTS; a++) insertAccounts.run(`Bench ${a}`);
  const step = Math.floor(YEAR_MS / (ROWS / ACCOUNTS));
  const chunk = 1_000_000;
  for (let from = 0; from < ROWS; from += chunk) {
    const to = Math.min(ROWS, from + chunk);
    db.exec(`
      with recursive n(i) as (select ${from} union all select i + 1 from n where i + 1 < ${to})
      insert into messages (id, account_id, direction, from_number, to_number, body, part_count, encoding, status,
        detailed_status, priority, attempts, next_attempt_at, created_at)
      select i + 1, (i % ${ACCOUNTS}) + 1, case when i % 3 = 0 then 'mt' else 'mo' end,
        cast(15142000000 + (i * 7919) % 7000000 as text), '15149541234',
        'Message de test numéro ' || i, 1, 'GSM-7',
        case when i % 3 = 0 then 'delivered' else 'received' end,
        case when i % 3 = 0 then 'DELIVRD_000' end, 0, 1, 0,
        ${START} + (i / ${ACCOUNTS}) * ${step} + (i % ${ACCOUNTS}) * 37
      from n`);
    process.stdout.write(
      `  ${to.toLocaleString('en')} rows (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
    );
  }
  for (const index of indexes) {
    db.exec(index.sql);
    process.stdout.write(`  index ${index.name} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  db.exec('analyze');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  renameSync(building, FILE);
  for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
}

if (!existsSync(FILE)) {
  console.log(`building ${FILE} (${ROWS.toLocaleString('en')} messages; reused by later runs)`);
  await build();
}

// A key for account 1, allowed from loopback.
const key = generateApiKey();
const setup = new SqliteDatabase(FILE);
setup.prepare('delete from api_keys').run();
setup
  .prepare(
    'insert into api_keys (account_id, key_hash, masked, allowed_ips, created_at) values (1, ?, ?, \'["127.0.0.1"]\', 0)',
  )
  .run(hashApiKey(key), maskApiKey(key));
const rowCount = (setup.prepare('select max(id) as n from messages').get() as { n: number }).n;
// The plan of get_feed's own query (compiled by Kysely, as the server runs it).
const compiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});
const compiled = feedQuery(compiler, {
  accountId: 1,
  direction: 'mo',
  startAt: START,
  sinceId: undefined,
  limit: 1000,
}).compile();
const plan = setup.prepare(`explain query plan ${compiled.sql}`).all(...compiled.parameters) as {
  detail: string;
}[];
setup.close();

const server = await startServer({
  databaseUrl: `sqlite:${FILE}`,
  dataDir: join(ROOT, '.bench'),
  args: ['--role', 'api'],
  env: { LOG_LEVEL: 'info' },
  key,
});
const timings: number[] = [];
let returned = 0;
try {
  for (let i = 0; i < 60; i++) {
    // Pages from dates spread over the year, in Montréal time (every datetime converted).
    const dateStart = formatUtc(START + Math.floor(((i * 0.617) % 1) * (YEAR_MS - 30 * 24 * 3600_000)));
    const body = new URLSearchParams({
      date_start: dateStart,
      direction: i % 2 === 0 ? 'mo' : 'mt',
      pref_timezone: 'America/Montreal',
      limit: '1000',
    });
    const started = performance.now();
    const response = await fetch(`${server.url}/api/get_feed`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': key, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    const page = (await response.json()) as unknown[];
    const elapsed = performance.now() - started;
    if (response.status !== 200 || page.length === 0)
      throw new Error(`page ${i}: ${response.status} ${page.length}`);
    returned += page.length;
    if (i >= 10) timings.push(elapsed); // the first pages warm the JIT and the page cache
  }
} finally {
  await server.stop();
}
const sorted = [...timings].sort((a, b) => a - b);
console.log(
  `get_feed, one page of 1000, over HTTP, from a ${rowCount.toLocaleString('en')}-row messages table`,
);
console.log(`query plan: ${plan.map((p) => p.detail).join(' | ')}`);
console.log(
  table([
    ['pages', 'median ms', 'p90 ms', 'worst ms'],
    [
      timings.length,
      median(timings).toFixed(1),
      (sorted[Math.floor(sorted.length * 0.9)] ?? 0).toFixed(1),
      (sorted[sorted.length - 1] ?? 0).toFixed(1),
    ],
  ]),
);
console.log(`(${returned} messages returned in all)`);
