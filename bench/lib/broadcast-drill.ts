import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from '../../src/store/database.js';
import { bulkInsertContacts } from '../../test/helpers/address-book.js';
import { callApi } from '../../test/helpers/child-server.js';
import { startLoad, runLoad } from './harness.js';
import type { LoadResult } from './load-generator.js';
import { CarrierLog } from './carrier-log.js';
import { openDrillWorkspace, startServer, type ServerProcess } from './server-process.js';

/**
 * One broadcast drill against real `vudumobile serve` processes (compiled, `npm run build` first):
 * contacts inserted straight into a fresh database, then start_broadcast while an out-of-process
 * load generator makes single `send` calls at a steady rate; it ends when the sandbox SMS carrier
 * has accepted one part per contact (read from each worker's SANDBOX_SMS_LOG, written at accept).
 * Reused by bench:broadcast (one `serve`, SQLite) and later topologies (PostgreSQL, N workers).
 */
export interface BroadcastDrillOptions {
  /** postgres://… of a server where a fresh database is created for the run and dropped after; default SQLite. */
  readonly databaseUrl?: string;
  /** 0 (default): one `serve --role all`. N: N `--role worker` processes beside the API processes. */
  readonly workerProcesses?: number;
  /** `--role api` processes when workerProcesses > 0 (default 1); sends are spread over them. */
  readonly apiProcesses?: number;
  readonly contacts: number;
  /** Single `send` calls per second during the drill. */
  readonly sendRate: number;
  /** SANDBOX_SMS_RECEIPT_DELAY_MS (default 50). */
  readonly receiptDelayMs?: number;
  /** More environment for every server process (tuning). */
  readonly env?: Record<string, string>;
  /** Called with progress lines. */
  readonly log?: (line: string) => void;
}

export interface BroadcastDrillResult {
  readonly contacts: number;
  readonly insertSeconds: number;
  /** start_broadcast's own answer time. */
  readonly startCallSeconds: number;
  /** start_broadcast → every message queued (fanout_done). */
  readonly fanOutSeconds: number;
  /** start_broadcast → every broadcast message accepted by the sandbox carrier. */
  readonly allAcceptedSeconds: number;
  readonly acceptedPerSecond: number;
  /** Parts accepted more than once (0 unless something is wrong). */
  readonly duplicates: number;
  /** The single sends made meanwhile (latencies in ms). */
  readonly sends: LoadResult;
}

const BROADCAST_PREFIX = '1514';
/** Single sends go to another range than the contacts, so the carrier log tells them apart. */
const SEND_FIRST_NUMBER = 18195550000;

export async function runBroadcastDrill(options: BroadcastDrillOptions): Promise<BroadcastDrillResult> {
  const log = options.log ?? (() => {});
  const workspace = await openDrillWorkspace(options.databaseUrl, 'bench');
  const { dir, database, servers } = workspace;
  const logs: string[] = [];
  try {
    const serve = async (role: 'all' | 'api' | 'worker', key?: string): Promise<ServerProcess> => {
      const carrierLog = join(dir, `sms-accepted-${servers.length}.jsonl`);
      if (role !== 'api') logs.push(carrierLog);
      const server = await startServer({
        databaseUrl: database.url,
        dataDir: join(dir, `data-${servers.length}`),
        args: ['--role', role],
        env: {
          SANDBOX_SMS_LOG: carrierLog,
          SANDBOX_SMS_RECEIPT_DELAY_MS: String(options.receiptDelayMs ?? 50),
          ...options.env,
        },
        ...(key ? { key } : {}),
      });
      servers.push(server);
      return server;
    };
    // The first process migrates the database and prints the first-run key; the others follow.
    const workers = options.workerProcesses ?? 0;
    const first = await serve(workers > 0 ? 'api' : 'all');
    const key = first.key;
    for (let i = 1; i < (workers > 0 ? (options.apiProcesses ?? 1) : 1); i++) await serve('api', key);
    for (let i = 0; i < workers; i++) await serve('worker');
    const urls = servers.filter((s) => s.url !== '').map((s) => s.url);
    log(`processes: ${servers.length} (${workers > 0 ? `${urls.length} api + ${workers} worker` : 'all'})`);

    const store = openStore(database.url);
    try {
      const account = await store.db.selectFrom('accounts').select('id').executeTakeFirstOrThrow();
      let t0 = performance.now();
      await bulkInsertContacts(store.db, account.id, options.contacts);
      const insertSeconds = (performance.now() - t0) / 1000;
      log(`inserted ${options.contacts} contacts in ${insertSeconds.toFixed(1)} s`);

      const headers = { 'VUDUMOBILE-API-KEY': key };
      const bodies = Array.from(
        { length: 1000 },
        (_, i) => `to=${SEND_FIRST_NUMBER + i}&message=Votre+code+de+confirmation+est+${100000 + i}`,
      );
      // Warm the send path (JIT, statement caches) before measuring.
      runLoad({
        url: `${urls[0]}/api/send`,
        urls: urls.map((u) => `${u}/api/send`),
        bodies,
        headers,
        connections: 4,
        seconds: 2,
      });

      const added = await callApi(urls[0] ?? '', key, 'post_broadcast', {
        name: 'Drill',
        from_groups: 'Tous',
        fr_message: 'Bonjour _NAME_, voici nos nouvelles de la semaine.',
        en_message: 'Hello _NAME_, here is this week’s news.',
      });
      const id = Number(added.broadcast.id);
      const carrier = new CarrierLog(logs, `"to":"${BROADCAST_PREFIX}`);
      await carrier.poll(); // the warm-up's sends
      const load = await startLoad({
        url: `${urls[0]}/api/send`,
        urls: urls.map((u) => `${u}/api/send`),
        bodies,
        headers,
        connections: 64,
        seconds: 600,
        ratePerSecond: options.sendRate,
      });

      t0 = performance.now();
      const started = await callApi(urls[0] ?? '', key, 'start_broadcast', { broadcast: String(id) });
      const startCallSeconds = (performance.now() - t0) / 1000;
      if (started.status !== true) throw new Error(`start_broadcast: ${JSON.stringify(started)}`);
      let fanOutSeconds = 0;
      let allAcceptedSeconds = 0;
      const deadline = Date.now() + 600_000;
      while (allAcceptedSeconds === 0) {
        if (Date.now() > deadline)
          throw new Error(`not all accepted: ${carrier.accepted}/${options.contacts}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (fanOutSeconds === 0) {
          const row = await store.db
            .selectFrom('broadcasts')
            .select('fanout_done')
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          if (row.fanout_done === 1) fanOutSeconds = (performance.now() - t0) / 1000;
        }
        await carrier.poll();
        if (carrier.accepted >= options.contacts) allAcceptedSeconds = (performance.now() - t0) / 1000;
      }
      const sends = await load.stop();
      return {
        contacts: options.contacts,
        insertSeconds,
        startCallSeconds,
        fanOutSeconds,
        allAcceptedSeconds,
        acceptedPerSecond: Math.round(options.contacts / allAcceptedSeconds),
        duplicates: carrier.accepted - carrier.distinctMessages,
        sends,
      };
    } finally {
      await store.close();
    }
  } finally {
    await workspace.dispose();
  }
}
