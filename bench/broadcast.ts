// npm run bench:broadcast — a 100,000-contact broadcast through real `vudumobile serve` processes
// (compiled), from start_broadcast to every message accepted by the sandbox SMS carrier, while an
// out-of-process load generator makes single `send` calls at a steady rate and times them.
//
//   npm run bench:broadcast                                   # 3 runs, 100,000 contacts, 100 sends/s
//   npm run bench:broadcast -- --contacts 20000 --runs 5 --send-rate 200
//   npm run bench:broadcast -- --workers 2 --apis 2           # N `--role worker` + M `--role api`
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:broadcast
//                                                             # a fresh PG database per run, dropped after
//
// The bar (issue #4): start → all accepted under 30 s, single-send p99 under 50 ms meanwhile.
import { parseArgs } from 'node:util';
import { runBroadcastDrill, type BroadcastDrillResult } from './lib/broadcast-drill.js';
import { buildOnce, median } from './lib/harness.js';
import { table } from './lib/server-process.js';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'send-rate': { type: 'string', default: '100' },
    workers: { type: 'string', default: '0' },
    apis: { type: 'string', default: '1' },
  },
});
const contacts = Number(values.contacts);
const runs = Number(values.runs);
const sendRate = Number(values['send-rate']);
const workerProcesses = Number(values.workers);
const apiProcesses = Number(values.apis);
if (!Number.isInteger(contacts) || contacts < 1 || contacts > 1_000_000)
  throw new Error('--contacts: 1..1000000');
if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error('--runs: 1..20');
if (!(sendRate > 0 && sendRate <= 2000)) throw new Error('--send-rate: 1..2000');
const databaseUrl = process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined;

buildOnce();
console.log(
  `broadcast bench: ${contacts} contacts, ${runs} run(s), single sends at ${sendRate}/s, ` +
    `${databaseUrl ? 'PostgreSQL (fresh database per run)' : 'SQLite (fresh file per run)'}, ` +
    `${workerProcesses > 0 ? `${apiProcesses} api + ${workerProcesses} worker processes` : 'one serve process'}`,
);

const results: BroadcastDrillResult[] = [];
for (let run = 1; run <= runs; run++) {
  const result = await runBroadcastDrill({
    contacts,
    sendRate,
    workerProcesses,
    apiProcesses,
    ...(databaseUrl ? { databaseUrl } : {}),
    log: (line) => console.log(`  ${line}`),
  });
  results.push(result);
  const s = result.sends;
  console.log(
    `run ${run}: fan-out ${result.fanOutSeconds.toFixed(2)} s | start → all accepted ` +
      `${result.allAcceptedSeconds.toFixed(2)} s (${result.acceptedPerSecond} msg/s) | sends ${s.requests} ` +
      `(${s.non200} non-200, ${s.errors} errors) p50 ${s.p50} ms p99 ${s.p99} ms max ${s.max} ms` +
      (result.duplicates > 0 ? ` | ${result.duplicates} DUPLICATE parts` : '') +
      `\n       slowest sends [s after start, ms]: ${JSON.stringify(s.slowest.slice(0, 5))}`,
  );
}

const pick = (f: (r: BroadcastDrillResult) => number): string => median(results.map(f)).toFixed(2);
console.log(
  `\n${table([
    [
      'median of ' + runs,
      'fan-out s',
      'start→all accepted s',
      'msg/s',
      'send p50 ms',
      'send p99 ms',
      'send max ms',
    ],
    [
      `${contacts} contacts`,
      pick((r) => r.fanOutSeconds),
      pick((r) => r.allAcceptedSeconds),
      Math.round(median(results.map((r) => r.acceptedPerSecond))),
      pick((r) => r.sends.p50),
      pick((r) => r.sends.p99),
      pick((r) => r.sends.max),
    ],
  ])}`,
);
const accepted = median(results.map((r) => r.allAcceptedSeconds));
const p99 = median(results.map((r) => r.sends.p99));
console.log(
  `bar: start → all accepted < 30 s: ${accepted < 30 ? 'met' : 'MISSED'} (${accepted.toFixed(2)} s); ` +
    `send p99 < 50 ms: ${p99 < 50 ? 'met' : 'MISSED'} (${p99.toFixed(2)} ms). ` +
    'Shared 2-core machine: compare within one run.',
);
