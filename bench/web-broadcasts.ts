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
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import {
  openWebBench,
  serverTimes,
  signInNewUser,
  timingHeading,
  timingRow,
  type WebCase,
} from './lib/web-bench.js';
import { fillAccount } from './lib/web-dataset.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20);

const bench = await openWebBench('broadcasts');
const { platform } = bench;

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
  const cookie = await signInNewUser(platform, url, accountId, {
    email: 'bench@example.com',
    name: 'Bench',
    role: 'admin',
  });

  const cases: WebCase[] = [
    ['broadcasts list', () => '/broadcasts'],
    ['broadcast page (draft)', () => `/broadcasts/${draft}`],
    ['editor (counts its group)', () => `/broadcasts/${draft}/edit`],
    ['confirmation (counts, costs)', () => `/broadcasts/${draft}/confirm`],
    ['live count JSON, Auditeurs', () => `/broadcasts/reach?group=${groups.auditeurs}`],
  ];
  const members = await platform.store.db
    .selectFrom('group_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groups.auditeurs)
    .executeTakeFirstOrThrow();
  console.log(`Auditeurs: ${Number(members.n).toLocaleString('en')} members`);
  console.log(`\n${REQUESTS} sequential requests per case (ms):`);
  console.log(timingHeading(32));
  for (const webCase of cases) {
    const times = await serverTimes(url, cookie, webCase, REQUESTS, { wallWhenUntimed: true });
    console.log(timingRow(webCase[0], times, 32));
  }
} finally {
  await bench.close();
}
