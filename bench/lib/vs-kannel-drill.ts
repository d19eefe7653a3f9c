import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/database.js';
import { startSimChild } from '../sim-child.js';
import type { FixedLoadResult, FixedLoadSpec } from './fixed-load.js';
import { startDlrCounter, startKannel } from './kannel.js';
import { openDrillWorkspace, ROOT, startServer, type ServerProcess } from './server-process.js';

/**
 * One run of the bench:vs-kannel drill: `count` sends over HTTP from `connections` connections (a
 * load generator in its own process), to Kannel or to the project, both relaying over SMPP (window
 * 100) to the project's simulator (`vudumobile smsc-sim`, receipts at once, decimal ids), timed from
 * the first request to the last receipt recorded (the project: the row's status `delivered`; Kannel:
 * its dlr-url callback). A warm-up of WARMUP sends, all delivered, comes first in both systems.
 */
export type System = 'kannel' | 'sqlite' | 'postgres' | 'node-http';

export interface DrillRun {
  readonly system: System;
  readonly accepted: number;
  readonly failedRequests: number;
  /** msg/s from the first request to the last 2xx answer, and to the last receipt. */
  readonly httpRate: number;
  readonly endToEndRate: number;
  readonly p50: number;
  readonly p99: number;
  /** Percent of one core over the timed part: the system's processes, the simulator excluded. */
  readonly cpu: number;
  readonly machineBusy: number;
  /**
   * CPU time per message over the timed part, µs: the system's own processes, and everything else the
   * machine ran meanwhile (the load generator, the simulator, the receipt counter, the kernel's
   * loopback work not charged to a process) — the share of the 2 cores the system under test cannot have.
   */
  readonly systemUsPerMessage: number;
  readonly restUsPerMessage: number;
  /** The project's runs: distinct messages get_feed shows delivered (warm-up included), duplicates at the SMSC. */
  readonly feedDelivered?: number;
  /** Rows get_feed's since_id paging showed twice (its order is created_at, its cursor the id). */
  readonly feedRepeated?: number;
  /** Time to read the whole feed (every message of the run) through get_feed, ms. */
  readonly feedMs?: number;
  readonly duplicates?: number;
}

export const WARMUP = 1000;
/**
 * The same simulator for both: decimal ids, and each receipt 1 ms after its submit — after the
 * submit_sm_resp. (At 0 ms the simulator writes the receipt first; Kannel, which files the receipt's
 * id only when the resp arrives, then drops it as unknown. The project copes with either order.)
 */
const SIM_ARGS = ['--id-format', 'decimal', '--receipt-delay', '1'];
const STALL_MS = 30_000;
const POLL_MS = 50;

function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

function sumCpu(pids: readonly (number | undefined)[]): number {
  let total = 0;
  for (const pid of pids) total += cpuSeconds(pid);
  return total;
}

/** Busy and total time of all cores since boot, in ticks of 1/100 s (USER_HZ). */
function machineTicks(): { idle: number; total: number } {
  const values = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { idle: (values[3] ?? 0) + (values[4] ?? 0), total: values.reduce((a, b) => a + b, 0) };
}

function load(spec: FixedLoadSpec): Promise<FixedLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/fixed-load.ts'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(output.trim()) as FixedLoadResult)
        : reject(new Error(`load generator exited with ${code}`)),
    );
    child.stdin.end(JSON.stringify(spec));
  });
}

/** Waits until `done()` reaches `want`; returns the time of the last progress (a stall throws). */
async function waitForReceipts(what: string, want: number, done: () => Promise<number>): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const n = await done();
    if (n >= want) return;
    if (n !== last) {
      last = n;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange > STALL_MS) throw new Error(`${what}: receipts stalled at ${n}/${want}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

interface Timed {
  result: FixedLoadResult;
  lastReceiptAt: number;
  cpu: number;
  machineBusy: number;
  /** CPU seconds of the system's processes, and of the whole machine (all cores), over the timed part. */
  systemCpuSeconds: number;
  machineCpuSeconds: number;
}

async function timed(
  spec: FixedLoadSpec,
  pids: readonly (number | undefined)[],
  receipts: () => Promise<{ n: number; at: number }>,
  want: number,
): Promise<Timed> {
  const cpu0 = sumCpu(pids);
  const m0 = machineTicks();
  const t0 = performance.now();
  const result = await load(spec);
  let lastReceiptAt = 0;
  await waitForReceipts(spec.target, want, async () => {
    const r = await receipts();
    lastReceiptAt = r.at;
    return r.n;
  });
  const wall = (performance.now() - t0) / 1000;
  const m1 = machineTicks();
  const cpu = sumCpu(pids) - cpu0;
  return {
    result,
    lastReceiptAt,
    cpu: Math.round((cpu / wall) * 100),
    machineBusy: Math.round((1 - (m1.idle - m0.idle) / Math.max(1, m1.total - m0.total)) * 100),
    systemCpuSeconds: cpu,
    machineCpuSeconds: (m1.total - m0.total - (m1.idle - m0.idle)) / 100,
  };
}

function summarise(system: System, t: Timed, count: number): DrillRun {
  const r = t.result;
  return {
    system,
    accepted: r.ok,
    failedRequests: r.non2xx + r.errors,
    httpRate: Math.round(r.ok / ((r.lastAnswerAt - r.startedAt) / 1000)),
    endToEndRate: Math.round(count / ((t.lastReceiptAt - r.startedAt) / 1000)),
    p50: r.p50,
    p99: r.p99,
    cpu: t.cpu,
    machineBusy: t.machineBusy,
    systemUsPerMessage: Math.round((t.systemCpuSeconds / count) * 1e6),
    restUsPerMessage: Math.round(((t.machineCpuSeconds - t.systemCpuSeconds) / count) * 1e6),
  };
}

export async function runKannel(count: number, connections: number, dir: string): Promise<DrillRun> {
  const sim = await startSimChild(SIM_ARGS);
  const dlr = await startDlrCounter();
  const kannel = await startKannel(join(dir, 'kannel'), sim.port).catch(async (error: unknown) => {
    await dlr.close();
    await sim.stop();
    throw error;
  });
  try {
    const spec = { target: 'kannel', base: kannel.sendsmsUrl, dlrUrl: dlr.url, connections } as const;
    await load({ ...spec, count: WARMUP, firstNumber: 15143000000 });
    await waitForReceipts('kannel warm-up', WARMUP, async () => Promise.resolve(dlr.count()));
    const t = await timed(
      { ...spec, count, firstNumber: 15142000000 },
      [kannel.bearerbox.pid, kannel.smsbox.pid],
      async () => Promise.resolve({ n: dlr.count() - WARMUP, at: dlr.lastAt() }),
      count,
    );
    return summarise('kannel', t, count);
  } finally {
    await kannel.stop();
    await dlr.close();
    await sim.stop();
  }
}

/**
 * Node's bare HTTP server (bench/lib/bare-http-server.ts) under the same load generator: no SMPP, so
 * its "end to end" is its last answer. Its CPU per request is the floor under any Node server's.
 */
export async function runHttpFloor(count: number, connections: number): Promise<DrillRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/lib/bare-http-server.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`bare HTTP server exited with ${code}`)));
    });
    const spec = { target: 'project', base: `http://127.0.0.1:${port}`, key: 'floor', connections } as const;
    await load({ ...spec, count: WARMUP, firstNumber: 15143000000 });
    const t = await timed(
      { ...spec, count, firstNumber: 15142000000 },
      [child.pid],
      async () => ({ n: count, at: 0 }),
      count,
    );
    return summarise('node-http', { ...t, lastReceiptAt: t.result.lastAnswerAt }, count);
  } finally {
    child.kill('SIGTERM');
  }
}

async function deliveredCount(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'delivered')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Pages through get_feed (direction mt, since_id = the last msg_id of each page) and counts the
 * distinct messages it shows delivered, and the rows it showed more than once.
 */
async function readFeed(api: ServerProcess): Promise<{ delivered: number; repeated: number }> {
  let sinceId = 0;
  const delivered = new Set<number>();
  const seen = new Set<number>();
  let repeated = 0;
  for (;;) {
    const response = await fetch(`${api.url}/api/get_feed`, {
      method: 'POST',
      headers: { 'VUDUMOBILE-API-KEY': api.key, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        date_start: '2000-01-01 00:00:00',
        direction: 'mt',
        since_id: String(sinceId),
        limit: '10000',
      }).toString(),
    });
    const page = (await response.json()) as { msg_id: number; status_mt?: string }[];
    if (!Array.isArray(page)) throw new Error(`get_feed answered ${JSON.stringify(page)}`);
    if (page.length === 0) return { delivered: delivered.size, repeated };
    for (const m of page) {
      if (seen.has(m.msg_id)) repeated++;
      seen.add(m.msg_id);
      if (m.status_mt === 'delivered' || m.status_mt === 'DELIVRD_000') delivered.add(m.msg_id);
    }
    sinceId = page[page.length - 1]?.msg_id ?? sinceId;
  }
}

/**
 * The project: `serve --role all` on a fresh SQLite file, or with `postgresUrl` one `--role api` and
 * one `--role worker` process on a fresh PostgreSQL database.
 */
export async function runProject(
  count: number,
  connections: number,
  postgresUrl?: string,
): Promise<DrillRun> {
  let duplicates = 0;
  const run = await runProjectOnce(count, connections, postgresUrl, (n) => (duplicates = n));
  return { ...run, duplicates };
}

async function runProjectOnce(
  count: number,
  connections: number,
  postgresUrl: string | undefined,
  setDuplicates: (n: number) => void,
): Promise<DrillRun> {
  const sim = await startSimChild(SIM_ARGS);
  const workspace = await openDrillWorkspace(postgresUrl, 'vs-kannel');
  const { dir, database, servers } = workspace;
  let store: Store | undefined;
  try {
    const smpp = { SMPP_URL: `smpp://bench:bench@127.0.0.1:${sim.port}?window=100` };
    const api = await startServer({
      databaseUrl: database.url,
      dataDir: join(dir, 'api'),
      args: ['--role', postgresUrl ? 'api' : 'all'],
      ...(postgresUrl ? {} : { env: smpp }),
    });
    servers.push(api); // its first-run account has DEFAULT_SENDER's number (server-process.ts)
    if (postgresUrl)
      servers.push(
        await startServer({
          databaseUrl: database.url,
          dataDir: join(dir, 'worker'),
          args: ['--role', 'worker'],
          env: smpp,
          key: api.key,
        }),
      );
    store = openStore(database.url);
    const opened = store;
    const spec = { target: 'project', base: api.url, key: api.key, connections } as const;
    await load({ ...spec, count: WARMUP, firstNumber: 15143000000 });
    await waitForReceipts('project warm-up', WARMUP, () => deliveredCount(opened));
    const t = await timed(
      { ...spec, count, firstNumber: 15142000000 },
      servers.map((s) => s.child.pid),
      async () => ({ n: (await deliveredCount(opened)) - WARMUP, at: Date.now() }),
      count,
    );
    const run = summarise(postgresUrl ? 'postgres' : 'sqlite', t, count);
    const feedStarted = performance.now();
    const feed = await readFeed(api);
    return {
      ...run,
      feedDelivered: feed.delivered,
      feedRepeated: feed.repeated,
      feedMs: Math.round(performance.now() - feedStarted),
    };
  } finally {
    await store?.close();
    await workspace.dispose();
    const simStats = await sim.stop();
    setDuplicates((simStats.accepted ?? 0) - (simStats.distinctMessages ?? 0));
  }
}
