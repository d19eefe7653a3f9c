import type { HistoryFilter, HistoryRow, HistoryStatus, SlotCount } from '../messages/message-history.js';

/** What the messages view and the dashboard read of an account's messages. */
export interface MessageHistoryStore {
  /** One page of messages, newest first (created_at, id), each filter read through an index. */
  listMessages(filter: HistoryFilter): Promise<HistoryRow[]>;
  /**
   * Messages per 15-minute slot and status created at or after `fromAt` (a slot boundary). Exact:
   * the counts are kept in the transactions that write the messages (migration 014).
   */
  countBySlot(accountId: number, fromAt: number): Promise<SlotCount[]>;
  /** For each status, the messages created at or after each of `starts` (slot boundaries). */
  countSince(accountId: number, starts: readonly number[]): Promise<Map<HistoryStatus, number[]>>;
}
