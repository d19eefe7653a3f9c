import type {
  BroadcastQueueStore,
  FanOutBatch,
  FanOutClaim,
  FanOutSms,
  SnapshotRecipient,
} from '../ports/broadcast-queue.js';
import type { Logger } from '../ports/logger.js';
import type { BroadcastCompletion } from './broadcast-completion.js';
import { withCaslFooter } from '../consent/casl-footer.js';
import { renderEmail, renderSms } from './broadcast-render.js';
import type { QueuedEmail, QueuedSms } from './broadcasts.js';
import { QuietHours } from './quiet-hours.js';

/**
 * The fan-out of a started broadcast: its recipients snapshot, read in id order from the committed
 * cursor, rendered, and queued as `messages` (priority 1) and `emails` rows in batches. Each batch
 * commits its rows together with the advanced cursor, conditionally on the cursor it started from,
 * so a process killed at any instant resumes at the first recipient without a committed message,
 * and two workers can never both queue the same batch.
 */

/** The fan-out's tuning, from the configuration. */
export interface FanOutSettings {
  /** Recipients per committed batch (BROADCAST_FANOUT_BATCH). */
  readonly batchSize: number;
  /** Per-account bulk rate in messages/s (BROADCAST_RATE_PER_ACCOUNT), null for unlimited. */
  readonly ratePerSecond: number | null;
  /** A claim not renewed for this long is taken over (its process died). Each batch renews it. */
  readonly leaseMs: number;
  /** Hold nothing for the accounts' quiet hours (BROADCAST_IGNORE_QUIET_HOURS: drills, tests). */
  readonly ignoreQuietHours?: boolean;
}

/** The reason a recipient who opted out (STOP) after the start is not sent its message. */
export const OPTED_OUT = 'recipient opted out';

/** What becomes of one rendered SMS when its batch commits. */
export type SmsDisposition =
  | { readonly status: 'queued'; readonly error: null }
  | { readonly status: 'failed' | 'cancelled'; readonly error: string };

/**
 * The recipients were resolved at start: an SMS that cannot be sent (too long once merged) is
 * stored failed, one to a number that opted out since is cancelled, the rest is queued. Pure: the
 * store calls it inside the batch's transaction with the suppressed numbers it read there.
 */
export function smsDisposition(sms: QueuedSms, optedOut: ReadonlySet<string>): SmsDisposition {
  if (sms.failure !== null) return { status: 'failed', error: sms.failure };
  if (optedOut.has(sms.to)) return { status: 'cancelled', error: OPTED_OUT };
  return { status: 'queued', error: null };
}

/** Renders one batch of the snapshot; pure. */
export function renderBatch(
  claim: FanOutClaim,
  recipients: readonly SnapshotRecipient[],
  batchSize: number,
): FanOutBatch {
  const sms: FanOutSms[] = [];
  const emails: QueuedEmail[] = [];
  const smsTexts = withCaslFooter(claim.texts, claim.caslFooter ?? null, true);
  for (const recipient of recipients) {
    const message = renderSms(smsTexts, recipient);
    if (message) sms.push({ ...message, timeZone: recipient.timeZone });
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

export interface BroadcastFanOutDeps {
  readonly store: BroadcastQueueStore;
  readonly completion: BroadcastCompletion;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings: FanOutSettings;
}

/**
 * Queues started broadcasts, one claim at a time, batch by batch; completes a broadcast as soon as
 * its last batch is queued if nothing is left to wait for. The fan-out worker calls it in a loop.
 */
export class BroadcastFanOut {
  /** The quiet hours of the claim in progress, kept across its batches for their caches. */
  private quiet: { readonly broadcastId: number; readonly hours: QuietHours | null } | null = null;

  constructor(private readonly deps: BroadcastFanOutDeps) {}

  /**
   * Claims one started broadcast and queues its batches until it is done, the claim is lost, or
   * `signal` aborts (the rest is handed back at once rather than after the lease, so the next
   * process resumes it). `afterBatch` runs after each committed batch. False: nothing to claim.
   */
  async fanOutNext(signal: AbortSignal, afterBatch: () => Promise<void>): Promise<boolean> {
    let claim: FanOutClaim | null =
      (await this.deps.store.claimFanOut(this.deps.now(), this.deps.settings.leaseMs)) ?? null;
    if (!claim) return false;
    const { broadcastId } = claim;
    const started = this.deps.now();
    this.deps.log.info(
      { broadcast: broadcastId, from: claim.cursor },
      'broadcast fan-out: queueing recipients',
    );
    while (claim) {
      if (signal.aborted) {
        await this.deps.store.releaseFanOut(broadcastId);
        this.deps.log.info(
          { broadcast: broadcastId, cursor: claim.cursor },
          'broadcast fan-out paused (stopping)',
        );
        return true;
      }
      claim = await this.queueNextBatch(claim);
      await afterBatch();
    }
    this.deps.log.info(
      { broadcast: broadcastId, ms: this.deps.now() - started },
      'broadcast fan-out finished',
    );
    if ((await this.deps.completion.completeIfDone([broadcastId])).length > 0)
      this.deps.log.info({ broadcast: broadcastId }, 'broadcast completed');
    return true;
  }

  /**
   * Queues the next batch of a claimed broadcast. Returns the claim at its new cursor, or null when
   * the fan-out is finished or the claim was lost (deleted, or another worker moved on).
   */
  async queueNextBatch(claim: FanOutClaim): Promise<FanOutClaim | null> {
    const { batchSize, leaseMs, ratePerSecond } = this.deps.settings;
    const now = this.deps.now();
    const recipients = await this.deps.store.readRecipients(claim.broadcastId, claim.cursor, batchSize);
    const batch = renderBatch(claim, recipients, batchSize);
    const quiet = this.quietHoursOf(claim);
    if (!(await this.deps.store.commitBatch(batch, { now, leaseMs, ratePerSecond, quiet }))) return null;
    return batch.done ? null : { ...claim, cursor: batch.toCursor };
  }

  private quietHoursOf(claim: FanOutClaim): QuietHours | null {
    if (this.quiet?.broadcastId !== claim.broadcastId) {
      const window = this.deps.settings.ignoreQuietHours === true ? null : claim.quietWindow;
      const hours = window ? new QuietHours(window, claim.accountTimeZone) : null;
      this.quiet = { broadcastId: claim.broadcastId, hours };
    }
    return this.quiet.hours;
  }
}
