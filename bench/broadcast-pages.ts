/**
 * npm run bench:broadcast-pages — the memory a server spends answering get_broadcasts for an account
 * with three broadcasts of 100,000 recipients each, now that each `list` is one page (extension of
 * contract §7). Before paging, that answer held all 300,000 rows (hundreds of megabytes of JSON,
 * several times that in objects).
 *
 * Starts the compiled server (`dist/`) in its own process on a fresh database (its first run makes
 * the account and prints the key), writes the three completed broadcasts straight into the database
 * (test/helpers/broadcast-lists.ts), then measures the server's RSS (/proc) and V8 heap (its own
 * /metrics) before, at the peak during (RSS sampled every 10 ms), and after each case:
 *
 * - get_broadcasts with the default page (1,000 rows a list);
 * - get_broadcasts with list_limit=10000 (the largest page);
 * - one whole list of 100,000 rows read with get_broadcast, limit=10000 and after=next_after.
 *
 *   npm run bench:broadcast-pages                  (SQLite)
 *   npm run bench:broadcast-pages -- --pg          (a new database on TEST_DATABASE_URL's server)
 *   BENCH_ROWS=20000 npm run bench:broadcast-pages
 *
 * Judges each case: the RSS the server adds at its peak must stay under the case's bound, which depends
 * on the page size and not on the lists' (the unpaged answer added hundreds of megabytes); exit 1 if not.
 */
import { seedFirstAccountBroadcasts } from '../test/helpers/broadcast-lists.js';
import { rssBytes } from '../test/helpers/proc-stats.js';
import { openDrillWorkspace, startServer, type ServerProcess } from './lib/server-process.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const BROADCASTS = 3;
const MB = 1024 * 1024;
const usePg = process.argv.includes('--pg');
const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.BENCH_DATABASE_URL;
if (usePg && !adminUrl) throw new Error('--pg needs TEST_DATABASE_URL (postgres://user@host:port/db)');

interface Memory {
  rss: number;
  heap: number;
}

async function heapUsed(server: ServerProcess): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = /^vudumobile_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text);
  return line?.[1] ? Number(line[1]) : NaN;
}

async function memory(server: ServerProcess): Promise<Memory> {
  const pid = server.child.pid ?? 0;
  return { rss: await rssBytes(pid), heap: await heapUsed(server) };
}

async function call(server: ServerProcess, endpoint: string, params: Record<string, string>) {
  const response = await fetch(`${server.url}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'VUDUMOBILE-API-KEY': server.key, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${endpoint}: ${response.status} ${text.slice(0, 200)}`);
  return { bytes: Buffer.byteLength(text), body: JSON.parse(text) as Record<string, unknown> };
}

function verdict(grownBytes: number, boundMb: number): string {
  const grown = `+${(grownBytes / MB).toFixed(1)} MB`;
  return grownBytes > boundMb * MB ? `OVER: ${grown} > ${boundMb} MB` : `ok: ${grown} ≤ ${boundMb} MB`;
}

/** Runs `work` while sampling the server's RSS every 10 ms; returns its result, the peak and the time. */
async function duringPeak<T>(server: ServerProcess, work: () => Promise<T>) {
  const pid = server.child.pid ?? 0;
  let peak = await rssBytes(pid);
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await rssBytes(pid).catch(() => 0));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const started = performance.now();
  const result = await work();
  const ms = performance.now() - started;
  sampling = false;
  await sampler;
  return { result, peak, ms };
}

const mb = (bytes: number) => (bytes / MB).toFixed(1).padStart(8);

const workspace = await openDrillWorkspace(usePg ? adminUrl : undefined, 'broadcast-pages');
try {
  const server = await startServer({ databaseUrl: workspace.database.url, dataDir: workspace.dir });
  workspace.servers.push(server);
  console.log(
    `broadcast pages on ${usePg ? 'postgres' : 'sqlite'}: writing ${BROADCASTS} broadcasts of ${ROWS.toLocaleString('en')} rows…`,
  );
  const names = Array.from({ length: BROADCASTS }, (_, i) => `Concours ${i + 1}`);
  await seedFirstAccountBroadcasts(workspace.database.url, names, ROWS);

  // One small call first: the routes, the pool and the JIT warmed, as on a server that has been up.
  await call(server, 'get_broadcasts', { list_limit: '1' });
  // [name, the largest RSS growth allowed at the peak (MB), the case]
  const cases: [string, number, () => Promise<{ bytes: number; rows: number }>][] = [
    [
      'get_broadcasts (default page)',
      32,
      async () => {
        const { bytes, body } = await call(server, 'get_broadcasts', {});
        const lists = body.broadcasts as { list: unknown[] }[];
        return { bytes, rows: lists.reduce((n, b) => n + b.list.length, 0) };
      },
    ],
    [
      'get_broadcasts list_limit=10000',
      160,
      async () => {
        const { bytes, body } = await call(server, 'get_broadcasts', { list_limit: '10000' });
        const lists = body.broadcasts as { list: unknown[] }[];
        return { bytes, rows: lists.reduce((n, b) => n + b.list.length, 0) };
      },
    ],
    [
      `one list, ${ROWS / 1000}k rows by 10,000`,
      128,
      async () => {
        const first = await call(server, 'get_broadcasts', { list_limit: '0' });
        const id = (first.body.broadcasts as { id: string }[])[0]?.id ?? '';
        let after: string | undefined = '0';
        let bytes = 0;
        let rows = 0;
        while (after !== undefined) {
          const page = await call(server, 'get_broadcast', { broadcast: id, limit: '10000', after });
          bytes += page.bytes;
          rows += (page.body.list as unknown[]).length;
          after = page.body.next_after as string | undefined;
        }
        return { bytes, rows };
      },
    ],
  ];
  console.log(
    `\n${'case'.padEnd(34)} ${'rows'.padStart(8)} ${'JSON MB'.padStart(8)} ${'ms'.padStart(7)}` +
      `  RSS before / peak / after MB   heap before / after MB   verdict`,
  );
  for (const [name, boundMb, run] of cases) {
    const before = await memory(server);
    const { result, peak, ms } = await duringPeak(server, run);
    const after = await memory(server);
    console.log(
      `${name.padEnd(34)} ${String(result.rows).padStart(8)} ${mb(result.bytes)} ${ms.toFixed(0).padStart(7)}` +
        `  ${mb(before.rss)} ${mb(peak)} ${mb(after.rss)}   ${mb(before.heap)} ${mb(after.heap)}` +
        `   ${verdict(peak - before.rss, boundMb)}`,
    );
    if (peak - before.rss > boundMb * MB) process.exitCode = 1;
  }
} finally {
  await workspace.dispose();
}
