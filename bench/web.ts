/**
 * Benchmark of the web pages on a 1,000,000-contact account (issue #12: "the contacts page and a search
 * answered in under 150 ms server time (p95), and the JavaScript and CSS a page loads under 150 KB
 * compressed").
 *
 * Builds the account (bench/lib/web-dataset.ts: multi-row INSERTs through the store, so the search
 * index and the member counts are kept by the triggers of migration 009), starts the real platform
 * (createPlatform, the same as `vudumobile serve`) on a loopback port, signs a user in through the
 * sign-in form, then sends BENCH_REQUESTS (default 200) GETs per case one at a time and reads each
 * answer's `Server-Timing: app;dur=` (onRequest → onSend of the web app: session lookup, queries and
 * rendering). Prints p50/p95 per case and whether p95 < 150 ms; then fetches the JS and CSS the
 * contacts page links with `accept-encoding: gzip` and sums their compressed bytes.
 *
 *   npm run bench:web                       (SQLite in a temporary directory)
 *   npm run bench:web -- --pg               (a new database on TEST_DATABASE_URL's server, dropped after)
 *   BENCH_ROWS=100000 BENCH_REQUESTS=50 npm run bench:web
 */
import { request as httpRequest } from 'node:http';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { openWebBench, signInNewUser, timeServerCases, type WebCase } from './lib/web-bench.js';
import { datasetContact, fillAccount } from './lib/web-dataset.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const TARGET_MS = 150;
const ASSET_BUDGET = 150 * 1024;

const bench = await openWebBench('web');
const { platform } = bench;

try {
  const accountId = await createAccount(
    platform.store.db,
    { name: 'Radio bench', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
    Date.now(),
  );
  console.log(`web: building ${ROWS.toLocaleString('en')} contacts on ${platform.store.dialect}…`);
  const started = performance.now();
  const groups = await fillAccount(platform.store.db, accountId, ROWS, console.log);
  console.log(`  built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const url = await platform.start();
  if (!url) throw new Error('the platform did not listen');

  const cookie = await signInNewUser(platform, url, accountId, {
    email: 'bench@example.com',
    name: 'Bench',
    role: 'admin',
  });

  // Each case rotates through a few values, and the keyset cases through positions across the book.
  const ids = await platform.store.db
    .selectFrom('contacts')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const firstId = ids.id;
  const at = (k: number) => firstId + Math.floor(((k * 7919) % 997) * (ROWS / 1000));
  const person = (k: number) => datasetContact((k * 104_729) % ROWS);
  const cases: WebCase[] = [
    ['contacts, first page', () => '/contacts', /<tbody>/],
    ['contacts, a later keyset page', (k) => `/contacts?after=${at(k)}`, /<tbody>/],
    ['contacts, previous page', (k) => `/contacts?before=${at(k) + 5000}`, /<tbody>/],
    [
      'name search, common surname',
      (k) => `/contacts?q=${enc(['tremblay', 'gagnon', 'côté', 'roy'][k % 4])}`,
      /<tbody>/,
    ],
    [
      'name search, 2 words',
      (k) => `/contacts?q=${enc(['jean trem', 'hélène gag', 'marc roy'][k % 3])}`,
      /<tbody>/,
    ],
    [
      'name search, rare surname',
      (k) => `/contacts?q=${enc(['papineau', 'vigneault', 'riopelle'][k % 3])}`,
      /<tbody>/,
    ],
    ['name search, later page', (k) => `/contacts?q=tremblay&after=${at(k)}`, /<tbody>|Aucun/],
    ['number search, whole number', (k) => `/contacts?q=${enc(localNumber(person(k).number))}`, /<tbody>/],
    [
      'number search, 7 digits',
      (k) => `/contacts?q=${enc(localNumber(person(k).number).slice(0, 9))}`,
      /<tbody>/,
    ],
    ['email search, prefix', (k) => `/contacts?q=${enc(person(k).email.slice(0, -14))}`, /<tbody>/],
    ['group filter, 500,000 members', (k) => `/contacts?group=${groups.auditeurs}&after=${at(k)}`, /<tbody>/],
    ['group filter, 200 members', () => `/contacts?group=${groups.benevoles}`, /<tbody>/],
    ['blocked filter', () => '/contacts?blocked=yes', /<tbody>/],
    ['groups page (member counts)', () => '/groups', /Auditeurs/],
    ['group page, members', (k) => `/groups/${groups.concours}?after=${at(k)}`, /<tbody>|aucun/],
  ];

  const allMet = await timeServerCases(url, cookie, cases, { requests: REQUESTS, targetMs: TARGET_MS });

  const page = await (await fetch(`${url}/contacts`, { headers: { cookie } })).text();
  const assets = [
    ...[...page.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] ?? ''),
    ...[...page.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? ''),
  ];
  let total = 0;
  console.log('\nJS and CSS the contacts page loads, gzip as served:');
  for (const asset of assets) {
    const { bytes, encoding } = await compressedSize(new URL(asset, url).toString());
    total += bytes;
    console.log(`  ${asset.padEnd(40)} ${(bytes / 1024).toFixed(1).padStart(7)} KB (${encoding})`);
  }
  const fits = total < ASSET_BUDGET;
  console.log(`  total ${(total / 1024).toFixed(1)} KB, budget 150 KB: ${fits ? 'yes' : 'NO'}`);
  console.log(
    `\nweb (${platform.store.dialect}, ${ROWS.toLocaleString('en')} contacts): every p95 < ${TARGET_MS} ms: ${allMet ? 'yes' : 'NO'}; assets < 150 KB: ${fits ? 'yes' : 'NO'}`,
  );
} finally {
  await bench.close();
}

function enc(text: string | undefined): string {
  return encodeURIComponent(text ?? '');
}

/** "15142000123" as a person types it: "514 200-0123". */
function localNumber(number: string): string {
  return `${number.slice(1, 4)} ${number.slice(4, 7)}-${number.slice(7)}`;
}

/** The bytes on the wire (fetch would inflate them): node:http with accept-encoding gzip. */
function compressedSize(url: string): Promise<{ bytes: number; encoding: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () =>
        resolve({ bytes, encoding: String(res.headers['content-encoding'] ?? 'identity') }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
