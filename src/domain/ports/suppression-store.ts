/**
 * The suppression list and its history (CASL, issue #15). `suppressions` holds the current state,
 * which the send path reads as before; every change of it also appends a history row, in the same
 * transaction, so who suppressed or lifted a number, when and why is never lost.
 */
export type SuppressionSource = 'keyword' | 'carrier' | 'operator';
export type SuppressionAction = 'suppressed' | 'lifted';

/** A number on the list now. */
export interface SuppressedNumber {
  readonly number: string;
  /** What put it there: `opt-out` (a keyword), a receipt's status, an operator's reason. */
  readonly reason: string;
  readonly since: number;
}

/** One change of the list. */
export interface SuppressionChange {
  readonly accountId: number;
  readonly number: string;
  readonly action: SuppressionAction;
  readonly source: SuppressionSource;
  /** Who: the number that texted the keyword, `carrier`, `user:<email>` or `key:<id>`. */
  readonly actor: string;
  readonly reason: string;
  readonly at: number;
}

export interface SuppressionHistoryRow extends SuppressionChange {
  readonly id: number;
}

export interface SuppressionStore {
  /** The account's suppressed numbers in number order, after `afterNumber`, at most `limit`. */
  list(accountId: number, afterNumber: string, limit: number): Promise<SuppressedNumber[]>;
  find(accountId: number, number: string): Promise<SuppressedNumber | undefined>;
  /** The number's changes, newest first, at most `limit`. */
  historyOf(accountId: number, number: string, limit: number): Promise<SuppressionHistoryRow[]>;
  /** Suppresses (a `suppressed` change) unless already suppressed; false when it was. */
  suppress(change: SuppressionChange): Promise<boolean>;
  /** Lifts (a `lifted` change) if suppressed; false when it was not. */
  lift(change: SuppressionChange): Promise<boolean>;
}
