/**
 * npm run bench:scale — the drills of the other benchmarks on PostgreSQL with 1, 2 and 4 worker
 * processes, against the single-process SQLite figure measured in the same run:
 *   - broadcast: 100,000 contacts, start_broadcast → every message accepted by the sandbox carrier,
 *     single sends at 100/s meanwhile (bench/lib/broadcast-drill.ts); on PostgreSQL through one api
 *     process beside the workers (SQLite's one process is its own api; 100 sends/s need no second,
 *     which on these 2 cores would only take CPU from the workers);
 *   - smpp: 100,000 queued messages → dispatcher → SMPP (window 50) → simulator → every receipt
 *     recorded (bench/lib/smpp-drill.ts);
 *   - send: closed-loop `send` over HTTP, 64 connections, through 1 api process (SQLite) and 2 api
 *     processes (PostgreSQL) (bench/lib/send-drill.ts).
 * Prints each run, then the medians and each PostgreSQL figure as a share of SQLite's.
 *
 *   BENCH_RUNS (default 3), BENCH_CONTACTS / BENCH_MESSAGES (default 100000), BENCH_WORKERS ("1,2,4"),
 *   BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres), BENCH_ONLY (broadcast,smpp,send)
 */
import { loadavg } from 'node:os';
import { runBroadcastDrill } from './lib/broadcast-drill.js';
import { buildOnce } from './lib/harness.js';
import { runSendDrill } from './lib/send-drill.js';
import { median, table } from './lib/server-process.js';
import { runSmppDrill } from './lib/smpp-drill.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ONLY = (process.env.BENCH_ONLY ?? 'broadcast,smpp,send').split(',');

interface Setup {
  readonly label: string;
  readonly pg: boolean;
  readonly workers: number;
}

const setups: Setup[] = [
  { label: 'SQLite, 1 process', pg: false, workers: 0 },
  ...WORKERS.map((workers) => ({
    label: `PostgreSQL, ${workers} worker${workers > 1 ? 's' : ''}`,
    pg: true,
    workers,
  })),
];

type Drill = (setup: Setup) => Promise<{ rate: number; detail: string }>;

const drills: Record<string, { unit: string; run: Drill; setups: readonly Setup[] }> = {
  broadcast: {
    unit: 'msg/s accepted',
    setups,
    async run(setup) {
      const result = await runBroadcastDrill({
        contacts: CONTACTS,
        sendRate: 100,
        ...(setup.pg ? { databaseUrl: PG, workerProcesses: setup.workers, apiProcesses: 1 } : {}),
      });
      return {
        rate: result.acceptedPerSecond,
        detail: `${result.allAcceptedSeconds.toFixed(1)} s to all accepted, send p99 ${result.sends.p99} ms`,
      };
    },
  },
  smpp: {
    unit: 'msg/s with receipts',
    setups: setups.map((s) => (s.pg ? s : { ...s, workers: 1 })),
    async run(setup) {
      const result = await runSmppDrill({
        messages: MESSAGES,
        window: 50,
        workerProcesses: Math.max(1, setup.workers),
        ...(setup.pg ? { databaseUrl: PG } : {}),
      });
      const duplicates = (result.sim.accepted ?? 0) - (result.sim.distinctMessages ?? 0);
      return {
        rate: Math.round(result.rate),
        detail: `${result.seconds.toFixed(1)} s, ${duplicates} duplicates`,
      };
    },
  },
  send: {
    unit: 'req/s',
    setups: [
      { label: 'SQLite, 1 api process', pg: false, workers: 0 },
      { label: 'PostgreSQL, 2 api processes', pg: true, workers: 0 },
    ],
    async run(setup) {
      const result = await runSendDrill({
        apiProcesses: setup.pg ? 2 : 1,
        seconds: 10,
        connections: 64,
        ...(setup.pg ? { databaseUrl: PG } : {}),
      });
      return { rate: result.load.perSecond, detail: `p50 ${result.load.p50} ms, p99 ${result.load.p99} ms` };
    },
  },
};

buildOnce();
const summary: (string | number)[][] = [['drill', 'set-up', 'median', 'unit', 'vs SQLite']];
for (const [name, drill] of Object.entries(drills)) {
  if (!ONLY.includes(name)) continue;
  let baseline = 0;
  for (const setup of drill.setups) {
    const rates: number[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const { rate, detail } = await drill.run(setup);
      rates.push(rate);
      console.log(`${name} | ${setup.label} | run ${run}: ${rate} ${drill.unit} (${detail})`);
    }
    const value = Math.round(median(rates));
    if (!setup.pg) baseline = value;
    const share = setup.pg && baseline > 0 ? `${Math.round((value / baseline) * 100)}%` : '—';
    summary.push([name, setup.label, value, drill.unit, share]);
  }
}
console.log(
  `\nbench:scale — medians of ${RUNS} run(s); 2-core machine, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(table(summary));
console.log('bar: PostgreSQL with 2 workers at ≥ 80% of the SQLite single-process figure');
