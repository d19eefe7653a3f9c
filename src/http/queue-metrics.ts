import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { QueueStats, QueueStatsReader } from '../domain/ports/queue-stats.js';

/** One database read serves the three gauges of a scrape. */
const SNAPSHOT_MS = 1_000;

/**
 * Queue gauges, read from the database at each scrape: waiting and held rows per queue (sms, sms_bulk,
 * email, call, webhook) and how long the oldest due waiting row has been due — the figure to alert
 * on when workers fall behind or none is running. Every process reports the same, shared, figures.
 */
export function installQueueMetrics(
  registry: Registry,
  queues: QueueStatsReader,
  now: () => number,
  log: Logger,
): void {
  let snapshot: { at: number; stats: Promise<QueueStats[] | undefined> } | undefined;
  const read = (): Promise<QueueStats[] | undefined> => {
    if (snapshot === undefined || now() - snapshot.at > SNAPSHOT_MS) {
      const stats = queues.readQueueStats().catch((error: unknown) => {
        // A scrape must not fail with the database: these gauges are left out of this one.
        log.warn({ err: error }, 'metrics: could not read the queues');
        return undefined;
      });
      snapshot = { at: now(), stats };
    }
    return snapshot.stats;
  };
  const gauge = (name: string, help: string, value: (q: QueueStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect() {
        const stats = await read();
        this.reset();
        for (const q of stats ?? []) this.set({ queue: q.queue }, value(q));
      },
    });
  gauge(
    'vudumobile_queue_waiting',
    'Rows waiting for a worker (due or not yet), per queue',
    (q) => q.waiting,
  );
  gauge('vudumobile_queue_held', 'Rows a worker holds under a lease, per queue', (q) => q.held);
  gauge(
    'vudumobile_queue_oldest_due_seconds',
    'How long the oldest due waiting row has been due (0 when none is), per queue',
    (q) => (q.oldestDueAt === null ? 0 : Math.max(0, now() - q.oldestDueAt) / 1000),
  );
}
