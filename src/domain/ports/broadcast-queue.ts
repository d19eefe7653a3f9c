import type { CaslFooter } from '../consent/casl-footer.js';
import type { BroadcastTexts, QueuedEmail, QueuedSms, RecipientContact } from '../broadcasts/broadcasts.js';
import type { QuietHours, QuietWindow } from '../broadcasts/quiet-hours.js';
import type { StoreTransaction } from './transaction.js';

/**
 * What the fan-out and the completion of started broadcasts need of the database. Implemented by
 * src/store/broadcasts/broadcast-queue-repo.ts, which applies the domain's rules inside its
 * transactions: smsDisposition (opt-out cancelling), planPacing (per-account slots), and the
 * unsettled states of broadcast-completion.ts.
 */

/** A started broadcast whose fan-out this worker holds (lease), at its committed cursor. */
export interface FanOutClaim {
  readonly broadcastId: number;
  readonly accountId: number;
  readonly name: string;
  readonly texts: BroadcastTexts;
  readonly fromNumber: string;
  readonly mailFrom: string;
  /** The account's quiet hours (null: none) and its zone, for numbers without a known area code. */
  readonly quietWindow: QuietWindow | null;
  readonly accountTimeZone: string;
  /** Last recipient id whose messages are committed. */
  readonly cursor: number;
  /** The account's CASL footer when the broadcast is commercial (appended at rendering); else absent. */
  readonly caslFooter?: CaslFooter | null;
}

export interface SnapshotRecipient extends RecipientContact {
  /** broadcast_recipients.id: the fan-out order. */
  readonly id: number;
  /** The contact's own zone at the start, for quiet hours (null: its number's area code's). */
  readonly timeZone: string | null;
}

/** A rendered broadcast SMS and the zone its quiet hours are read in, when the contact has one. */
export interface FanOutSms extends QueuedSms {
  readonly timeZone: string | null;
}

/** One rendered batch, ready to commit with the cursor it moves to. */
export interface FanOutBatch {
  readonly claim: FanOutClaim;
  /** The cursor after this batch. */
  readonly toCursor: number;
  /** No recipient after this batch. */
  readonly done: boolean;
  readonly sms: readonly FanOutSms[];
  readonly emails: readonly QueuedEmail[];
}

/** The clock, the lease and the pacing a batch commit applies. */
export interface FanOutOptions {
  readonly now: number;
  /** How long a claim stays ours without news; each committed batch renews it. */
  readonly leaseMs: number;
  /** Per-account bulk rate (messages/s) or null for unlimited: spaces next_attempt_at. */
  readonly ratePerSecond: number | null;
  /** The claim's quiet hours: a held message's due time is its release (null: none). */
  readonly quiet: QuietHours | null;
}

/** What BroadcastCompletion needs: the one completion check, and the broadcasts it may apply to. */
export interface BroadcastCompletionStore {
  /** Started broadcasts whose fan-out is finished, waiting for their last outcomes. */
  awaitingCompletion(): Promise<number[]>;
  /**
   * in_progress → completed with end_date, when the fan-out is finished and no SMS or email of the
   * broadcast is in an unsettled state — checked and changed in one statement, after taking the
   * broadcast's row lock. Inside `tx` when given (the transaction that settled its last message).
   */
  completeIfDone(broadcastId: number, now: number, tx?: StoreTransaction): Promise<boolean>;
}

/** What BroadcastFanOut needs: claim a started broadcast, read its snapshot, commit batches. */
export interface BroadcastQueueStore extends BroadcastCompletionStore {
  /** Takes the lease of one started broadcast whose fan-out is unfinished and not leased. */
  claimFanOut(now: number, leaseMs: number): Promise<FanOutClaim | undefined>;
  /** Gives a claim back (graceful stop) so that another worker resumes it at once. */
  releaseFanOut(broadcastId: number): Promise<void>;
  readRecipients(broadcastId: number, afterId: number, limit: number): Promise<SnapshotRecipient[]>;
  /**
   * Inserts the batch's rows and moves the cursor in one transaction, only if the cursor is still
   * where the claim left it and the broadcast is neither deleted nor finished. False: not ours.
   */
  commitBatch(batch: FanOutBatch, options: FanOutOptions): Promise<boolean>;
}
