/**
 * npm run soak — issue #16, item 5: a compiled `vudumobile serve` under mixed traffic for a long
 * time (bench/lib/soak-traffic.ts: sends, get_feed polling, emails to a local SMTP sink, MO from the
 * SMSC simulator forwarded to a webhook receiver, status webhooks, and every few minutes an import
 * and a broadcast). Every minute it prints the server's RSS (/proc), heap used, event-loop lag p99
 * and open handles (its /metrics: prom-client's default metrics), with RSS split into anonymous and
 * file-backed memory and the anonymous part into V8 heap, external buffers and the rest (native:
 * malloc, SQLite's caches, worker threads), means over the minute of samples taken every 5 s; at the
 * end, the verdict of bench/lib/soak-verdict.ts.
 *
 *   npm run soak -- --minutes 30 [--sends 20] [--warmup 5] [--record FILE]   BENCH_DATABASE_URL=postgres://…
 *   npm run soak -- --judge FILE [--warmup N]     judges a recorded run again without running anything
 */
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSmscSim } from '../src/transport/smsc-sim/smsc-sim.js';
import { bulkInsertContacts } from '../test/helpers/address-book.js';
import { spawnServer } from '../test/helpers/child-server.js';
import { createPostgresDatabase, type TestDatabase } from '../test/helpers/database.js';
import { metricLine } from '../test/helpers/outage-drill.js';
import { mallocResident, residentBreakdown } from '../test/helpers/proc-stats.js';
import { callApi, prepareAccount } from '../test/helpers/processes.js';
import { startSmtpServer } from '../test/helpers/smtp-server.js';
import { startWebhookReceiver } from '../test/helpers/webhook-receiver.js';
import { SoakTraffic } from './lib/soak-traffic.js';
import { describeVerdict, judgeSoak, type SoakMinute, type VerdictRules } from './lib/soak-verdict.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    sends: { type: 'string', default: '20' },
    warmup: { type: 'string' },
    // One JSON line per minute, to judge a run again later.
    record: { type: 'string' },
    judge: { type: 'string' },
  },
});
const minutes = whole(values.minutes, '--minutes');
const sendsPerSecond = whole(values.sends, '--sends');
const SAMPLE_MS = 5_000;
const BULK_EVERY_MINUTES = 5;
const SENDER = '15149541234';
const USER = 'scale@example.com';
const MB = 1024 * 1024;

interface Sample {
  rss: number;
  anon: number;
  file: number;
  heap: number;
  heapTotal: number;
  external: number;
  lag: number;
  handles: number;
}

if (values.judge === undefined) await soak();
else {
  const recorded = (await readFile(values.judge, 'utf8'))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SoakMinute);
  const rules = verdictRules(
    recorded.length,
    recorded.some((m) => m.dbMb > 0),
  );
  const verdict = judgeSoak(recorded, rules);
  for (const line of describeVerdict(verdict, rules)) console.log(line);
}

async function soak(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vudumobile-soak-'));
  const postgres = process.env.BENCH_DATABASE_URL;
  const database: TestDatabase = postgres
    ? await createPostgresDatabase(postgres, 'vudumobile_soak')
    : { url: `sqlite:${join(dir, 'soak.db')}`, drop: async () => {} };
  const sim = await startSmscSim({ receiptDelayMs: 200, keepPdus: false });
  const smtp = await startSmtpServer();
  const hooks = await startWebhookReceiver();
  const { store, accountId, key } = await prepareAccount(database.url, SENDER);
  await bulkInsertContacts(store.db, accountId, 2_000);
  await store.close();
  const server = await spawnServer({
    dir,
    compiled: true,
    env: {
      DATABASE_URL: database.url,
      SMPP_URL: `smpp://soak:soak@127.0.0.1:${sim.port}?window=50&name=carrier`,
      SMTP_URL: `smtp://vudu:p%40ss@127.0.0.1:${smtp.port}`,
      MAIL_FROM: 'soak@example.com',
      // The webhook receiver listens on loopback.
      WEBHOOK_ALLOW_PRIVATE: '1',
      // glibc's arenas (8 per core by default) are one suspect when RSS grows with a flat heap.
      ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
    },
  });
  const started = new Date();
  const rules = verdictRules(minutes, !postgres);
  try {
    const hook = await callApi(server.url, key, 'post_webhook', { url: hooks.url, events: 'all' });
    if (hook.status !== 200) throw new Error(`post_webhook: ${JSON.stringify(hook.body)}`);
    const traffic = new SoakTraffic({ url: server.url, key, sender: SENDER, userEmail: USER }, sim, {
      sendsPerSecond,
      feedPollsPerSecond: 2,
      emailsPerSecond: 0.5,
      moPerSecond: 1,
      bulkEveryMinutes: BULK_EVERY_MINUTES,
      importRows: 1_000,
    });
    console.log(
      `soak: ${minutes} min, ${postgres ? 'PostgreSQL' : 'SQLite'}, started ${started.toISOString()}, load ${load()}; ` +
        `${sendsPerSecond} sends/s, 2 get_feed/s, 1 email/2 s, 1 MO/s (webhooks mo+status), ` +
        `every 5 min an import (1,000 rows) and a broadcast (3,000 contacts); warm-up ${rules.warmupMinutes} min`,
    );
    console.log(
      'min  rss MB  anon MB  file MB  heap MB  heap total  external  malloc  db MB  lag p99 ms  handles  sends  feed  emails→smtp  mo  webhooks  failures',
    );
    traffic.start();
    const minutesSeen: SoakMinute[] = [];
    let samples: Sample[] = [];
    const end = Date.now() + minutes * 60_000;
    let nextMinute = Date.now() + 60_000;
    while (Date.now() < end) {
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      samples.push(await sample(server.url, server.pid));
      if (Date.now() >= nextMinute) {
        nextMinute += 60_000;
        const row: SoakMinute = {
          minute: minutesSeen.length + 1,
          rssMb: mean(samples.map((s) => s.rss)) / MB,
          anonMb: mean(samples.map((s) => s.anon)) / MB,
          fileMb: mean(samples.map((s) => s.file)) / MB,
          heapMb: mean(samples.map((s) => s.heap)) / MB,
          heapTotalMb: mean(samples.map((s) => s.heapTotal)) / MB,
          externalMb: mean(samples.map((s) => s.external)) / MB,
          mallocMb: await mallocResident(server.pid).then((m) => (m.mainArena + m.threadArenas) / MB),
          dbMb: postgres ? 0 : (await sqliteBytes(dir)) / MB,
          lagP99Ms: Math.max(...samples.map((s) => s.lag)) * 1000,
          handles: samples.at(-1)?.handles ?? 0,
        };
        samples = [];
        minutesSeen.push(row);
        if (values.record) await appendFile(values.record, `${JSON.stringify(row)}\n`);
        const c = traffic.counts;
        console.log(
          [
            String(row.minute).padStart(3),
            row.rssMb.toFixed(1).padStart(6),
            row.anonMb.toFixed(1).padStart(7),
            row.fileMb.toFixed(1).padStart(7),
            row.heapMb.toFixed(1).padStart(7),
            row.heapTotalMb.toFixed(1).padStart(10),
            row.externalMb.toFixed(1).padStart(8),
            (row.mallocMb ?? 0).toFixed(1).padStart(6),
            row.dbMb.toFixed(1).padStart(5),
            row.lagP99Ms.toFixed(1).padStart(10),
            String(row.handles).padStart(7),
            String(c.sends).padStart(6),
            String(c.feedPolls).padStart(5),
            `${c.emails}→${smtp.received.length}`.padStart(12),
            String(c.mo).padStart(4),
            String(hooks.received.length).padStart(9),
            String(c.failures).padStart(9),
          ].join('  '),
        );
      }
    }
    await traffic.stop();
    const c = traffic.counts;
    console.log(
      `traffic: ${c.sends} sends, ${c.feedPolls} feed polls, ${c.emails} emails (${smtp.received.length} reached SMTP), ` +
        `${c.mo} MO, ${hooks.received.length} webhooks, ${c.imports} imports, ${c.broadcasts} broadcasts, ` +
        `${sim.stats.accepted} submits accepted by the SMSC, ${c.failures} failed requests${c.failures ? `: ${c.failureSamples.join(' | ')}` : ''}`,
    );
    const after = minutesSeen.filter((m) => m.minute > rules.warmupMinutes);
    if (after.length > 0)
      console.log(
        `after the warm-up: least-squares slope of every minute: RSS ${slope(after.map((m) => [m.minute, m.rssMb])).toFixed(2)} MB/min, ` +
          `anon ${slope(after.map((m) => [m.minute, m.anonMb])).toFixed(2)} MB/min, ` +
          `heap ${slope(after.map((m) => [m.minute, m.heapMb])).toFixed(2)} MB/min; ` +
          `lag p99 max ${Math.max(...after.map((m) => m.lagP99Ms)).toFixed(1)} ms; handles ${after[0]?.handles} → ${after.at(-1)?.handles}`,
      );
    const verdict = judgeSoak(minutesSeen, rules);
    for (const line of describeVerdict(verdict, rules)) console.log(line);
    console.log(`load ${load()}`);
    if (verdict.kind !== 'FLAT' || c.failures > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    await Promise.all([sim.close(), smtp.close(), hooks.close()]);
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The first third is warm-up (at least 2 minutes) unless --warmup says otherwise. */
function verdictRules(minutes: number, sqlite: boolean): VerdictRules {
  const warmupMinutes =
    values.warmup === undefined ? Math.max(2, Math.round(minutes / 3)) : whole(values.warmup, '--warmup');
  return { cycleMinutes: BULK_EVERY_MINUTES, warmupMinutes, sqlite };
}

async function sample(url: string, pid: number): Promise<Sample> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (series: string): number => Number(metricLine(text, series) ?? NaN);
  return {
    ...(await residentBreakdown(pid)),
    heap: value('vudumobile_nodejs_heap_size_used_bytes'),
    heapTotal: value('vudumobile_nodejs_heap_size_total_bytes'),
    external: value('vudumobile_nodejs_external_memory_bytes'),
    lag: value('vudumobile_nodejs_eventloop_lag_p99_seconds'),
    handles: value('vudumobile_nodejs_active_handles_total'),
  };
}

/** Bytes of the SQLite database and its WAL (the server's data directory is `dir`). */
async function sqliteBytes(dir: string): Promise<number> {
  let total = 0;
  for (const file of ['soak.db', 'soak.db-wal'])
    total += await stat(join(dir, file)).then(
      (s) => s.size,
      () => 0,
    );
  return total;
}

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = mean(points.map(([x]) => x));
  const my = mean(points.map(([, y]) => y));
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return n < 2 || den === 0 ? 0 : num / den;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
}

function load(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}

function whole(raw: string | undefined, flag: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${flag}: expected a whole number above 0`);
  return value;
}
