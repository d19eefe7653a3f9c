import { sql, type Kysely } from 'kysely';
import { CALL_QUEUE, EMAIL_QUEUE, WEBHOOK_QUEUE, type LeasedQueue } from './leased-queue.js';
import type { QueueStats, QueueStatsReader } from '../../domain/ports/queue-stats.js';
import type { Database } from '../schema.js';

/** The queue gauges' reader (QueueStatsReader) on the store's queue tables. */
export class KyselyQueueStats implements QueueStatsReader {
  constructor(private readonly db: Kysely<Database>) {}

  readQueueStats(): Promise<QueueStats[]> {
    return readQueueStats(this.db);
  }
}

/**
 * Reads every queue's depth from the database, so any process (an `--role api` one included) can
 * report the whole deployment's backlog. Each figure is one lookup on the queue's own
 * (status, …) index; the waiting counts walk the waiting rows' index entries, a few ms per 100,000.
 */
export async function readQueueStats(db: Kysely<Database>): Promise<QueueStats[]> {
  const sms = await Promise.all([smsLane(db, 0, 'sms'), smsLane(db, 1, 'sms_bulk')]);
  const leased = await Promise.all([
    leasedQueue(db, EMAIL_QUEUE, 'email'),
    leasedQueue(db, CALL_QUEUE, 'call'),
    leasedQueue(db, WEBHOOK_QUEUE, 'webhook'),
  ]);
  return [...sms, ...leased];
}

async function smsLane(
  db: Kysely<Database>,
  priority: number,
  queue: 'sms' | 'sms_bulk',
): Promise<QueueStats> {
  // Literal statuses: they are the predicates of the partial indexes messages_queue and messages_leases.
  const waiting = await db
    .selectFrom('messages')
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('status', '=', sql.lit('queued'))
    .where('priority', '=', priority)
    .executeTakeFirstOrThrow();
  const held = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', sql.lit('sending'))
    .where('priority', '=', priority)
    .executeTakeFirstOrThrow();
  return stats(queue, waiting, held);
}

async function leasedQueue(
  db: Kysely<Database>,
  lease: LeasedQueue,
  queue: 'email' | 'call' | 'webhook',
): Promise<QueueStats> {
  const waiting = await db
    .selectFrom(lease.table)
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('status', '=', lease.waiting)
    .executeTakeFirstOrThrow();
  const held = await db
    .selectFrom(lease.table)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('status', '=', lease.holding)
    .executeTakeFirstOrThrow();
  return stats(queue, waiting, held);
}

function stats(
  queue: QueueStats['queue'],
  waiting: { n: number | string; oldest: number | string | null },
  held: { n: number | string },
): QueueStats {
  return {
    queue,
    waiting: Number(waiting.n),
    held: Number(held.n),
    oldestDueAt: waiting.oldest === null ? null : Number(waiting.oldest),
  };
}
