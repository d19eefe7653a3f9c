/**
 * The SMPP drill: N single-part messages queued straight in the store, sent by the platform running as
 * real `node bin/vudumobile.js serve --role worker` processes (dispatcher → SMPP connector, window W,
 * no TPS cap) to the SMSC simulator in its own process, until every message has its final status
 * from a receipt. Timed from the commit of the queue (nothing can be sent before it) to the poll that
 * saw the last receipt recorded. `npm run build` must have run (bin/vudumobile.js runs dist/).
 *
 * SQLite by default (a fresh file); with `databaseUrl` = postgres://… (an administrative URL), each
 * run creates a fresh database there and drops it afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { readConfig } from '../../src/config.js';
import { openMigratedStore } from '../../src/main.js';
import { createAccount } from '../../src/store/accounts/accounts-repo.js';
import type { Store } from '../../src/store/database.js';
import { startSimChild } from '../sim-child.js';
import { ROOT } from './harness.js';
import { openDrillWorkspace } from './server-process.js';

export interface SmppDrillOptions {
  /** postgres://… administrative URL; default a fresh SQLite file. */
  readonly databaseUrl?: string;
  /** `serve --role worker` processes (each binds its own SMPP session); default 1. */
  readonly workerProcesses?: number;
  readonly messages: number;
  readonly window: number;
  /** Gives up after this long (default 300 s). */
  readonly timeLimitMs?: number;
}

export interface SmppDrillResult {
  readonly store: 'sqlite' | 'postgres';
  readonly workerProcesses: number;
  readonly messages: number;
  /** Seconds from the queue's commit to the last receipt recorded. */
  readonly seconds: number;
  /** Messages a second, end to end. */
  readonly rate: number;
  /** Seconds until the last message left the queue (submit_sm answered and recorded). */
  readonly sentSeconds: number;
  readonly delivered: number;
  /** The simulator's counts (accepted, distinctMessages, throttled, receiptsAcked…). */
  readonly sim: Record<string, number>;
}

const SENDER = '15149541234';
/**
 * The drill's own count of the messages by status scans the table (80 ms on PostgreSQL at 100,000
 * rows, a fifth of a core at 100 ms): it polls every POLL_MS, and every POLL_NEAR_END_MS once fewer
 * than NEAR_END messages are left, so the end is seen within 100 ms at a fraction of the cost.
 * The "to sent" time (queue empty) is therefore seen only to within 500 ms.
 */
const POLL_MS = 500;
const POLL_NEAR_END_MS = 100;
const NEAR_END = 5_000;

export async function runSmppDrill(options: SmppDrillOptions): Promise<SmppDrillResult> {
  const workerCount = options.workerProcesses ?? 1;
  // Its servers are worker processes started here (startWorker), not the workspace's API servers.
  const workspace = await openDrillWorkspace(options.databaseUrl, 'bench-smpp');
  const { dir, database } = workspace;
  const sim = await startSimChild();
  const workers: ChildProcess[] = [];
  let store: Store | undefined;
  let simStats: Record<string, number>;
  let result: Omit<SmppDrillResult, 'sim'>;
  try {
    store = await openMigratedStore(readConfig({ DATABASE_URL: database.url }));
    const accountId = await createAccount(
      store.db,
      { name: 'Bench', defaultLanguage: 'fr', defaultCountry: 'CA', mailFrom: null, senders: [SENDER] },
      Date.now(),
    );
    const env = {
      DATABASE_URL: database.url,
      DATA_DIR: dir,
      SMPP_URL: `smpp://bench:bench@127.0.0.1:${sim.port}?window=${options.window}`,
      LOG_LEVEL: 'info',
    };
    for (let i = 0; i < workerCount; i++) workers.push(await startWorker(env));

    await fillQueue(store, accountId, options.messages);
    const started = performance.now();
    const deadline = Date.now() + (options.timeLimitMs ?? 300_000);
    let sentAt = 0;
    let delivered = 0;
    let left = options.messages;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, left > NEAR_END ? POLL_MS : POLL_NEAR_END_MS));
      const counts = await countByStatus(store, accountId);
      if (!sentAt && (counts.queued ?? 0) + (counts.sending ?? 0) === 0) sentAt = performance.now();
      delivered = counts.delivered ?? 0;
      left = options.messages - delivered - (counts.failed ?? 0);
      if (delivered + (counts.failed ?? 0) === options.messages) break;
      if (Date.now() > deadline) throw new Error(`SMPP drill timed out: ${JSON.stringify(counts)}`);
    }
    const finished = performance.now();
    const withReceipt = await countWithReceipt(store, accountId);
    if (withReceipt !== options.messages)
      throw new Error(`${options.messages - withReceipt} messages ended without a receipt`);
    const seconds = (finished - started) / 1000;
    result = {
      store: store.dialect,
      workerProcesses: workerCount,
      messages: options.messages,
      seconds,
      rate: options.messages / seconds,
      sentSeconds: (sentAt - started) / 1000,
      delivered,
    };
  } finally {
    await Promise.all(workers.map(stopWorker));
    simStats = await sim.stop();
    await store?.close();
    await workspace.dispose();
  }
  return { ...result, sim: simStats };
}

/** One set-based INSERT…SELECT: N single-part GSM-7 messages due now, to distinct numbers. */
async function fillQueue(store: Store, accountId: number, count: number): Promise<void> {
  const now = Date.now();
  const body = 'Votre rendez-vous est confirmé pour demain 10 h';
  const columns = sql.raw(
    'account_id, direction, from_number, to_number, body, part_count, encoding, status, priority, attempts, next_attempt_at, created_at',
  );
  if (store.dialect === 'postgres') {
    await sql`
      insert into messages (${columns})
      select ${accountId}, 'mt', ${SENDER}, (15142000000 + i)::text, ${body}, 1, 'GSM-7', 'queued', 0, 0,
        ${now}, ${now}
      from generate_series(1, ${count}) as n(i)`.execute(store.db);
    return;
  }
  await sql`
    with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
    insert into messages (${columns})
    select ${accountId}, 'mt', ${SENDER}, cast(15142000000 + i as text), ${body}, 1, 'GSM-7', 'queued', 0, 0,
      ${now}, ${now}
    from n`.execute(store.db);
}

async function countByStatus(store: Store, accountId: number): Promise<Record<string, number>> {
  const rows = await store.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', accountId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

async function countWithReceipt(store: Store, accountId: number): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('account_id', '=', accountId)
    .where('detailed_status', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** `node bin/vudumobile.js serve --role worker`; resolves once its SMPP connector is bound. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  // DRILL_NODE_ARGS: extra node flags for the workers, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = process.env.DRILL_NODE_ARGS?.split(' ').filter((arg) => arg !== '') ?? [];
  const child = spawn(process.execPath, [...nodeArgs, 'bin/vudumobile.js', 'serve', '--role', 'worker'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before binding`)));
    lines.on('line', (line) => {
      // DRILL_LOG: a file that gets every log line of the workers.
      if (process.env.DRILL_LOG) appendFileSync(process.env.DRILL_LOG, `${line}\n`);
      if (line.includes('"msg":"SMPP bound"')) resolve();
      // Warnings and errors of the run are worth seeing; info lines are not.
      else if (/"level":(4|5)\d/.test(line) && !line.includes('SANDBOX')) console.error(line);
    });
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
