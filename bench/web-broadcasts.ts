/**
 * Benchmark of the broadcast pages on a large account: what a station's staff opens on a contest
 * morning. The editor and the confirmation count the recipients with the start's own selection
 * (`recipientRows`: the targeted groups' contacts, not blocked, numbers not suppressed), so their time
 * grows with the group; the list and the broadcast page do not.
 *
 * Builds the account with bench/lib/web-dataset.ts (Auditeurs holds half of it), saves a draft to
 * Auditeurs, starts the real platform on a loopback port, signs in through the form, then sends
 * BENCH_REQUESTS (default 20) GETs per case one at a time and prints p50/p95/max: server time from
 * `Server-Timing` for pages, the wall time for the editor's JSON count (no Server-Timing on JSON).
 *
 *   npm run bench:web-broadcasts                     (200,000 contacts on SQLite)
 *   npm run bench:web-broadcasts -- --pg             (a new database on TEST_DATABASE_URL's server)
 *   BENCH_ROWS=1000000 npm run bench:web-broadcasts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { readConfig } from '../src/config.js';
import { createPlatform } from '../src/main.js';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { createPostgresDatabase } from '../test/helpers/database.js';
import { WebClient } from '../test/helpers/web-client.js';
import { fillAccount } from './lib/web-dataset.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);
const usePg = process.argv.includes('--pg');

const dir = await mkdtemp(join(tmpdir(), 'vudumobile-bench-broadcasts-'));
let dropDatabase = async () => {};
let databaseUrl = `sqlite:${join(dir, 'web.db')}`;
if (usePg) {
  const admin = process.env.TEST_DATABASE_URL ?? process.env.BENCH_DATABASE_URL;
  if (!admin) throw new Error('--pg needs TEST_DATABASE_URL (postgres://user@host:port/db)');
  const database = await createPostgresDatabase(admin, 'vudumobile_bench_broadcasts');
  databaseUrl = database.url;
  dropDatabase = database.drop;
}
const config = readConfig(
  { DATABASE_URL: databaseUrl },
  { port: 0, host: '127.0.0.1', dataDir: dir, publicUrl: 'http://127.0.0.1' },
);
const platform = await createPlatform(config, { log: pino({ level: 'warn' }) });

try {
  const accountId = await createAccount(
    platform.store.db,
    { name: 'Radio bench', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
    Date.now(),
  );
  console.log(
    `broadcast pages: building ${ROWS.toLocaleString('en')} contacts on ${platform.store.dialect}…`,
  );
  const groups = await fillAccount(platform.store.db, accountId, ROWS);
  const draft = await platform.ctx.broadcasts.save(accountId, {
    name: 'Concours du matin',
    from_groups: String(groups.auditeurs),
    fr_message: 'Bonjour _NAME_, le concours commence à 7 h!',
    en_message: 'Hi _NAME_, the contest starts at 7!',
  });
  const url = await platform.start();
  if (!url) throw new Error('the platform did not listen');
  const { token } = await platform.ctx.users.invite(accountId, {
    email: 'bench@example.com',
    name: 'Bench',
    role: 'admin',
    language: 'fr',
  });
  await platform.ctx.users.setPasswordWithToken(token, 'a bench password of some length');
  const web = new WebClient(url);
  await web.signIn({ email: 'bench@example.com', password: 'a bench password of some length' });

  const cases: [string, string][] = [
    ['broadcasts list', '/broadcasts'],
    ['broadcast page (draft)', `/broadcasts/${draft}`],
    ['editor (counts its group)', `/broadcasts/${draft}/edit`],
    ['confirmation (counts, costs)', `/broadcasts/${draft}/confirm`],
    ['live count JSON, Auditeurs', `/broadcasts/reach?group=${groups.auditeurs}`],
  ];
  const members = await platform.store.db
    .selectFrom('group_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groups.auditeurs)
    .executeTakeFirstOrThrow();
  console.log(`Auditeurs: ${Number(members.n).toLocaleString('en')} members`);
  console.log(`\n${REQUESTS} sequential requests per case (ms):`);
  console.log(`${'case'.padEnd(32)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}`);
  for (const [label, path] of cases) {
    const times: number[] = [];
    for (let k = 0; k < REQUESTS; k++) {
      const started = performance.now();
      const { response } = await web.get(path);
      const wall = performance.now() - started;
      if (response.status !== 200) throw new Error(`${label}: ${path} answered ${response.status}`);
      const timing = /app;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
      times.push(timing?.[1] ? Number(timing[1]) : wall);
    }
    times.sort((a, b) => a - b);
    const pick = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? 0;
    console.log(
      `${label.padEnd(32)} ${pick(0.5).toFixed(1).padStart(7)} ${pick(0.95).toFixed(1).padStart(7)} ` +
        `${(times[times.length - 1] ?? 0).toFixed(1).padStart(7)}`,
    );
  }
} finally {
  await platform.stop();
  await dropDatabase();
  await rm(dir, { recursive: true, force: true });
}
