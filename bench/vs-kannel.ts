/**
 * npm run bench:vs-kannel — the path a client uses, side by side with Kannel on the same machine:
 * N `send` calls over HTTP from C connections, relayed over SMPP (window 100) to the same simulator
 * (`vudumobile smsc-sim`, receipts at once), until every receipt is recorded. Kannel (Debian's
 * package, log level 2, no store file) and `vudumobile serve --role all` (SQLite, synchronous=FULL)
 * run alternately, fresh processes each run; `--pg` adds one `--role api` + one `--role worker`
 * process on a scratch PostgreSQL database. Prints each run, the medians and the ratio
 * project/Kannel; checks that get_feed shows every message delivered and that the simulator saw
 * no message twice. Prints the CPU time per message of each system and of the rest of the drill (load
 * generator, simulator, kernel), and Node's bare HTTP server under the same load (node-http): how
 * much of the 2 cores a target ratio leaves to the system under test.
 *
 *   npm run bench:vs-kannel -- [--n 20000] [--c 50] [--runs 3] [--pg [postgres://…/postgres]] [--only sqlite]
 *   DRILL_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the project's server processes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKannel } from './lib/kannel.js';
import { median, table } from './lib/server-process.js';
import {
  runHttpFloor,
  runKannel,
  runProject,
  WARMUP,
  type DrillRun,
  type System,
} from './lib/vs-kannel-drill.js';

const argv = process.argv.slice(2);
function option(name: string, fallback: string): string {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : (argv[i + 1] ?? fallback);
}
const COUNT = Number(option('--n', '20000'));
const CONNECTIONS = Number(option('--c', '50'));
const RUNS = Number(option('--runs', '3'));
const pgIndex = argv.indexOf('--pg');
const PG_URL =
  pgIndex < 0
    ? undefined
    : argv[pgIndex + 1]?.startsWith('postgres')
      ? argv[pgIndex + 1]
      : (process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

ensureKannel();
// --only sqlite|postgres|kannel: one system alone (to profile it; no ratio then).
const ONLY = option('--only', '') as System | '';
// node-http: Node's bare HTTP server under the same load, the floor of a Node server's CPU per request.
const systems: System[] = ONLY
  ? [ONLY]
  : ['kannel', 'sqlite', ...(PG_URL ? (['postgres'] as const) : []), 'node-http'];
const dir = mkdtempSync(join(tmpdir(), 'vudumobile-vs-kannel-'));
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(
  `bench:vs-kannel: ${COUNT} sends from ${CONNECTIONS} connections per run (after ${WARMUP} warm-up sends), ` +
    `${RUNS} runs each, alternating ${systems.join(' / ')}; load average ${load()}`,
);

const runs: DrillRun[] = [];
const rows: (string | number)[][] = [
  [
    'run',
    'system',
    'accepted',
    'failed',
    'HTTP msg/s',
    'e2e msg/s',
    'p50 ms',
    'p99 ms',
    'CPU %',
    'machine %',
    'µs/msg',
    'rest µs/msg',
    'feed delivered',
    'feed repeated',
    'feed ms',
    'dup',
    'load',
  ],
];
try {
  for (let run = 1; run <= RUNS; run++) {
    for (const system of systems) {
      const result =
        system === 'kannel'
          ? await runKannel(COUNT, CONNECTIONS, dir)
          : system === 'node-http'
            ? await runHttpFloor(COUNT, CONNECTIONS)
            : await runProject(COUNT, CONNECTIONS, system === 'postgres' ? PG_URL : undefined);
      runs.push(result);
      const row = [
        run,
        system,
        result.accepted,
        result.failedRequests,
        result.httpRate,
        result.endToEndRate,
        result.p50,
        result.p99,
        result.cpu,
        result.machineBusy,
        result.systemUsPerMessage,
        result.restUsPerMessage,
        result.feedDelivered ?? '-',
        result.feedRepeated ?? '-',
        result.feedMs ?? '-',
        result.duplicates ?? '-',
        load(),
      ];
      rows.push(row);
      console.log(row.join('  '));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\n${table(rows)}\n`);
const of = (system: System, pick: (r: DrillRun) => number): number =>
  median(runs.filter((r) => r.system === system).map(pick));
const kannelHttp = ONLY ? NaN : of('kannel', (r) => r.httpRate);
const kannelE2e = ONLY ? NaN : of('kannel', (r) => r.endToEndRate);
const summary: (string | number)[][] = [
  [
    'system (median)',
    'HTTP msg/s',
    'e2e msg/s',
    'HTTP ratio',
    'e2e ratio',
    'send p50 ms',
    'send p99 ms',
    'µs/msg',
    'rest µs/msg',
  ],
];
let failed = false;
for (const system of systems) {
  const http = of(system, (r) => r.httpRate);
  const e2e = of(system, (r) => r.endToEndRate);
  summary.push([
    system,
    Math.round(http),
    Math.round(e2e),
    `${(http / kannelHttp).toFixed(2)}x`,
    `${(e2e / kannelE2e).toFixed(2)}x`,
    of(system, (r) => r.p50),
    of(system, (r) => r.p99),
    of(system, (r) => r.systemUsPerMessage),
    of(system, (r) => r.restUsPerMessage),
  ]);
}
console.log(table(summary));
// The machine's budget: at ratio × Kannel's end-to-end rate, the cores give cores/rate of CPU time per
// message in all; what the rest of the drill (load generator, simulator, kernel) took per message in
// this system's runs is not the system's to use.
if (!ONLY) {
  const cores = availableParallelism();
  for (const system of systems.filter((s) => s === 'sqlite' || s === 'postgres')) {
    const ratio = system === 'postgres' ? 1.5 : 2;
    const perMessage = (cores * 1e6) / (ratio * kannelE2e);
    const rest = of(system, (r) => r.restUsPerMessage);
    console.log(
      `${system} at ${ratio}x Kannel (${Math.round(ratio * kannelE2e)} msg/s): ${cores} cores give ` +
        `${Math.round(perMessage)} µs of CPU per message in all; the rest of the drill took ${rest}, ` +
        `leaving ${Math.round(perMessage - rest)} µs for ${system} (it used ${of(system, (r) => r.systemUsPerMessage)}).`,
    );
  }
  console.log(
    `Node's bare HTTP server, reading the form and answering JSON, nothing else: ` +
      `${of('node-http', (r) => r.systemUsPerMessage)} µs per request.`,
  );
}
for (const r of runs) {
  if (r.accepted !== COUNT || r.failedRequests > 0) {
    failed = true;
    console.log(`!! ${r.system}: ${r.accepted}/${COUNT} sends accepted, ${r.failedRequests} failed`);
  }
  if (r.feedRepeated)
    console.log(`!! ${r.system}: get_feed's since_id paging showed ${r.feedRepeated} rows twice`);
  if (r.feedDelivered !== undefined && r.feedDelivered !== COUNT + WARMUP) {
    failed = true;
    console.log(`!! ${r.system}: get_feed shows ${r.feedDelivered} delivered, expected ${COUNT + WARMUP}`);
  }
}
if (failed) process.exitCode = 1;
