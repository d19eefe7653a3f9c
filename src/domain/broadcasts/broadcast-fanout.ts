import { renderEmail, renderSms } from './broadcast-render.js';
import type { BroadcastTexts, QueuedEmail, QueuedSms, RecipientContact } from './broadcasts.js';

/**
 * The fan-out of a started broadcast: its recipients snapshot, read in id order from the committed
 * cursor, rendered, and queued as `messages` (priority 1) and `emails` rows in batches. Each batch
 * commits its rows together with the advanced cursor, conditionally on the cursor it started from,
 * so a process killed at any instant resumes at the first recipient without a committed message,
 * and two workers can never both queue the same batch.
 */

/** A started broadcast whose fan-out this worker holds (lease), at its committed cursor. */
export interface FanOutClaim {
  readonly broadcastId: number;
  readonly accountId: number;
  readonly name: string;
  readonly texts: BroadcastTexts;
  readonly fromNumber: string;
  readonly mailFrom: string;
  /** Last recipient id whose messages are committed. */
  readonly cursor: number;
}

export interface SnapshotRecipient extends RecipientContact {
  /** broadcast_recipients.id: the fan-out order. */
  readonly id: number;
}

/** One rendered batch, ready to commit with the cursor it moves to. */
export interface FanOutBatch {
  readonly claim: FanOutClaim;
  /** The cursor after this batch. */
  readonly toCursor: number;
  /** No recipient after this batch. */
  readonly done: boolean;
  readonly sms: readonly QueuedSms[];
  readonly emails: readonly QueuedEmail[];
}

/** The clock, the lease and the pacing a batch commit applies. */
export interface FanOutOptions {
  readonly now: number;
  /** How long a claim stays ours without news; each committed batch renews it. */
  readonly leaseMs: number;
  /** Per-account bulk rate (messages/s) or null for unlimited: spaces next_attempt_at. */
  readonly ratePerSecond: number | null;
}

/** What a delivery outcome is, as the receipt handler and the dispatcher record it. */
export interface MessageOutcome {
  readonly messageId: number;
  readonly status: 'sent' | 'delivered' | 'failed';
  /** The receipt's `<stat>_<err>` (DELIVRD_000…); present means a receipt arrived. */
  readonly detailedStatus?: string | null;
  readonly error?: string | null;
  readonly at: number;
}

/** The store the fan-out worker, the scheduler's follow-up and the receipt hook need. */
export interface BroadcastQueueStore {
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
  /** Started broadcasts whose fan-out is finished, waiting for their last outcomes. */
  awaitingCompletion(): Promise<number[]>;
  /** in_progress → completed with end_date, when every SMS and email of it has a final state. */
  completeIfDone(broadcastId: number, now: number): Promise<boolean>;
  /**
   * THE receipt hook: records a message's outcome (status, detailed status, sent_at/done_at) and,
   * when it was the last SMS of a broadcast to settle, completes the broadcast — one transaction.
   */
  recordMessageOutcome(outcome: MessageOutcome): Promise<void>;
}

/** Renders one batch of the snapshot; pure. */
export function renderBatch(
  claim: FanOutClaim,
  recipients: readonly SnapshotRecipient[],
  batchSize: number,
): FanOutBatch {
  const sms: QueuedSms[] = [];
  const emails: QueuedEmail[] = [];
  for (const recipient of recipients) {
    const message = renderSms(claim.texts, recipient);
    if (message) sms.push(message);
    const email = renderEmail(claim.texts, recipient, claim.name);
    if (email) emails.push(email);
  }
  const last = recipients[recipients.length - 1];
  return {
    claim,
    toCursor: last ? last.id : claim.cursor,
    done: recipients.length < batchSize,
    sms,
    emails,
  };
}

/**
 * Queues the next batch of a claimed broadcast. Returns the claim at its new cursor, or null when
 * the fan-out is finished or the claim was lost (deleted, or another worker moved on).
 */
export async function fanOutNextBatch(
  store: BroadcastQueueStore,
  claim: FanOutClaim,
  batchSize: number,
  options: FanOutOptions,
): Promise<FanOutClaim | null> {
  const recipients = await store.readRecipients(claim.broadcastId, claim.cursor, batchSize);
  const batch = renderBatch(claim, recipients, batchSize);
  if (!(await store.commitBatch(batch, options))) return null;
  return batch.done ? null : { ...claim, cursor: batch.toCursor };
}

/**
 * The hook for the receipt handler and the dispatcher: every final outcome of a broadcast message
 * (delivered; failed by receipt or by transport rejection) goes through here, so that the
 * broadcast completes the instant its last SMS settles. Counters need nothing more: they are
 * counted from the messages rows (see BroadcastsRepo.counters).
 */
export function recordBroadcastMessageOutcome(
  store: BroadcastQueueStore,
  outcome: MessageOutcome,
): Promise<void> {
  return store.recordMessageOutcome(outcome);
}
