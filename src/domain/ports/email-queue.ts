import type { BatchLeasedQueueStore, ClaimOptions } from './leased-queue.js';

/** A queued email as the dispatcher claims it (the `emails` row's columns it sends from). */
export interface ClaimedEmail {
  readonly id: number;
  readonly from_address: string;
  readonly to_address: string;
  readonly subject: string;
  readonly body: string;
  readonly format: string;
  readonly attempts: number;
}

export type EmailOutcome =
  | { readonly kind: 'sent'; readonly id: number }
  | { readonly kind: 'failed'; readonly id: number; readonly error: string }
  | { readonly kind: 'retry'; readonly id: number; readonly error: string; readonly nextAttemptAt: number };

/**
 * The queue of outbound emails (send_email, broadcasts, import reports) as the email delivery service
 * uses it; src/store/emails/emails-repo.ts implements it.
 */
export interface EmailQueue extends BatchLeasedQueueStore {
  /** Claims due queued emails under a lease, oldest first. */
  claimDue(options: ClaimOptions): Promise<ClaimedEmail[]>;
  /** Records one email's outcome, if this worker still holds its lease. */
  recordOutcome(outcome: EmailOutcome, lease: number, now: number): Promise<void>;
}
