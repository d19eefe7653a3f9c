import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import {
  isHistoryStatus,
  type HistoryFilter,
  type HistoryRow,
  type HistoryStatus,
  type SlotCount,
} from '../../domain/messages/message-history.js';
import type { MessageHistoryStore } from '../../domain/ports/message-history-store.js';
import type { Database } from '../schema.js';

/**
 * The other party's number, written exactly as the expression of the index messages_correspondent
 * (migration 014): both planners use an expression index only for the very same expression.
 */
const CORRESPONDENT = sql<string>`(case when direction = 'mo' then from_number else to_number end)`;

/** Stored statuses per feed status (renderStatusMt: sending is still queued, cancelled is failed). */
const STORED: Readonly<Record<Exclude<HistoryStatus, 'received'>, readonly string[]>> = {
  queued: ['queued', 'sending'],
  sent: ['sent'],
  delivered: ['delivered'],
  failed: ['failed', 'cancelled'],
};

/**
 * The messages view and the dashboard on Kysely. A page walks one index newest first and stops at
 * its limit: (account_id, created_at, id) for all messages, (account_id, direction, created_at, id)
 * for one direction, messages_correspondent for a number. A status filter is checked on the rows the
 * walk reads (status is in no index: each index on it would be rewritten at every step of every
 * message's life), so its cost grows with the rarity of that status in the range; a date range bounds
 * it. Counts come from message_counts (migration 014), never from the messages.
 */
export class KyselyMessageHistory implements MessageHistoryStore {
  constructor(private readonly db: Kysely<Database>) {}

  async listMessages(filter: HistoryFilter): Promise<HistoryRow[]> {
    let query = this.db
      .selectFrom('messages')
      .select([
        'id',
        'direction',
        'from_number',
        'to_number',
        'body',
        'created_at',
        'part_count',
        'status',
        'detailed_status',
        'error',
      ])
      .where('account_id', '=', filter.accountId);
    if (filter.number !== undefined) query = query.where(CORRESPONDENT, '=', filter.number);
    // A status implies its direction: `received` is inbound, every other one outbound.
    const direction =
      filter.status === undefined ? filter.direction : filter.status === 'received' ? 'mo' : 'mt';
    if (filter.direction !== 'all' && filter.direction !== direction) return [];
    if (direction !== 'all') query = query.where('direction', '=', direction);
    if (filter.status !== undefined && filter.status !== 'received') {
      // Literals, not parameters: the planners then know the list (and SQLite reads it as a set).
      const stored = STORED[filter.status].map((s) => sql.lit(s));
      query = query.where(sql<SqlBool>`status in (${sql.join(stored)})`);
    }
    if (filter.fromAt !== undefined) query = query.where('created_at', '>=', filter.fromAt);
    if (filter.untilAt !== undefined) query = query.where('created_at', '<', filter.untilAt);
    const before = filter.before;
    if (before) {
      query = query.where((eb): Expression<SqlBool> =>
        eb.or([
          eb('created_at', '<', before.createdAt),
          eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)]),
        ]),
      );
    }
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(filter.limit)
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), created_at: Number(r.created_at) }));
  }

  async countBySlot(accountId: number, fromAt: number): Promise<SlotCount[]> {
    const rows = await this.db
      .selectFrom('message_counts')
      .select(['slot', 'status', (eb) => eb.fn.sum<number | string>('total').as('total')])
      .where('account_id', '=', accountId)
      .where('slot', '>=', fromAt)
      .groupBy(['slot', 'status'])
      .execute();
    const counts: SlotCount[] = [];
    for (const row of rows) {
      const total = Number(row.total);
      if (isHistoryStatus(row.status) && total !== 0) {
        counts.push({ slot: Number(row.slot), status: row.status, total });
      }
    }
    return counts;
  }

  async countSince(accountId: number, starts: readonly number[]): Promise<Map<HistoryStatus, number[]>> {
    const first = Math.min(...starts);
    const rows = await this.db
      .selectFrom('message_counts')
      .select((eb) => [
        'status',
        ...starts.map((start, i) =>
          eb.fn.sum<number | string>(sql`case when slot >= ${start} then total else 0 end`).as(`since_${i}`),
        ),
      ])
      .where('account_id', '=', accountId)
      .where('slot', '>=', first)
      .groupBy('status')
      .execute();
    const totals = new Map<HistoryStatus, number[]>();
    for (const row of rows) {
      const values = row as unknown as Record<string, number | string | null>;
      if (!isHistoryStatus(row.status)) continue;
      totals.set(
        row.status,
        starts.map((_, i) => Number(values[`since_${i}`] ?? 0)),
      );
    }
    return totals;
  }
}
