/**
 * What the background services need of a work queue held under leases (emails, verification calls,
 * webhook deliveries; src/store/queue/leased-queue.ts implements them on their tables). A row waits
 * until it is due, a worker claims it until `leaseUntil` — which is also the token proving the lease
 * is still its own — and settles it only while it holds that lease.
 */
export interface ClaimOptions {
  readonly now: number;
  readonly leaseUntil: number;
  readonly limit: number;
}

export interface LeasedQueueStore {
  /** Puts back in the queue what a dead (or stalled) worker held past its lease; returns how many. */
  releaseExpiredLeases(now: number): Promise<number>;
}

/** A queue whose claims are batches: what a worker did not get to try goes back at once. */
export interface BatchLeasedQueueStore extends LeasedQueueStore {
  /** Hands back claimed rows this worker did not try (same lease): due at once, attempts unchanged. */
  releaseUntried(ids: readonly number[], lease: number): Promise<void>;
}
