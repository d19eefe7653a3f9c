import type { StoreTransaction } from './transaction.js';

/** What changed for an account: an MO message stored, or an outbound message's status moved. */
export interface NewAccountEvent {
  readonly accountId: number;
  readonly kind: 'mo' | 'status';
  readonly messageId: number;
  /** The correspondent: the MO's sender, the MT's recipient. */
  readonly number: string;
  /** received (mo); sent, delivered or failed (status). */
  readonly status: string;
  readonly createdAt: number;
}

export interface AccountEvent extends NewAccountEvent {
  readonly id: number;
}

/**
 * The account events table: written in the transaction of the change it reports, read by every
 * process's event feed. Ids grow, but on PostgreSQL they may commit out of order, so a reader asks
 * again for the ids it saw missing (`gaps`).
 */
export interface AccountEventsStore {
  /** Inserts the events in `tx` (one statement for the batch). */
  record(tx: StoreTransaction, events: readonly NewAccountEvent[]): Promise<void>;
  /** Every account's events with an id above `afterId` or among `gaps`, in id order, at most `limit`. */
  read(afterId: number, gaps: readonly number[], limit: number): Promise<AccountEvent[]>;
  /** The highest id stored (0 when none): where a new feed starts. */
  latestId(): Promise<number>;
  /** One account's events with an id above `afterId`, in id order, at most `limit` (a page's replay). */
  forAccount(accountId: number, afterId: number, limit: number): Promise<AccountEvent[]>;
  /** Deletes events created before `before`; returns how many. */
  prune(before: number): Promise<number>;
}
