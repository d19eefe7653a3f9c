import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';
import { waitFor } from './messages.js';

// One polling helper for every test: broadcast tests import it from here too.
export { waitFor };

/** Resolves when the broadcast's fan-out has committed its last batch. */
export function fanOutDone(db: Kysely<Database>, broadcastId: number, timeoutMs = 10_000): Promise<true> {
  return waitFor(
    `fan-out of broadcast ${broadcastId}`,
    async () => {
      const row = await db
        .selectFrom('broadcasts')
        .select('fanout_done')
        .where('id', '=', broadcastId)
        .executeTakeFirst();
      return row?.fanout_done === 1 ? true : undefined;
    },
    timeoutMs,
  );
}

export function broadcastMessages(db: Kysely<Database>, broadcastId: number) {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('broadcast_id', '=', broadcastId)
    .orderBy('id')
    .execute();
}

export function broadcastEmails(db: Kysely<Database>, broadcastId: number) {
  return db.selectFrom('emails').selectAll().where('broadcast_id', '=', broadcastId).orderBy('id').execute();
}

/** The documented key order of a get_broadcasts element. */
export const ITEM_KEYS = [
  'id',
  'number_sent',
  'number_failed',
  'number_delivered',
  'number_total',
  'launch_date',
  'end_date',
  'name',
  'message',
  'broadcast_status',
  'from_groups',
  'list',
];

export const LIST_ROW_KEYS = [
  'id',
  'direction',
  'number',
  'user_id',
  'contact',
  'message',
  'dt',
  'delivered_at',
  'status_mt',
  'replied_at',
  'user_id_replied',
  'deleted',
  'is_kw',
  'part_count',
  'read',
  'flag',
];
