/**
 * npm run bench:dispatch — the dispatcher draining 100,000 queued messages (a fifth of them in two
 * parts) through the sandbox carrier, receipts included, on SQLite with synchronous=FULL. The queue
 * is filled with one set-based INSERT…SELECT. Prints segments/s to `sent` for each run and the
 * median, and when every message was also delivered (receipt recorded).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'kysely';
import { readConfig } from '../src/config.js';
import { openMigratedStore } from '../src/main.js';
import { createAccount } from '../src/store/accounts/accounts-repo.js';
import type { Store } from '../src/store/database.js';
import { SandboxSmsTransport } from '../src/transport/sandbox/sandbox-sms.js';
import { MessageEvents } from '../src/domain/messages/message-events.js';
import { createReceiptHandler, createSmsDispatcher } from '../src/outbound-wiring.js';
import { median, table } from './lib/server-process.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const log = pino({ level: 'warn' });

async function fillQueue(store: Store, accountId: number): Promise<number> {
  const now = Date.now();
  // Every fifth message is 200 characters: two GSM-7 parts.
  await sql`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${MESSAGES})
    insert into messages (account_id, direction, from_number, to_number, body, part_count, encoding, status,
      priority, attempts, next_attempt_at, created_at)
    select ${accountId}, 'mt', '15149541234', cast(15142000000 + i as text),
      case when i % 5 = 0 then printf('%.200c', 'x') else 'Votre rendez-vous est confirmé pour demain' end,
      case when i % 5 = 0 then 2 else 1 end, 'GSM-7', 'queued', i % 2, 0, ${now}, ${now}
    from n`.execute(store.db);
  const row = await sql<{ parts: number }>`select sum(part_count) as parts from messages`.execute(store.db);
  return Number(row.rows[0]?.parts ?? 0);
}

async function count(store: Store, statuses: readonly string[]): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', statuses)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const results: (string | number)[][] = [
  ['run', 'messages', 'segments', 'to sent s', 'segments/s', 'to delivered s'],
];
const rates: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-bench-dispatch-'));
  const config = readConfig({ DATABASE_URL: `sqlite:${join(dir, 'bench.db')}` });
  const store = await openMigratedStore(config);
  const accountId = await createAccount(
    store.db,
    { name: 'Bench', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: ['15149541234'] },
    Date.now(),
  );
  const segments = await fillQueue(store, accountId);
  const sms = new SandboxSmsTransport(log, { receiptDelayMs: 200 });
  const events = new MessageEvents();
  const base = { store, log, now: Date.now };
  const receipts = createReceiptHandler({ ...base, events, receiptRetries: 0 });
  const dispatcher = createSmsDispatcher({ ...base, sms, events, config: config.dispatch });
  await sms.start({ onReceipt: (r) => receipts.handle(r), onInbound: async () => {} });
  const started = performance.now();
  receipts.start();
  dispatcher.start();
  let sentAt = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (!sentAt && (await count(store, ['queued', 'sending'])) === 0) sentAt = performance.now();
    if (sentAt && (await count(store, ['delivered'])) === MESSAGES) break;
  }
  const deliveredAt = performance.now();
  await dispatcher.stop();
  await sms.close();
  await receipts.stop();
  if (sms.acceptedParts !== segments)
    throw new Error(`sandbox accepted ${sms.acceptedParts} of ${segments} parts`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const toSent = (sentAt - started) / 1000;
  rates.push(segments / toSent);
  results.push([
    run,
    MESSAGES,
    segments,
    toSent.toFixed(2),
    Math.round(segments / toSent),
    ((deliveredAt - started) / 1000).toFixed(2),
  ]);
}

console.log(`dispatcher: ${MESSAGES} queued messages through the sandbox (receipts after 200 ms)`);
console.log(table(results));
console.log(`median: ${Math.round(median(rates))} segments/s to sent (target > 10000)`);
