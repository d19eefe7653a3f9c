/**
 * npm run bench:web-inbox — the inbox and a conversation on a large account (issue #13: "the inbox …
 * on an account with 10,000,000 messages answered in under 150 ms server time (p95)").
 *
 * Fills one account with BENCH_MESSAGES (default 10,000,000) messages in SQL (`INSERT … SELECT` over
 * a generated series, so the triggers of migrations 012 and 014 keep the threads and counts as they
 * would for real writes): BENCH_NUMBERS (default 50,000) correspondents, each writes once and gets nine messages in turn (one in ten inbound).
 * Then starts the real platform, signs a user in and sends BENCH_REQUESTS (default 100) GETs per case
 * one at a time, reading `Server-Timing: app;dur=` (session lookup, queries, rendering).
 *
 *   npm run bench:web-inbox                         (SQLite in a temporary directory)
 *   npm run bench:web-inbox -- --pg                 (a new database on TEST_DATABASE_URL's server)
 *   BENCH_MESSAGES=1000000 npm run bench:web-inbox
 *   BENCH_MESSAGES=20000 BENCH_NUMBERS=1000 BENCH_REQUESTS=5 npm run bench:web-inbox   (a quick run;
 *   the conversation cases need every number to have written: BENCH_MESSAGES ≥ 10 × BENCH_NUMBERS)
 */
import { sql } from 'kysely';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { openWebBench, signInNewUser, timeServerCases, type WebCase } from './lib/web-bench.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000_000);
const NUMBERS = Number(process.env.BENCH_NUMBERS ?? 50_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const CHUNK = 500_000;
const TARGET_MS = 150;
const SENDER = '15149541234';

const bench = await openWebBench('web-inbox', { platformOptions: { holdOutbound: true } });
const { platform } = bench;
const number = (k: number) => `1514${String(k % NUMBERS).padStart(7, '0')}`;

try {
  const db = platform.store.db;
  const accountId = await createAccount(
    db,
    { name: 'Radio inbox', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [SENDER] },
    Date.now(),
  );
  const start = Date.now() - MESSAGES * 100;
  console.log(`web-inbox: ${MESSAGES.toLocaleString('en')} messages on ${platform.store.dialect}…`);
  const began = performance.now();
  for (let low = 1; low <= MESSAGES; low += CHUNK) {
    const high = Math.min(MESSAGES, low + CHUNK - 1);
    const series =
      platform.store.dialect === 'postgres'
        ? sql`select i from generate_series(${low}::bigint, ${high}::bigint) as g(i)`
        : sql`with recursive n(i) as (select ${low} union all select i + 1 from n where i < ${high})
            select i from n`;
    const party =
      platform.store.dialect === 'postgres'
        ? sql.raw(`'1514' || lpad(((i / 10) % ${NUMBERS})::text, 7, '0')`)
        : sql.raw(`'1514' || printf('%07d', (i / 10) % ${NUMBERS})`);
    await sql`insert into messages (account_id, direction, from_number, to_number, body, part_count,
        encoding, status, priority, attempts, next_attempt_at, created_at)
      select ${accountId}, case when i % 10 = 0 then 'mo' else 'mt' end,
        case when i % 10 = 0 then ${party} else ${SENDER} end,
        case when i % 10 = 0 then ${SENDER} else ${party} end,
        'Message ' || i || case when i % 1000 = 0 then ' concours' else '' end, 1, 'GSM-7',
        case when i % 10 = 0 then 'received' else 'delivered' end, 1, 1, 0, ${start} + i * 100
      from (${series}) s`.execute(db);
    process.stdout.write(`  ${high.toLocaleString('en')}\r`);
  }
  // What autovacuum does after a bulk load: every insert also updated its thread's row, so
  // `conversations` holds millions of dead versions until vacuumed.
  if (platform.store.dialect === 'postgres') await sql`vacuum analyze`.execute(db);
  console.log(`  built in ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const url = await platform.start();
  if (!url) throw new Error('the platform did not listen');
  const cookie = await signInNewUser(platform, url, accountId, {
    email: 'inbox@example.com',
    name: 'Inbox',
    role: 'member',
  });
  // Keyset positions across the thread list (threads are ordered by their latest message).
  const positions = (
    await db
      .selectFrom('conversations')
      .select('last_message_id')
      .where('account_id', '=', accountId)
      .orderBy('last_message_id', 'desc')
      .execute()
  ).map((r) => Number(r.last_message_id));
  const middle = (k: number) => positions[Math.floor(positions.length * (0.1 + ((k * 37) % 80) / 100))] ?? 0;

  const cases: WebCase[] = [
    ['inbox, first page', () => '/inbox', /class="threads"/],
    ['inbox, an older page', (k) => `/inbox?before=${middle(k)}`, /class="threads"/],
    ['inbox, number search', (k) => `/inbox?q=${number(k * 7919).slice(1, 8)}`, /class="threads"|Aucune/],
    ['inbox, text search', () => '/inbox?q=concours', /class="threads"|Aucune/],
    ['conversation, latest', (k) => `/inbox/${number(k * 104_729)}`, /class="chat"/],
    ['conversation, fragment', (k) => `/inbox/${number(k * 13)}?fragment=messages`, /class="chat"/],
  ];
  const allMet = await timeServerCases(url, cookie, cases, {
    requests: REQUESTS,
    targetMs: TARGET_MS,
    labelWidth: 28,
  });
  console.log(
    `\nweb-inbox (${platform.store.dialect}, ${MESSAGES.toLocaleString('en')} messages, ${NUMBERS.toLocaleString('en')} threads): every p95 < ${TARGET_MS} ms: ${allMet ? 'yes' : 'NO'}`,
  );
} finally {
  await bench.close();
}
