/**
 * The carrier outage drill (issue #16, item 3): a `vudumobile serve` child bound to the SMSC
 * simulator (in this process, so the drill controls it); the simulator goes into maintenance (binds
 * refused with ESME_RBINDFAIL); while it is down, `sends` messages are queued through the API and a
 * broadcast to `broadcastContacts` contacts is started; the drill reads /health and /metrics, the
 * server's CPU time over the quiet rest of the outage and the binds it tried; then the SMSC accepts
 * binds again and the drill waits for every message to be delivered (receipt recorded), counting what
 * was lost and what the SMSC accepted twice. Used by the test (short) and `npm run drill:outage`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Store } from '../../src/store/database.js';
import { startSmscSim } from '../../src/transport/smsc-sim/smsc-sim.js';
import { bulkInsertContacts } from './address-book.js';
import { sendMany } from './api-load.js';
import { spawnServer } from './child-server.js';
import { waitFor } from './messages.js';
import { startCpuWatch } from './proc-stats.js';
import { callApi, prepareAccount } from './processes.js';

export interface OutageDrillOptions {
  /** sqlite:… or postgres://… of an empty database. */
  readonly databaseUrl: string;
  /** Messages sent through the API while the SMSC is down. */
  readonly sends: number;
  /** Contacts of the broadcast started while it is down. */
  readonly broadcastContacts: number;
  /** How long binds are refused, at least (longer if queueing takes longer, plus `quietMs`). */
  readonly downMs: number;
  /** The least time the CPU is measured after everything is queued. */
  readonly quietMs: number;
  /** The connector's tps (SMPP_URL `tps=`). */
  readonly tps: number;
  /** Run dist/ (benchmarks) rather than the sources through tsx (tests). */
  readonly compiled?: boolean;
  /** How long the drain may take before the drill gives up. */
  readonly drainTimeoutMs: number;
  readonly log?: (line: string) => void;
}

export interface OutageDrillResult {
  readonly downSeconds: number;
  /** Messages queued while down: the sends answered 200 plus the broadcast's. */
  readonly queued: number;
  /** Sends not answered 200 while down (must be 0), with samples. */
  readonly refusedSends: number;
  readonly refusedSamples: string[];
  /** What /health and /metrics said while down. */
  readonly healthWhileDown: { state: string; detail: string };
  readonly connectorUpWhileDown: string;
  readonly queueWaitingWhileDown: string;
  /** CPU of the server over the quiet part of the outage. */
  readonly cpu: { cpuSeconds: number; wallSeconds: number; percent: number };
  /** Binds the platform tried while the SMSC refused them. */
  readonly bindAttemptsWhileDown: number;
  /** From binds accepted again to the connector bound. */
  readonly rebindSeconds: number;
  /** From the connector bound to the last receipt recorded. */
  readonly drainSeconds: number;
  readonly tps: number;
  readonly delivered: number;
  /** Queued messages not delivered at the end (must be 0), by status. */
  readonly lost: number;
  readonly notDelivered: Record<string, number>;
  /** Messages the SMSC accepted more than once. */
  readonly duplicates: number;
}

const SENDER = '15149541234';
const SEND_FIRST = 15_143_000_000;

export async function runOutageDrill(options: OutageDrillOptions): Promise<OutageDrillResult> {
  const log = options.log ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), 'vudumobile-outage-'));
  const sim = await startSmscSim({ receiptDelayMs: 0, keepPdus: false });
  let store: Store | undefined;
  let server: Awaited<ReturnType<typeof spawnServer>> | undefined;
  try {
    const prepared = await prepareAccount(options.databaseUrl, SENDER);
    store = prepared.store;
    const { accountId, key } = prepared;
    await bulkInsertContacts(store.db, accountId, options.broadcastContacts);
    server = await spawnServer({
      dir,
      compiled: options.compiled ?? false,
      env: {
        DATABASE_URL: options.databaseUrl,
        SMPP_URL: `smpp://drill:drill@127.0.0.1:${sim.port}?tps=${options.tps}&window=50&name=carrier`,
      },
    });
    const url = server.url;
    await waitFor('the connector bound', async () => (await health(url)).state === 'bound', 30_000);

    sim.refuseBinds();
    const downAt = performance.now();
    log('SMSC in maintenance: binds refused');
    const downHealth = await waitFor(
      '/health to report the connector down',
      async () => {
        const h = await health(url);
        return h.state !== 'bound' && /ESME_RBINDFAIL/.test(h.detail) ? h : undefined;
      },
      30_000,
    );

    const sent = await sendMany({
      url,
      key,
      count: options.sends,
      concurrency: 16,
      from: SENDER,
      numberAt: (i) => String(SEND_FIRST + i),
      message: (i) => `Rappel ${i}: votre rendez-vous est demain`,
    });
    log(`${sent.ids.length} sends answered 200, ${sent.refused} refused`);
    const broadcast = await callApi(url, key, 'post_broadcast', {
      name: 'Outage',
      from_groups: 'Tous',
      fr_message: 'Bonjour _NAME_, nos nouvelles.',
      en_message: 'Hello _NAME_, our news.',
    });
    const broadcastId = String((broadcast.body.broadcast as { id?: unknown } | undefined)?.id ?? '');
    const started = await callApi(url, key, 'start_broadcast', { broadcast: broadcastId });
    if (started.status !== 200) throw new Error(`start_broadcast: ${JSON.stringify(started.body)}`);
    const queued = sent.ids.length + options.broadcastContacts;
    // Every row written (the broadcast's by its fan-out), whatever the dispatcher did with them.
    await waitFor(
      'every message written',
      async () => total(await countByStatus(store, accountId)) === queued,
      120_000,
    );
    const metricsText = await waitFor(
      '/metrics to count the queue',
      async () => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return metricLine(text, 'vudumobile_queue_waiting{queue="sms"}') === String(sent.ids.length)
          ? text
          : undefined;
      },
      10_000,
    );
    log(
      `${queued} messages queued (${options.broadcastContacts} of a broadcast); measuring the CPU while down`,
    );

    const refusedBefore = sim.stats.bindsRefusedInMaintenance;
    const cpuWatch = await startCpuWatch(server.pid);
    const quietUntil = Math.max(downAt + options.downMs, performance.now() + options.quietMs);
    while (performance.now() < quietUntil) await sleep(Math.min(1_000, quietUntil - performance.now()));
    const cpu = await cpuWatch.stop();
    const stillQueued = (await countByStatus(store, accountId)).queued ?? 0;
    if (stillQueued !== queued)
      throw new Error(`${queued - stillQueued} messages left the queue while the SMSC was down`);

    sim.acceptBinds();
    const upAt = performance.now();
    const downSeconds = (upAt - downAt) / 1000;
    const bindAttemptsWhileDown = sim.stats.bindsRefusedInMaintenance;
    log(
      `SMSC back after ${downSeconds.toFixed(1)} s (${bindAttemptsWhileDown} binds refused, ${sim.stats.bindsRefusedInMaintenance - refusedBefore} while measuring)`,
    );
    await waitFor('the connector bound again', async () => (await health(url)).state === 'bound', 60_000);
    const boundAt = performance.now();
    let counts: Record<string, number> = {};
    await waitFor(
      'every message delivered',
      async () => {
        counts = await countByStatus(store, accountId);
        return (counts.delivered ?? 0) === queued;
      },
      options.drainTimeoutMs,
    ).catch(() => undefined);
    const drainedAt = performance.now();
    const delivered = counts.delivered ?? 0;
    const notDelivered = Object.fromEntries(
      Object.entries(counts).filter(([status]) => status !== 'delivered'),
    );
    const drainSeconds = (drainedAt - boundAt) / 1000;
    return {
      downSeconds,
      queued,
      refusedSends: sent.refused,
      refusedSamples: sent.samples,
      healthWhileDown: downHealth,
      connectorUpWhileDown:
        metricLine(metricsText, 'vudumobile_sms_connector_up{connector="carrier"}') ?? 'absent',
      queueWaitingWhileDown: metricLine(metricsText, 'vudumobile_queue_waiting{queue="sms"}') ?? 'absent',
      cpu,
      bindAttemptsWhileDown,
      rebindSeconds: (boundAt - upAt) / 1000,
      drainSeconds,
      tps: delivered / drainSeconds,
      delivered,
      lost: queued - delivered,
      notDelivered,
      duplicates: sim.stats.accepted - sim.stats.distinctMessages,
    };
  } finally {
    await server?.stop();
    await store?.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** The first SMS connector's state and detail, as GET /health gives them. */
async function health(url: string): Promise<{ state: string; detail: string }> {
  const body = (await (await fetch(`${url}/health`)).json()) as {
    sms: { connectors: { state: string; detail?: string }[] };
  };
  const connector = body.sms.connectors[0];
  return { state: connector?.state ?? 'none', detail: connector?.detail ?? '' };
}

/** The value of one series in a Prometheus text exposition. */
export function metricLine(text: string, series: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line?.slice(series.length + 1).trim();
}

async function countByStatus(store: Store | undefined, accountId: number): Promise<Record<string, number>> {
  if (store === undefined) return {};
  const rows = await store.db
    .selectFrom('messages')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .where('account_id', '=', accountId)
    .where('direction', '=', 'mt')
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
