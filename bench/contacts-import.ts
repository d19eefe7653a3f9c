/**
 * Benchmark of the CSV contact import (contract §4.4): a 1,000,000-row CSV generated on disk, uploaded
 * over HTTP (multipart, streamed from the file) to `vudumobile serve` running the compiled code
 * (dist/, built by `npm run build`) in a child process on a fresh SQLite file, then polled with
 * get_import until completed. Prints, per run and as medians: elapsed seconds (upload start → completed),
 * rows/s, and the server's peak RSS (VmHWM). Loopback only; bounded by BENCH_RUNS and a time limit.
 *
 *   npm run bench:contacts-import            (3 runs of 1,000,000 rows)
 *   BENCH_ROWS=200000 BENCH_RUNS=1 npm run bench:contacts-import
 */
import { once } from 'node:events';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnServer } from '../test/helpers/child-server.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TIME_LIMIT_MS = 5 * 60_000;
const MULTIPART_LIMIT = 50 * 1024 * 1024;

/** Writes the CSV with back-pressure: one row string at a time, never the whole file in memory. */
async function generateCsv(path: string, rows: number): Promise<number> {
  const out = createWriteStream(path);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('number,name,email\n');
  for (let i = 0; i < rows; i++) {
    // 514-200-0000 onwards: a million valid, distinct Montréal numbers.
    await write(`514${2_000_000 + i},Contact ${i},c${i}@example.com\n`);
  }
  out.end();
  await once(out, 'finish');
  return (await stat(path)).size;
}

interface RunResult {
  uploadS: number;
  elapsedS: number;
  rowsPerS: number;
  peakRssMb: number;
  /** The slowest get_import answer while the import ran: how well the API stays responsive. */
  maxPollMs: number;
}

async function runOnce(csvPath: string): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'vudumobile-bench-'));
  const server = await spawnServer({ dir, compiled: true });
  try {
    const key = server.firstRunKey;
    if (!key) throw new Error('the server printed no first-run key');
    const headers = { 'VUDUMOBILE-API-KEY': key };
    const started = performance.now();
    const form = new FormData();
    form.set('file', await openAsBlob(csvPath), 'contacts.csv');
    form.set('email', 'admin@localhost');
    const answer = await fetch(`${server.url}/api/import_contacts`, { method: 'POST', headers, body: form });
    const body = (await answer.json()) as { status: boolean; import_id?: number; error?: string };
    if (!body.status || body.import_id === undefined)
      throw new Error(`import refused: ${JSON.stringify(body)}`);
    const uploaded = performance.now();

    let maxPollMs = 0;
    for (;;) {
      if (performance.now() - started > TIME_LIMIT_MS) throw new Error('the import did not finish in time');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const asked = performance.now();
      const poll = await fetch(`${server.url}/api/get_import`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: `import_id=${body.import_id}`,
      });
      const state = (await poll.json()) as { import: { status: string; created: number; rejected: number } };
      maxPollMs = Math.max(maxPollMs, performance.now() - asked);
      if (state.import.status === 'failed') throw new Error('the import failed');
      if (state.import.status !== 'completed') continue;
      if (state.import.created !== ROWS) throw new Error(`created ${state.import.created}, expected ${ROWS}`);
      const done = performance.now();
      const elapsedS = (done - started) / 1000;
      return {
        uploadS: (uploaded - started) / 1000,
        elapsedS,
        rowsPerS: ROWS / elapsedS,
        peakRssMb: (await server.peakRss()) / (1024 * 1024),
        maxPollMs,
      };
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const work = await mkdtemp(join(tmpdir(), 'vudumobile-bench-csv-'));
try {
  const csvPath = join(work, 'contacts.csv');
  const bytes = await generateCsv(csvPath, ROWS);
  if (bytes > MULTIPART_LIMIT) throw new Error(`the CSV is ${bytes} bytes, over the 50 MB upload limit`);
  console.log(
    `contacts-import: ${ROWS} rows, ${(bytes / 1e6).toFixed(1)} MB, server = compiled dist/ in a child`,
  );
  const results: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const r = await runOnce(csvPath);
    results.push(r);
    console.log(
      `run ${run}: upload+check ${r.uploadS.toFixed(1)} s, total ${r.elapsedS.toFixed(1)} s, ` +
        `${Math.round(r.rowsPerS)} rows/s, peak RSS ${r.peakRssMb.toFixed(0)} MB, ` +
        `slowest get_import meanwhile ${r.maxPollMs.toFixed(0)} ms`,
    );
  }
  console.log(
    `median of ${RUNS}: elapsed ${median(results.map((r) => r.elapsedS)).toFixed(1)} s, ` +
      `${Math.round(median(results.map((r) => r.rowsPerS)))} rows/s, ` +
      `peak RSS ${median(results.map((r) => r.peakRssMb)).toFixed(0)} MB ` +
      `(upload+check ${median(results.map((r) => r.uploadS)).toFixed(1)} s, ` +
      `slowest get_import ${median(results.map((r) => r.maxPollMs)).toFixed(0)} ms)`,
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
