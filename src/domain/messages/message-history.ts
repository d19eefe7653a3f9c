import type { FeedRow } from './outbound.js';

/**
 * The messages view and the dashboard: an account's messages as its staff looks back on them,
 * newest first with filters, and counted per status over periods of their own time zone.
 */

/** A message's status as get_feed's status_mt shows it, plus `received` for inbound messages. */
export const HISTORY_STATUSES = ['received', 'queued', 'sent', 'delivered', 'failed'] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];

export function isHistoryStatus(value: string): value is HistoryStatus {
  return (HISTORY_STATUSES as readonly string[]).includes(value);
}

/** Where a page of the view continues: after this message, newest first. */
export interface HistoryCursor {
  readonly createdAt: number;
  readonly id: number;
}

export interface HistoryFilter {
  readonly accountId: number;
  readonly direction: 'all' | 'mo' | 'mt';
  readonly status: HistoryStatus | undefined;
  /** The other party's number (normalised): `to` of an outbound message, `from` of an inbound one. */
  readonly number: string | undefined;
  /** Inclusive start and exclusive end of created_at, epoch ms. */
  readonly fromAt: number | undefined;
  readonly untilAt: number | undefined;
  readonly before: HistoryCursor | undefined;
  readonly limit: number;
}

/** One message of the view. */
export interface HistoryRow extends FeedRow {
  /** Why a send failed without a receipt (the transport's refusal), or null. */
  readonly error: string | null;
}

/** The feed status a stored message is shown and counted under (as status_mt without detail). */
export function historyStatus(row: Pick<HistoryRow, 'direction' | 'status'>): HistoryStatus {
  if (row.direction === 'mo') return 'received';
  switch (row.status) {
    case 'sent':
    case 'delivered':
    case 'failed':
      return row.status;
    case 'cancelled':
      return 'failed';
    default:
      return 'queued';
  }
}

/** Messages of one 15-minute slot (epoch ms of its start) and status. */
export interface SlotCount {
  readonly slot: number;
  readonly status: HistoryStatus;
  readonly total: number;
}
