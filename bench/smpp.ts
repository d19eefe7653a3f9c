/**
 * npm run bench:smpp — the platform end to end over SMPP: 100,000 queued single-part messages through
 * one SMPP connector (window 50, no TPS cap) to the SMSC simulator, every receipt recorded in the
 * store (bench/lib/smpp-drill.ts: `serve --role worker` and the simulator in their own processes).
 * Each run is paired with the raw-package drill (bench/lib/smpp-raw-drill.ts: a bare `smpp` client
 * firing submit_sm at the simulator, receipts answered), so the output states the fraction of the
 * loopback ceiling reached, on the same machine at the same moment.
 *
 *   npm run bench:smpp            BENCH_MESSAGES, BENCH_RUNS (default 3), BENCH_DATABASE_URL (postgres://…)
 */
import { median, table } from './lib/server-process.js';
import { runRawDrill } from './lib/smpp-raw-drill.js';
import { runSmppDrill } from './lib/smpp-drill.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WINDOW = 50;
const TARGET = 5_000;

const rows: (string | number)[][] = [
  ['run', 'platform s', 'to sent s', 'platform msg/s', 'raw msg/s', 'fraction', 'sim accepted', 'duplicates'],
];
const platformRates: number[] = [];
const rawRates: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  const raw = await runRawDrill({ messages: MESSAGES, window: WINDOW });
  const drill = await runSmppDrill({
    messages: MESSAGES,
    window: WINDOW,
    ...(process.env.BENCH_DATABASE_URL ? { databaseUrl: process.env.BENCH_DATABASE_URL } : {}),
  });
  platformRates.push(drill.rate);
  rawRates.push(raw.rate);
  const accepted = drill.sim.accepted ?? 0;
  rows.push([
    run,
    drill.seconds.toFixed(2),
    drill.sentSeconds.toFixed(2),
    Math.round(drill.rate),
    Math.round(raw.rate),
    `${Math.round((drill.rate / raw.rate) * 100)}%`,
    accepted,
    accepted - (drill.sim.distinctMessages ?? 0),
  ]);
}

const store = process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'SQLite';
console.log(
  `smpp: ${MESSAGES} queued single-part messages, 1 worker process, 1 connector (window ${WINDOW}, no TPS cap), ` +
    `simulator in a child process (receipts at once), ${store}; timed from the queue's commit to the last receipt recorded`,
);
console.log(table(rows));
const platform = median(platformRates);
const raw = median(rawRates);
console.log(
  `median: platform ${Math.round(platform)} msg/s end to end with receipts (target > ${TARGET}); ` +
    `raw smpp client ${Math.round(raw)} msg/s; platform = ${Math.round((platform / raw) * 100)}% of the loopback ceiling`,
);
if (platform <= TARGET) process.exitCode = 1;
