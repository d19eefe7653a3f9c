import type { DeliveryReceipt } from './transports.js';
import type { StoreTransaction } from './transaction.js';

/** A part a receipt may be about, with its message. */
export interface PartCandidate {
  message_id: number;
  seq: number;
  carrier_key: string | null;
  part_status: string;
  account_id: number;
  broadcast_id: number | null;
  to_number: string;
  part_count: number;
  message_status: string;
  attempts: number;
}

/** A receipt's stat/err for its part. */
export interface PartUpdate {
  readonly messageId: number;
  readonly seq: number;
  readonly status: 'sent' | 'delivered' | 'failed';
  readonly stat: string;
  readonly err: string;
  readonly doneAt: number;
}

/** A part as it stands, read to settle a multi-part message. */
export interface PartState {
  message_id: number;
  seq: number;
  status: string;
  stat: string | null;
  err: string | null;
}

/** A message's final state from its receipts. */
export interface FinalState {
  readonly id: number;
  readonly status: 'delivered' | 'failed';
  readonly detailedStatus: string;
}

export interface Suppression {
  readonly accountId: number;
  readonly number: string;
  readonly reason: string;
}

/** A receipt that came before the record of its submit, kept until its part exists. */
export interface UnmatchedReceiptRow {
  id: number;
  carrier_id: string;
  stat: string;
  err: string;
  done_at: number | null;
  received_at: number;
}

/**
 * What the receipt service reads and writes. Every method but `transaction` and the purge works
 * inside the transaction the service opened, so a batch of receipts (parts, messages, suppressions,
 * and what the MessageEvents listeners write) commits as one.
 */
export interface ReceiptStore {
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** The parts whose normalised carrier id is one of `keys`, with their messages. */
  findPartsByKeys(tx: StoreTransaction, keys: readonly string[]): Promise<PartCandidate[]>;
  /**
   * Locks these messages (PostgreSQL), in id order, before their parts change: two processes
   * recording a message's last two parts would otherwise each miss the other's.
   */
  lockMessages(tx: StoreTransaction, messageIds: readonly number[]): Promise<void>;
  updateParts(tx: StoreTransaction, updates: readonly PartUpdate[]): Promise<void>;
  listParts(tx: StoreTransaction, messageIds: readonly number[]): Promise<PartState[]>;
  /** Back to the queue, whole (its parts forgotten), if still `sent`; false when it was not. */
  requeueAfterReceipt(
    tx: StoreTransaction,
    messageId: number,
    detailedStatus: string,
    nextAttemptAt: number,
  ): Promise<boolean>;
  /** Final states of messages still `sent`; returns the ids changed. */
  finishMessages(tx: StoreTransaction, finals: readonly FinalState[], now: number): Promise<Set<number>>;
  /** Suppresses the numbers not yet suppressed, with their history rows; returns those. */
  suppressNumbers(tx: StoreTransaction, entries: readonly Suppression[], now: number): Promise<Suppression[]>;
  insertUnmatchedReceipts(
    tx: StoreTransaction,
    receipts: readonly DeliveryReceipt[],
    now: number,
  ): Promise<void>;
  /** A page of kept receipts, newest first, below `beforeId`; locked, others' skipped (PostgreSQL). */
  claimUnmatchedReceipts(
    tx: StoreTransaction,
    options: { limit: number; beforeId?: number },
  ): Promise<UnmatchedReceiptRow[]>;
  deleteUnmatchedReceipts(tx: StoreTransaction, ids: readonly number[]): Promise<void>;
  /** Forgets kept receipts older than `olderThan`; returns how many. */
  purgeUnmatchedReceipts(olderThan: number): Promise<number>;
}
