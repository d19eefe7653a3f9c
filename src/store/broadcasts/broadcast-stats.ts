import type { Kysely } from 'kysely';
import { chunks } from '../../domain/common/chunks.js';
import type { BroadcastCounters, BroadcastMessage } from '../../domain/broadcasts/broadcasts.js';
import type { Database } from '../schema.js';

/**
 * What a broadcast's SMS and emails have become, counted from their rows on every read: exact
 * whoever recorded the outcome (receipt handler, dispatcher, email dispatcher) and with nothing to
 * repair after a crash. Each count walks the (broadcast_id, status) index of its table.
 */

/** Big IN lists are cut so that no statement nears either engine's bound-parameter limit. */
export const IN_CHUNK = 500;

type Tally = { -readonly [K in keyof BroadcastCounters]: BroadcastCounters[K] };

export async function countBroadcastOutcomes(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, BroadcastCounters>> {
  const tally = new Map<number, Tally>();
  const entry = (id: number) => {
    let found = tally.get(id);
    if (!found) {
      found = { sent: 0, delivered: 0, failed: 0, emailSent: 0, emailFailed: 0 };
      tally.set(id, found);
    }
    return found;
  };
  for (const part of chunks(ids, IN_CHUNK)) {
    // Both counts walk the messages_broadcast (broadcast_id, status) index.
    const byStatus = await db
      .selectFrom('messages')
      .select((eb) => ['broadcast_id', 'status', eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', 'in', part)
      .where('status', 'in', ['sent', 'delivered', 'failed'])
      .groupBy(['broadcast_id', 'status'])
      .execute();
    for (const row of byStatus) {
      if (row.broadcast_id === null) continue;
      const counts = entry(row.broadcast_id);
      const n = Number(row.n);
      if (row.status === 'failed') counts.failed += n;
      else counts.sent += n; // sent or delivered: both were handed to the carrier
      if (row.status === 'delivered') counts.delivered += n;
    }
    // A failure reported by a receipt had been sent; a transport rejection had not.
    const failedAfterSend = await db
      .selectFrom('messages')
      .select((eb) => ['broadcast_id', eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', 'in', part)
      .where('status', '=', 'failed')
      .where('sent_at', 'is not', null)
      .groupBy('broadcast_id')
      .execute();
    for (const row of failedAfterSend)
      if (row.broadcast_id !== null) entry(row.broadcast_id).sent += Number(row.n);
    const emails = await db
      .selectFrom('emails')
      .select((eb) => ['broadcast_id', 'status', eb.fn.countAll<number>().as('n')])
      .where('broadcast_id', 'in', part)
      .where('status', 'in', ['sent', 'failed'])
      .groupBy(['broadcast_id', 'status'])
      .execute();
    for (const row of emails) {
      if (row.broadcast_id === null) continue;
      if (row.status === 'sent') entry(row.broadcast_id).emailSent += Number(row.n);
      else entry(row.broadcast_id).emailFailed += Number(row.n);
    }
  }
  return tally;
}

export async function listBroadcastMessages(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Map<number, BroadcastMessage[]>> {
  const byBroadcast = new Map<number, BroadcastMessage[]>();
  for (const part of chunks(ids, IN_CHUNK)) {
    const rows = await db
      .selectFrom('messages')
      .select([
        'id',
        'broadcast_id',
        'from_number',
        'to_number',
        'body',
        'part_count',
        'status',
        'detailed_status',
        'created_at',
        'done_at',
      ])
      .where('broadcast_id', 'in', part)
      .orderBy('broadcast_id')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      if (row.broadcast_id === null) continue;
      const list = byBroadcast.get(row.broadcast_id) ?? [];
      list.push({
        id: row.id,
        fromNumber: row.from_number,
        toNumber: row.to_number,
        body: row.body,
        partCount: row.part_count,
        status: row.status,
        detailedStatus: row.detailed_status,
        createdAt: row.created_at,
        doneAt: row.done_at,
      });
      byBroadcast.set(row.broadcast_id, list);
    }
  }
  return byBroadcast;
}
