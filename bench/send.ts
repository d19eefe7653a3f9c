/**
 * npm run bench:send — `send` over HTTP: 50 connections from autocannon in its own process against
 * the compiled server (`node dist/cli/program.js serve`), SQLite with synchronous=FULL. Each 200 means
 * the row is committed: the script checks at the end that the table holds every message answered.
 *
 * Two set-ups: `--role api` (HTTP alone; no dispatcher in the process) and `--role all` (the
 * dispatcher and the receipt handler drain the same messages through the sandbox meanwhile).
 * Prints each run and the medians. BENCH_RUNS (default 3) and BENCH_SECONDS (default 10).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { median, ROOT, startServer, table } from './lib/server-process.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

interface LoadResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function load(url: string, key: string, seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/send-load.ts', url, key, String(seconds), String(CONNECTIONS)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}`));
      resolve(JSON.parse(output.trim().split('\n').pop() ?? '{}') as LoadResult);
    });
  });
}

const summary: (string | number)[][] = [
  ['role', 'req/s (median)', 'p50 ms', 'p99 ms (median)', 'answered 200', 'rows stored'],
];

for (const role of ['api', 'all'] as const) {
  const dir = mkdtempSync(join(tmpdir(), 'vudumobile-bench-send-'));
  const databaseUrl = `sqlite:${join(dir, 'bench.db')}`;
  const server = await startServer({ databaseUrl, dataDir: dir, args: ['--role', role] });
  let answered = 0;
  const rows: (string | number)[][] = [['run', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors']];
  const rates: number[] = [];
  const p50s: number[] = [];
  const p99s: number[] = [];
  try {
    answered += (await load(server.url, server.key, 3))['2xx']; // warm-up: JIT, caches, WAL
    for (let run = 1; run <= RUNS; run++) {
      const result = await load(server.url, server.key, SECONDS);
      answered += result['2xx'];
      rates.push(result.requests.average);
      p50s.push(result.latency.p50);
      p99s.push(result.latency.p99);
      rows.push([
        run,
        result.requests.average,
        result.latency.p50,
        result.latency.p99,
        result.non2xx,
        result.errors,
      ]);
    }
  } finally {
    await server.stop();
  }
  const db = new SqliteDatabase(join(dir, 'bench.db'), { readonly: true });
  const stored = (
    db.prepare("select count(*) as n from messages where direction = 'mt'").get() as { n: number }
  ).n;
  db.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(`\nsend over HTTP, --role ${role}, ${CONNECTIONS} connections, ${SECONDS} s per run`);
  console.log(table(rows));
  summary.push([role, Math.round(median(rates)), median(p50s), median(p99s), answered, stored]);
  // Requests still in flight when a run ends are stored but not counted by autocannon.
  if (stored < answered || stored > answered + CONNECTIONS * (RUNS + 1))
    console.log(`!! ${answered} sends answered 200 but ${stored} rows stored`);
}

console.log('\nsummary (target: > 5000 req/s with p99 < 25 ms, every answer committed)');
console.log(table(summary));
