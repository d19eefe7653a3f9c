import type { StoreTransaction } from './transaction.js';

/** A message the dispatcher claimed, with what the submit and the events need. */
export interface ClaimedMessage {
  id: number;
  account_id: number;
  broadcast_id: number | null;
  from_number: string;
  to_number: string;
  body: string;
  encoding: string;
  part_count: number;
  attempts: number;
  priority: number;
}

/** A message the carrier accepted, with the carrier id of each of its parts. */
export interface SentMessage {
  readonly id: number;
  readonly carrierIds: readonly string[];
}

/** A message refused for good (or out of attempts), with the reason the feed shows. */
export interface FailedMessage {
  readonly id: number;
  readonly error: string;
}

/** A message to try again at `nextAttemptAt`; a throttled one does not count the attempt. */
export interface RetriedMessage {
  readonly id: number;
  readonly error: string;
  readonly nextAttemptAt: number;
  readonly countAttempt: boolean;
}

export interface OutboundClaim {
  readonly now: number;
  readonly leaseUntil: number;
  readonly limit: number;
}

/**
 * The `messages` queue as the SMS dispatcher works it (the store implements it on its leased-queue
 * module): claim due rows under a lease, keep the lease while submitting, record each outcome only
 * while that lease is still ours, hand back what was not submitted. The record methods take the
 * transaction the service opened with `transaction`, so that the outcomes and whatever the
 * MessageEvents listeners write commit together.
 */
export interface OutboundQueue {
  /** Due messages, priority 0 before 1, oldest first, marked `sending` under `leaseUntil`. */
  claim(options: OutboundClaim): Promise<ClaimedMessage[]>;
  renewLease(ids: readonly number[], lease: { from: number; to: number }): Promise<void>;
  /** Hands claimed but unsubmitted messages back (a clean stop). */
  releaseClaims(ids: readonly number[], lease: number): Promise<void>;
  /** Puts back every message whose lease expired (its dispatcher died or hung); returns how many. */
  releaseExpiredLeases(now: number): Promise<number>;
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** `sent`, with one part row per carrier id; returns the ids still under this lease (recorded). */
  recordSent(
    tx: StoreTransaction,
    sent: readonly SentMessage[],
    lease: number,
    now: number,
  ): Promise<Set<number>>;
  /** `failed`, with the reason; returns the ids recorded. */
  recordFailed(
    tx: StoreTransaction,
    failed: readonly FailedMessage[],
    lease: number,
    now: number,
  ): Promise<Set<number>>;
  /** Back to `queued`, due again at each one's `nextAttemptAt`. */
  recordRetry(tx: StoreTransaction, retries: readonly RetriedMessage[], lease: number): Promise<void>;
}
