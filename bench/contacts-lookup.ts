/**
 * bench:contacts (lookup part) — get_contact by number on a 1,000,000-contact account, 50 concurrent
 * keep-alive connections, against the compiled server in its own process. Prints req/s and latency
 * percentiles for each run and their medians.
 *
 * Targets (issue 2): over 5,000 requests/s with p99 under 20 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { generateApiKey, hashApiKey, maskApiKey } from '../src/domain/accounts/api-keys.js';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import { openStore } from '../src/store/database.js';
import { insertApiKey } from '../src/store/accounts/keys-repo.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { buildOnce, median, runLoad, startServer } from './lib/harness.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

async function seed(databaseUrl: string): Promise<string> {
  const store = openStore(databaseUrl);
  await migrateToLatest(store);
  const now = Date.now();
  const accountId = await createAccount(
    store.db,
    { name: 'Bench', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [] },
    now,
  );
  const key = generateApiKey();
  await insertApiKey(
    store.db,
    { accountId, keyHash: hashApiKey(key), masked: maskApiKey(key), allowedIps: ['127.0.0.1'] },
    now,
  );
  const started = performance.now();
  // Valid Montréal numbers 1514200xxxx…: the requests go through libphonenumber like a client's would.
  await sql`
    INSERT INTO contacts (account_id, number, email, name, description, language, user_id, is_blocked, created_at)
    WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${CONTACTS})
    SELECT ${accountId}, '1514' || (2000000 + n), 'c' || n || '@example.com', 'Contact ' || n, '', 'fr', 0, 0, ${now}
    FROM seq`.execute(store.db);
  console.log(
    `seeded ${CONTACTS.toLocaleString('en')} contacts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await store.close();
  return key;
}

const dir = mkdtempSync(join(tmpdir(), 'vudumobile-bench-'));
try {
  buildOnce();
  const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
  const key = await seed(databaseUrl);
  const server = await startServer({ DATABASE_URL: databaseUrl, DATA_DIR: dir });
  try {
    const bodies = Array.from({ length: 10_000 }, () => {
      const n = 1 + Math.floor(Math.random() * CONTACTS);
      return `number=${encodeURIComponent(`(514) ${String(2000000 + n).slice(0, 3)}-${String(2000000 + n).slice(3)}`)}`;
    });
    const results = [];
    for (let run = 1; run <= RUNS; run++) {
      const result = runLoad({
        url: `${server.url}/api/get_contact`,
        bodies,
        headers: { 'VUDUMOBILE-API-KEY': key },
        connections: CONNECTIONS,
        seconds: SECONDS,
        warmup: 2000,
      });
      if (result.errors || result.non200)
        throw new Error(`run ${run}: ${result.errors} errors, ${result.non200} non-200`);
      console.log(
        `get_contact run ${run}: ${result.perSecond} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, max ${result.max} ms`,
      );
      results.push(result);
    }
    console.log(
      `get_contact by number, ${CONTACTS.toLocaleString('en')} contacts, ${CONNECTIONS} connections: median ` +
        `${median(results.map((r) => r.perSecond))} req/s, p99 ${median(results.map((r) => r.p99))} ms ` +
        `(targets: > 5,000 req/s, p99 < 20 ms)`,
    );
  } finally {
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
