import type { Kysely } from 'kysely';
import { chunks } from '../../domain/common/chunks.js';
import type { BroadcastCounters, BroadcastMessage } from '../../domain/broadcasts/broadcasts.js';
import type { ListPage } from '../../domain/broadcasts/broadcast-list-page.js';
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

/**
 * One broadcast's page: `broadcast_id = ? and id > ? order by id limit ?`, a range of the
 * messages_broadcast_order (broadcast_id, id) index (migration 020), so a page costs its own rows
 * whatever the broadcast's size or the page's depth. Exported for its plan's test.
 */
export function broadcastPageQuery(db: Kysely<Database>, broadcastId: number, page: ListPage) {
  return (
    db
      .selectFrom('messages')
      .select([
        'id',
        'from_number',
        'to_number',
        'body',
        'part_count',
        'status',
        'detailed_status',
        'created_at',
        'done_at',
      ])
      // Plain predicates, so that either index the planner picks starts at the page: the
      // (broadcast_id, id) index as the range (broadcast_id = ?, id > ?), or — when the broadcast is
      // a large share of the table — the primary key from `id > ?`, filtered. (A row value
      // `(broadcast_id, id) > (?, ?)` bounds only the first: CI's PostgreSQL once walked the primary
      // key from the table's first row instead.)
      .where('broadcast_id', '=', broadcastId)
      .where('id', '>', page.afterId)
      .orderBy('id')
      .limit(page.limit + 1)
  );
}

/** A page of each broadcast's messages (limit + 1 rows: the extra one says more follow). */
export async function listBroadcastMessages(
  db: Kysely<Database>,
  ids: readonly number[],
  page: ListPage,
): Promise<Map<number, BroadcastMessage[]>> {
  const byBroadcast = new Map<number, BroadcastMessage[]>();
  for (const broadcastId of ids) {
    const rows = await broadcastPageQuery(db, broadcastId, page).execute();
    byBroadcast.set(
      broadcastId,
      rows.map((row) => ({
        id: row.id,
        fromNumber: row.from_number,
        toNumber: row.to_number,
        body: row.body,
        partCount: row.part_count,
        status: row.status,
        detailedStatus: row.detailed_status,
        createdAt: row.created_at,
        doneAt: row.done_at,
      })),
    );
  }
  return byBroadcast;
}
