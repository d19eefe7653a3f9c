/**
 * Benchmark of the messages view and the dashboard on an account of 10,000,000 messages (issue #13:
 * "the inbox and the messages view on an account with 10,000,000 messages answered in under 150 ms
 * server time (p95)"), with about 1,000,000 of them in the last 30 days.
 *
 * Seeds one account (bench/lib/messages-dataset.ts: INSERT … SELECT over a generated series, the
 * triggers of migration 014 keeping message_counts) and a second one of 1 % of its size, starts the
 * real platform on a loopback port, signs a user in through the form, then sends BENCH_REQUESTS
 * (default 100) GETs per case one at a time and reads each answer's `Server-Timing: app;dur=`
 * (session lookup, queries and rendering). Prints p50/p95/max per case and whether p95 < 150 ms.
 * The inbox cases run when the inbox pages exist (`/inbox` answers 200).
 *
 *   npm run bench:web-messages                          (SQLite, 10,000,000 messages)
 *   npm run bench:web-messages -- --pg                  (a new database on TEST_DATABASE_URL's server)
 *   npm run bench:web-messages -- --messages 200000     (a quick run)
 */
import { sql } from 'kysely';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { correspondent, seedMessages, type MessageDataset } from './lib/messages-dataset.js';
import { openWebBench, signInNewUser, timeServerCases, type WebCase } from './lib/web-bench.js';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

const MESSAGES = Number(option('--messages') ?? process.env.BENCH_MESSAGES ?? 10_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 100);
const TARGET_MS = 150;
// 10,000,000 over 300 days: 1,000,000 in the last 30.
const DAYS = 300;

const bench = await openWebBench('messages');
const { platform } = bench;

try {
  const db = platform.store.db;
  const dialect = platform.store.dialect;
  const now = Date.now();
  const account = (name: string, sender: string) =>
    createAccount(
      db,
      { name, defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [sender] },
      now,
    );
  const big: MessageDataset = {
    accountId: await account('Radio bench', '15149541234'),
    total: MESSAGES,
    days: DAYS,
    numbers: 100_000,
    now,
    sender: '15149541234',
    numberBase: 15_145_000_000,
  };
  const small: MessageDataset = {
    accountId: await account('Autre station', '15149549999'),
    total: Math.max(1000, Math.floor(MESSAGES / 100)),
    days: DAYS,
    numbers: 10_000,
    now,
    sender: '15149549999',
    numberBase: 15_146_000_000,
  };
  console.log(
    `web-messages: seeding ${MESSAGES.toLocaleString('en')} + ${small.total.toLocaleString('en')} messages on ${dialect}…`,
  );
  const started = performance.now();
  let shown = 0;
  await seedMessages(db, dialect, big, (done) => {
    if (done - shown >= 1_000_000 || done === big.total) {
      shown = done;
      console.log(`  ${done.toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  });
  await seedMessages(db, dialect, small, () => {});
  if (dialect === 'postgres') {
    await sql`analyze messages`.execute(db);
  }
  const seedSeconds = (performance.now() - started) / 1000;
  console.log(`  seeded in ${seedSeconds.toFixed(1)} s`);

  const url = await platform.start();
  if (!url) throw new Error('the platform did not listen');
  const cookie = await signInNewUser(platform, url, big.accountId, {
    email: 'bench@example.com',
    name: 'Bench',
    role: 'admin',
  });

  // Positions across the history for the keyset cases, and numbers for the number filter.
  const step = Math.floor((DAYS * 86_400_000) / MESSAGES);
  const deep = (k: number) => {
    const i = Math.floor((((k * 7919) % 997) + 2) * (MESSAGES / 1000));
    return `${now - DAYS * 86_400_000 + i * step}-999999999999999`;
  };
  const number = (k: number) => correspondent(big, k * 104_729).slice(1);
  const day = (daysBack: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Toronto' }).format(
      new Date(now - daysBack * 86_400_000),
    );
  const cases: WebCase[] = [
    ['messages, first page', () => '/messages', /<tbody>/],
    ['messages, deep keyset page', (k) => `/messages?before=${deep(k)}`, /<tbody>/],
    ['messages, sent only, deep', (k) => `/messages?direction=mt&before=${deep(k)}`, /<tbody>/],
    ['messages, failed (2 %)', () => '/messages?status=failed', /<tbody>/],
    ['messages, failed, deep', (k) => `/messages?status=failed&before=${deep(k)}`, /<tbody>/],
    ['messages, received, 7 days', () => `/messages?status=received&from=${day(6)}&to=${day(0)}`, /<tbody>/],
    ['messages, one day', (k) => `/messages?from=${day(1 + (k % 200))}&to=${day(1 + (k % 200))}`, /<tbody>/],
    ['messages, a number', (k) => `/messages?number=${number(k)}`, /<tbody>/],
    [
      'messages, a number, failed',
      (k) => `/messages?number=${number(k)}&status=failed`,
      /<tbody>|data-empty/,
    ],
    ['messages, no such status here', () => '/messages?status=queued', /data-empty/],
    ['dashboard', () => '/', /data-period="month"/],
  ];
  const inbox = await fetch(`${url}/inbox`, { headers: { cookie } });
  await inbox.text();
  if (inbox.status === 200) {
    cases.push(['inbox', () => '/inbox', /<main/]);
    // Conversations the inbox lists (a number has a thread once it has written in).
    const page = await (await fetch(`${url}/inbox`, { headers: { cookie } })).text();
    const threads = [...new Set([...page.matchAll(/href="\/inbox\/(\d+)"/g)].map((m) => m[1] ?? ''))];
    if (threads.length === 0) throw new Error('the inbox lists no conversation');
    cases.push(['inbox, a conversation', (k) => `/inbox/${threads[k % threads.length]}`, /<main/]);
  } else {
    console.log(`(no inbox cases: /inbox answered ${inbox.status})`);
  }

  const allMet = await timeServerCases(url, cookie, cases, { requests: REQUESTS, targetMs: TARGET_MS });

  // The export of one number's history (a few hundred rows), and of a week of failures.
  for (const [label, path] of [
    ['CSV export, a number', `/messages/export.csv?number=${number(1)}`],
    ['CSV export, failed, 7 days', `/messages/export.csv?status=failed&from=${day(6)}&to=${day(0)}`],
  ] as const) {
    const begin = performance.now();
    const response = await fetch(`${url}${path}`, { headers: { cookie } });
    const text = await response.text();
    const rows = text.split('\r\n').length - 2;
    console.log(
      `${label.padEnd(32)} ${rows.toLocaleString('en')} rows in ${(performance.now() - begin).toFixed(0)} ms (wall)`,
    );
  }
  console.log(
    `\nweb-messages (${dialect}, ${MESSAGES.toLocaleString('en')} messages, seeded in ${seedSeconds.toFixed(0)} s): every p95 < ${TARGET_MS} ms: ${allMet ? 'yes' : 'NO'}`,
  );
} finally {
  await bench.close();
}
