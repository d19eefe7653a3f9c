import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import {
  isHistoryStatus,
  type HistoryFilter,
  type HistoryRow,
  type HistoryStatus,
  type SlotCount,
} from '../../domain/messages/message-history.js';
import type { MessageHistoryStore } from '../../domain/ports/message-history-store.js';
import { FEED_COLUMNS } from './messages-repo.js';
import { MESSAGE_COUNT_SLOT_MS } from '../migrations/014-message-views.js';
import type { Database } from '../schema.js';

/**
 * The other party's number, written exactly as the expression of the index messages_correspondent
 * (migration 014): both planners use an expression index only for the very same expression.
 */
const CORRESPONDENT = sql<string>`(case when direction = 'mo' then from_number else to_number end)`;

const SLOT_MS = MESSAGE_COUNT_SLOT_MS;
/** Slots a status floor reads at most (3 weeks of 15 minutes); past that, the walk reads everything. */
const FLOOR_SLOTS = 2000;

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
    // A status implies its direction: `received` is inbound, every other one outbound.
    if (filter.direction !== 'all' && filter.direction !== impliedDirection(filter)) return [];
    let fromAt = filter.fromAt;
    if (filter.status !== undefined && filter.number === undefined) {
      const floor = await this.statusFloor(filter);
      if (floor === null) return [];
      if (floor !== undefined && (fromAt === undefined || floor > fromAt)) fromAt = floor;
    }
    const rows = await messagesPageQuery(this.db, { ...filter, fromAt }).execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), created_at: Number(r.created_at) }));
  }

  /**
   * Where a page of one status can start looking: the newest slots holding that status (from
   * message_counts) until they hold a page's worth, so the walk skips the long stretches without
   * one (a status absent for months would otherwise read every row of the account). Null when no
   * message has that status in the range; undefined when the slots do not say (read everything).
   */
  private async statusFloor(filter: HistoryFilter): Promise<number | null | undefined> {
    if (filter.status === undefined) return undefined;
    const uppers = [filter.before?.createdAt, filter.untilAt === undefined ? undefined : filter.untilAt - 1];
    const upper = Math.min(...uppers.filter((u): u is number => u !== undefined));
    let query = this.db
      .selectFrom('message_counts')
      .select(['slot', (eb) => eb.fn.sum<number | string>('total').as('total')])
      .where('account_id', '=', filter.accountId)
      .where('status', '=', filter.status);
    if (Number.isFinite(upper)) query = query.where('slot', '<=', upper - (upper % SLOT_MS));
    if (filter.fromAt !== undefined)
      query = query.where('slot', '>=', filter.fromAt - (filter.fromAt % SLOT_MS));
    const slots = await query
      .groupBy('slot')
      .having((eb) => eb.fn.sum('total'), '>', 0)
      .orderBy('slot', 'desc')
      .limit(FLOOR_SLOTS)
      .execute();
    if (slots.length === 0) return null;
    // A few spare rows: a message may change status between this read and the page's.
    // The cursor's own slot may hold rows newer than the cursor: it counts for nothing.
    const cursorSlot = filter.before
      ? filter.before.createdAt - (filter.before.createdAt % SLOT_MS)
      : undefined;
    let found = 0;
    for (const { slot, total } of slots) {
      if (Number(slot) !== cursorSlot) found += Number(total);
      if (found >= filter.limit + 16) return Number(slot);
    }
    return slots.length < FLOOR_SLOTS ? Number(slots[slots.length - 1]?.slot) : undefined;
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

function impliedDirection(filter: HistoryFilter): HistoryFilter['direction'] {
  return filter.status === undefined ? filter.direction : filter.status === 'received' ? 'mo' : 'mt';
}

/** One page's statement, newest first (exported for the query-plan test). */
export function messagesPageQuery(db: Kysely<Database>, filter: HistoryFilter) {
  let query = db
    .selectFrom('messages')
    .select([...FEED_COLUMNS, 'error'])
    .where('account_id', '=', filter.accountId);
  if (filter.number !== undefined) query = query.where(CORRESPONDENT, '=', filter.number);
  const direction = impliedDirection(filter);
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
    // `created_at <= c` first: an OR alone gives SQLite's planner no range, and it walked from the
    // newest message down to the cursor (0.7 s at 10,000,000 messages).
    query = query
      .where('created_at', '<=', before.createdAt)
      .where((eb): Expression<SqlBool> =>
        eb.or([eb('created_at', '<', before.createdAt), eb('id', '<', before.id)]),
      );
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit);
}
