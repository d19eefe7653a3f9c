import { retryDelayMs } from '../common/backoff.js';
import { ExpiredLeaseSweep } from '../common/lease-sweep.js';
import { htmlToText } from '../messages/outbound-email.js';
import type { ClaimedEmail, EmailOutcome, EmailQueue } from '../ports/email-queue.js';
import type { Logger } from '../ports/logger.js';
import { TransportError, type EmailTransport, type OutboundEmail } from '../ports/transports.js';

export interface EmailDeliverySettings {
  /** How long a claim holds before another worker may take it back. */
  readonly leaseMs?: number;
  readonly batchSize?: number;
  /** Emails in flight at once. */
  readonly concurrency?: number;
  readonly maxAttempts?: number;
}

export interface EmailDeliveryDeps {
  readonly queue: EmailQueue;
  readonly email: EmailTransport;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings?: EmailDeliverySettings;
}

/** What goes to the transport: `htm` is sent as HTML with a plain-text alternative derived from it. */
export function toOutboundEmail(email: ClaimedEmail): OutboundEmail {
  const base = { from: email.from_address, to: email.to_address, subject: email.subject };
  if (email.format === 'htm') return { ...base, text: htmlToText(email.body), html: email.body };
  return { ...base, text: email.body };
}

/**
 * What a refused send means: `failed` with the server's reason when the refusal is permanent (a 5xx)
 * or the attempts are spent, else back to the queue after a backoff (4xx, connection lost, anything
 * unexpected).
 */
export function emailFailureOutcome(
  email: ClaimedEmail,
  error: unknown,
  maxAttempts: number,
  now: number,
): EmailOutcome {
  const text = error instanceof Error ? error.message : String(error);
  const attempt = email.attempts + 1;
  if (error instanceof TransportError && !error.retryable)
    return { kind: 'failed', id: email.id, error: text };
  if (attempt >= maxAttempts)
    return { kind: 'failed', id: email.id, error: `${text} (after ${attempt} attempts)` };
  return { kind: 'retry', id: email.id, error: text, nextAttemptAt: now + retryDelayMs(attempt) };
}

/**
 * Sends the queued emails (send_email, broadcasts, import reports): claims a batch under a lease,
 * sends it through the EmailTransport a few at a time, and records each outcome as it comes (see
 * emailFailureOutcome). Expired leases return to the queue. The email dispatcher worker calls
 * deliverDue in its loop.
 */
export class EmailDeliveryService {
  private readonly leaseMs: number;
  private readonly sweep: ExpiredLeaseSweep;

  constructor(private readonly deps: EmailDeliveryDeps) {
    this.leaseMs = deps.settings?.leaseMs ?? 120_000;
    this.sweep = new ExpiredLeaseSweep(deps.queue, this.leaseMs, (released) =>
      deps.log.warn({ released }, 'email dispatcher: expired leases put back in the queue'),
    );
  }

  /** Claims the due emails and sends them; false when none was due. */
  async deliverDue(stopping: AbortSignal): Promise<boolean> {
    const { queue, now } = this.deps;
    await this.sweep.sweep(now());
    const lease = now() + this.leaseMs;
    const batch = await queue.claimDue({
      now: now(),
      leaseUntil: lease,
      limit: this.deps.settings?.batchSize ?? 20,
    });
    if (batch.length === 0) return false;
    await this.sendBatch(batch, lease, stopping);
    return true;
  }

  /**
   * Sends a claim a few at a time. No send starts in the second half of the lease: an SMTP server
   * slow to answer would otherwise keep us sending after the lease lapsed, while another worker
   * that took the rest back sends them too. What is left goes back to the queue at once.
   */
  private async sendBatch(
    batch: readonly ClaimedEmail[],
    lease: number,
    stopping: AbortSignal,
  ): Promise<void> {
    const { queue, now } = this.deps;
    let next = 0;
    const sendBefore = lease - this.leaseMs / 2;
    const lane = async (): Promise<void> => {
      while (next < batch.length && !stopping.aborted && now() < sendBefore) {
        const email = batch[next++];
        if (!email) break;
        const outcome = await this.sendOne(email);
        await queue.recordOutcome(outcome, lease, now());
      }
    };
    const lanes = Math.min(this.deps.settings?.concurrency ?? 4, batch.length);
    await Promise.all(Array.from({ length: lanes }, lane));
    await queue.releaseUntried(
      batch.slice(next).map((e) => e.id),
      lease,
    );
  }

  private async sendOne(email: ClaimedEmail): Promise<EmailOutcome> {
    const { log } = this.deps;
    try {
      await this.deps.email.send(toOutboundEmail(email));
      return { kind: 'sent', id: email.id };
    } catch (error) {
      if (!(error instanceof TransportError))
        log.error({ err: error, emailId: email.id }, 'email dispatcher: unexpected send error');
      const outcome = emailFailureOutcome(
        email,
        error,
        this.deps.settings?.maxAttempts ?? 8,
        this.deps.now(),
      );
      if (error instanceof TransportError && !error.retryable)
        log.warn({ emailId: email.id, err: error.message }, 'email refused permanently');
      return outcome;
    }
  }
}
