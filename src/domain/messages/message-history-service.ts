import type { MessageHistoryStore } from '../ports/message-history-store.js';
import { localToUtc, zoneOffsetMs } from '../common/timezone.js';
import {
  HISTORY_STATUSES,
  type HistoryFilter,
  type HistoryRow,
  type HistoryStatus,
} from './message-history.js';

export interface MessageHistoryServiceDeps {
  readonly store: MessageHistoryStore;
  readonly now: () => number;
}

/** Messages of a period by feed status; `sent` counts every outbound message accepted in it. */
export interface PeriodTotals {
  /** Local midnight the period starts at, epoch ms. */
  readonly startAt: number;
  readonly received: number;
  readonly sent: number;
  /** Accepted, no outcome yet (queued, or handed to the carrier without a receipt). */
  readonly pending: number;
  readonly delivered: number;
  readonly failed: number;
  /** delivered / (delivered + failed): the share of settled messages that arrived; null when none. */
  readonly deliveryRate: number | null;
}

export interface HourlyCounts {
  /** Start of each hour, epoch ms, oldest first. */
  readonly hours: number[];
  readonly byStatus: Readonly<Record<HistoryStatus, number[]>>;
}

export interface DashboardFigures {
  readonly today: PeriodTotals;
  readonly week: PeriodTotals;
  readonly month: PeriodTotals;
  readonly hourly: HourlyCounts;
}

const HOUR = 3_600_000;
export const CHART_HOURS = 48;
/** A CSV export reads this many rows per query, so it never holds more than one page. */
export const EXPORT_PAGE = 1000;

/** The messages view (filtered keyset pages, CSV export) and the dashboard's figures. */
export class MessageHistoryService {
  constructor(private readonly deps: MessageHistoryServiceDeps) {}

  /** One page, newest first; the filter's account is the only one read. */
  list(filter: HistoryFilter): Promise<HistoryRow[]> {
    return this.deps.store.listMessages(filter);
  }

  /** Every row the filter matches, newest first, read a page at a time. */
  async *exportRows(filter: Omit<HistoryFilter, 'limit' | 'before'>): AsyncGenerator<HistoryRow[]> {
    let before: HistoryFilter['before'];
    for (;;) {
      const rows = await this.deps.store.listMessages({ ...filter, before, limit: EXPORT_PAGE });
      if (rows.length > 0) yield rows;
      const last = rows[rows.length - 1];
      if (rows.length < EXPORT_PAGE || !last) return;
      before = { createdAt: last.created_at, id: last.id };
    }
  }

  /**
   * Today, the last 7 and the last 30 days (each from local midnight in `timeZone`, today
   * included), and the last 48 hours hour by hour. The same messages get_feed lists from that
   * midnight, counted by status_mt.
   */
  async dashboard(accountId: number, timeZone: string): Promise<DashboardFigures> {
    const now = this.deps.now();
    const starts = [0, 6, 29].map((daysBack) => localMidnight(now, timeZone, daysBack));
    const firstHour = Math.floor(now / HOUR) * HOUR - (CHART_HOURS - 1) * HOUR;
    const [since, slots] = await Promise.all([
      this.deps.store.countSince(accountId, starts),
      this.deps.store.countBySlot(accountId, firstHour),
    ]);
    const period = (index: number): PeriodTotals => {
      const count = (status: HistoryStatus) => since.get(status)?.[index] ?? 0;
      const delivered = count('delivered');
      const failed = count('failed');
      return {
        startAt: starts[index] ?? now,
        received: count('received'),
        sent: count('queued') + count('sent') + delivered + failed,
        pending: count('queued') + count('sent'),
        delivered,
        failed,
        deliveryRate: delivered + failed === 0 ? null : delivered / (delivered + failed),
      };
    };
    const hours = Array.from({ length: CHART_HOURS }, (_, i) => firstHour + i * HOUR);
    const byStatus = Object.fromEntries(
      HISTORY_STATUSES.map((status) => [status, hours.map(() => 0)]),
    ) as Record<HistoryStatus, number[]>;
    for (const { slot, status, total } of slots) {
      const index = Math.floor((slot - firstHour) / HOUR);
      const series = byStatus[status];
      if (index >= 0 && index < CHART_HOURS) series[index] = (series[index] ?? 0) + total;
    }
    return { today: period(0), week: period(1), month: period(2), hourly: { hours, byStatus } };
  }
}

/** Midnight `daysBack` days before the local day of `now` in `timeZone`, epoch ms. */
export function localMidnight(now: number, timeZone: string, daysBack: number): number {
  const local = new Date(now + zoneOffsetMs(timeZone, now));
  const day = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - daysBack));
  return localToUtc(
    {
      year: day.getUTCFullYear(),
      month: day.getUTCMonth() + 1,
      day: day.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    timeZone,
  );
}
