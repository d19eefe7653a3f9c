import type { Logger } from 'pino';
import { retryDelayMs } from '../domain/common/backoff.js';
import { htmlToText } from '../domain/messages/outbound-email.js';
import type { Store } from '../store/database.js';
import {
  claimDueEmails,
  recordEmailOutcome,
  type ClaimedEmail,
  type EmailOutcome,
} from '../store/emails/emails-repo.js';
import { EMAIL_QUEUE, releaseExpiredLeases, releaseUntried } from '../store/queue/leased-queue.js';
import { TransportError, type EmailTransport, type OutboundEmail } from '../domain/ports/transports.js';
import { PollingWorker } from './polling-worker.js';
import type { Worker } from './worker.js';

export interface EmailDispatcherDeps {
  readonly store: Store;
  readonly email: EmailTransport;
  readonly log: Logger;
  readonly now: () => number;
  readonly leaseMs?: number;
  readonly batchSize?: number;
  readonly concurrency?: number;
  readonly maxAttempts?: number;
  readonly pollMs?: number;
}

/** What goes to the transport: `htm` is sent as HTML with a plain-text alternative derived from it. */
export function toOutboundEmail(email: ClaimedEmail): OutboundEmail {
  const base = { from: email.from_address, to: email.to_address, subject: email.subject };
  if (email.format === 'htm') return { ...base, text: htmlToText(email.body), html: email.body };
  return { ...base, text: email.body };
}

/**
 * The email dispatcher: claims queued emails (send_email, broadcasts, import reports) under a lease,
 * sends them through the EmailTransport a few at a time, and records each outcome: `sent`; back to
 * `queued` with a backoff after a retryable failure (4xx, connection lost); `failed` with the
 * reason after a permanent one or too many attempts. Expired leases return to the queue.
 */
export class EmailDispatcher implements Worker {
  readonly name = 'email-dispatcher';
  private readonly loop: PollingWorker;
  private readonly leaseMs: number;
  private nextLeaseSweep = 0;

  constructor(private readonly deps: EmailDispatcherDeps) {
    this.leaseMs = deps.leaseMs ?? 120_000;
    this.loop = new PollingWorker(this.name, deps.log, (signal) => this.tick(signal), deps.pollMs ?? 1_000);
  }

  start(): void {
    this.loop.start();
  }

  /** An email was queued in this process: look now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(stopping: AbortSignal): Promise<boolean> {
    const { store, log, now } = this.deps;
    if (now() >= this.nextLeaseSweep) {
      const released = await releaseExpiredLeases(store.db, EMAIL_QUEUE, now());
      if (released > 0) log.warn({ released }, 'email dispatcher: expired leases put back in the queue');
      this.nextLeaseSweep = now() + Math.floor(this.leaseMs / 4);
    }
    const lease = now() + this.leaseMs;
    const batch = await claimDueEmails(store.db, store.dialect, {
      now: now(),
      leaseUntil: lease,
      limit: this.deps.batchSize ?? 20,
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
    let next = 0;
    const sendBefore = lease - this.leaseMs / 2;
    const worker = async (): Promise<void> => {
      while (next < batch.length && !stopping.aborted && this.deps.now() < sendBefore) {
        const email = batch[next++];
        if (!email) break;
        const outcome = await this.sendOne(email);
        await recordEmailOutcome(this.deps.store.db, outcome, lease, this.deps.now());
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 4, batch.length) }, worker));
    await releaseUntried(
      this.deps.store.db,
      EMAIL_QUEUE,
      batch.slice(next).map((e) => e.id),
      lease,
    );
  }

  private async sendOne(email: ClaimedEmail): Promise<EmailOutcome> {
    try {
      await this.deps.email.send(toOutboundEmail(email));
      return { kind: 'sent', id: email.id };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const attempt = email.attempts + 1;
      if (error instanceof TransportError && !error.retryable) {
        this.deps.log.warn({ emailId: email.id, err: text }, 'email refused permanently');
        return { kind: 'failed', id: email.id, error: text };
      }
      if (!(error instanceof TransportError))
        this.deps.log.error({ err: error, emailId: email.id }, 'email dispatcher: unexpected send error');
      if (attempt >= (this.deps.maxAttempts ?? 8))
        return { kind: 'failed', id: email.id, error: `${text} (after ${attempt} attempts)` };
      return {
        kind: 'retry',
        id: email.id,
        error: text,
        nextAttemptAt: this.deps.now() + retryDelayMs(attempt),
      };
    }
  }
}
