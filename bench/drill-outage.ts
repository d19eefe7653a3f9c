/**
 * npm run drill:outage — the carrier outage drill at full size (test/helpers/outage-drill.ts): the
 * SMSC simulator refuses binds for 10 minutes while 100,000 sends and a 10,000-contact broadcast are
 * queued through the API of a compiled `vudumobile serve`; then it accepts binds again. Prints the
 * minutes down, messages queued, lost (must be 0), the server's CPU while down, the time to drain
 * and the rate it drained at against the connector's tps. Exit status 1 when anything was lost.
 *
 *   npm run drill:outage -- --minutes 10 --messages 100000 --broadcast 10000 --tps 1000
 *   BENCH_DATABASE_URL=postgres://… for PostgreSQL (a fresh database is created and dropped)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPostgresDatabase, type TestDatabase } from '../test/helpers/database.js';
import { runOutageDrill } from '../test/helpers/outage-drill.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    messages: { type: 'string', default: '100000' },
    broadcast: { type: 'string', default: '10000' },
    tps: { type: 'string', default: '1000' },
  },
});
const minutes = positive(values.minutes, '--minutes');
const sends = positive(values.messages, '--messages');
const broadcastContacts = positive(values.broadcast, '--broadcast');
const tps = positive(values.tps, '--tps');

const dir = await mkdtemp(join(tmpdir(), 'vudumobile-drill-outage-'));
const postgres = process.env.BENCH_DATABASE_URL;
const database: TestDatabase = postgres
  ? await createPostgresDatabase(postgres, 'vudumobile_drill_outage')
  : { url: `sqlite:${join(dir, 'drill.db')}`, drop: async () => {} };
const started = new Date().toISOString();
try {
  const result = await runOutageDrill({
    databaseUrl: database.url,
    sends,
    broadcastContacts,
    downMs: minutes * 60_000,
    quietMs: 10_000,
    tps,
    compiled: true,
    drainTimeoutMs: Math.max(600_000, ((sends + broadcastContacts) / tps) * 3_000),
    log: (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(
    `\ncarrier outage drill, ${postgres ? 'PostgreSQL' : 'SQLite'}, started ${started}, load ${loadAverage()}`,
  );
  const rows: [string, string][] = [
    ['minutes down', (result.downSeconds / 60).toFixed(1)],
    ['messages queued while down', `${result.queued} (${sends} sends, ${broadcastContacts} broadcast)`],
    ['sends refused while down', String(result.refusedSends)],
    ['/health while down', `${result.healthWhileDown.state}: ${result.healthWhileDown.detail}`],
    ['vudumobile_sms_connector_up while down', result.connectorUpWhileDown],
    ['binds tried while down', String(result.bindAttemptsWhileDown)],
    [
      'server CPU while down (quiet part)',
      `${result.cpu.percent.toFixed(2)} % of a core (${result.cpu.cpuSeconds.toFixed(1)} s CPU in ${result.cpu.wallSeconds.toFixed(0)} s)`,
    ],
    ['rebind after the SMSC came back', `${result.rebindSeconds.toFixed(1)} s`],
    ['time to drain (bound → last receipt)', `${result.drainSeconds.toFixed(1)} s`],
    ['drain rate', `${Math.round(result.tps)} msg/s (connector tps ${tps})`],
    ['delivered', String(result.delivered)],
    ['lost', `${result.lost}${result.lost > 0 ? ` ${JSON.stringify(result.notDelivered)}` : ''}`],
    ['accepted twice by the SMSC', String(result.duplicates)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  if (result.lost > 0 || result.refusedSends > 0) process.exitCode = 1;
} finally {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
}

function positive(raw: string | undefined, flag: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag}: expected a number above 0`);
  return value;
}

/** The 1, 5 and 15 minute load averages, as `uptime` prints them. */
function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
}
