import type { Logger } from 'pino';
import { toStoreTransaction } from '../store/transaction.js';
import type { DispatchConfig } from '../config-outbound.js';
import { retryDelayMs } from '../domain/common/backoff.js';
import { segmentMessage } from '../domain/sms/segments.js';
import type { Store } from '../store/database.js';
import {
  claimDueMessages,
  recordFailed,
  recordRetry,
  recordSent,
  releaseClaims,
  releaseExpiredLeases,
  renewLease,
  type ClaimedMessage,
} from '../store/messages/dispatch-repo.js';
import { TransportError, type SmsTransport } from '../domain/ports/transports.js';
import type { MessageEvents, MessageStatusEvent } from '../domain/messages/message-events.js';
import { sleep, type Worker } from './worker.js';

export interface DispatcherDeps {
  readonly store: Store;
  readonly sms: SmsTransport;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  readonly config: DispatchConfig;
  /** How often an idle dispatcher looks for due rows when nothing woke it (other processes). */
  readonly pollMs?: number;
}

type Outcome =
  | { kind: 'sent'; message: ClaimedMessage; carrierIds: readonly string[] }
  | { kind: 'failed'; message: ClaimedMessage; error: string }
  | { kind: 'retry'; message: ClaimedMessage; error: string; nextAttemptAt: number; countAttempt: boolean };

/** Carrier answers that mean "slow down", not "this message is wrong". */
const THROTTLE_CODES = new Set(['ESME_RTHROTTLED', 'ESME_RMSGQFUL', 'throttled']);
const THROTTLE_PAUSE_MS = 1_000;
/** Outcomes are written in batches of this size while the rest of a claim is still being submitted. */
export const RECORD_EVERY = 256;
/**
 * After a claim that did not fill a batch, the next waits this long: under a stream of sends the
 * dispatcher then takes them by the dozen rather than one commit each (a few ms of latency).
 */
const CLAIM_COALESCE_MS = 20;

/**
 * The SMS dispatcher: claims due `queued` messages in batches under a lease, submits them to the
 * SmsTransport with bounded concurrency, and records each outcome — `sent` with the carrier id of
 * every part, back to `queued` with a backoff after a retryable refusal, `failed` after a permanent
 * one or too many attempts. A lease that expires (the process died) puts its rows back in the queue,
 * so a killed process loses nothing; at most its in-flight window is sent twice. stop() submits
 * nothing new, waits for the submits in flight, records them and hands the rest of the claim back.
 */
export class SmsDispatcher implements Worker {
  readonly name = 'sms-dispatcher';
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeUp = new AbortController();
  private pausedUntil = 0;
  private nextLeaseSweep = 0;
  private nextClaimAt = 0;
  /** Lease renewals and outcome writes go one at a time, so each sees the lease value in force. */
  private serial: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DispatcherDeps) {
    deps.events.onQueued('sms', () => this.wake());
  }

  start(): void {
    this.stopping = false;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  /** Looks for due rows now rather than at the next poll. */
  wake(): void {
    this.wakeUp.abort();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.running;
  }

  private async run(): Promise<void> {
    const { config, log } = this.deps;
    if (config.paused) {
      log.warn('SMS sending paused (SMS_SENDING_PAUSED): messages stay queued until a restart without it');
      while (!this.stopping) await sleep(60_000, this.wakeSignal());
      return;
    }
    while (!this.stopping) {
      try {
        const now = this.deps.now();
        if (now >= this.nextLeaseSweep) {
          const released = await releaseExpiredLeases(this.deps.store.db, now);
          if (released > 0) log.warn({ released }, 'dispatcher: expired leases put back in the queue');
          this.nextLeaseSweep = now + Math.max(100, Math.floor(config.leaseMs / 4));
        }
        if (this.pausedUntil > now) await sleep(this.pausedUntil - now, this.wakeSignal());
        if (this.nextClaimAt > now) await sleep(this.nextClaimAt - now);
        if (this.deps.sms.ready?.() === false) {
          // No bind slot of any connector here: the processes that hold one send the queue.
          await sleep(this.deps.pollMs ?? 1_000, this.wakeSignal());
          continue;
        }
        const lease = this.deps.now() + config.leaseMs;
        const batch = await claimDueMessages(this.deps.store.db, this.deps.store.dialect, {
          now: this.deps.now(),
          leaseUntil: lease,
          limit: config.batchSize,
        });
        if (batch.length < config.batchSize) this.nextClaimAt = this.deps.now() + CLAIM_COALESCE_MS;
        if (batch.length === 0) {
          await sleep(this.deps.pollMs ?? 1_000, this.wakeSignal());
          continue;
        }
        await this.dispatch(batch, lease);
      } catch (error) {
        log.error({ err: error }, 'dispatcher: batch failed; retrying shortly');
        await sleep(1_000, this.wakeSignal());
      }
    }
  }

  /** A fresh signal for an idle wait; wake() aborts the current one. */
  private wakeSignal(): AbortSignal {
    if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
    if (this.stopping) this.wakeUp.abort();
    return this.wakeUp.signal;
  }

  private async dispatch(batch: ClaimedMessage[], initialLease: number): Promise<void> {
    const { config } = this.deps;
    let lease = initialLease;
    const renewal = setInterval(
      () => {
        const to = this.deps.now() + config.leaseMs;
        this.serially(async () => {
          await renewLease(
            this.deps.store.db,
            batch.map((m) => m.id),
            { from: lease, to },
          );
          lease = to;
        }).catch((error: unknown) => this.deps.log.error({ err: error }, 'dispatcher: lease renewal failed'));
      },
      Math.max(50, Math.floor(config.leaseMs / 3)),
    );
    let next = 0;
    let pending: Outcome[] = [];
    const writes: Promise<void>[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      const outcomes = pending;
      pending = [];
      writes.push(this.serially(() => this.record(outcomes, lease)));
    };
    // No submit starts once less than a third of the lease is left (renewals, every third, are
    // late: the database is slow or this process stalled): another dispatcher may soon take the
    // rows back, and a submit started now could then go out twice. The rest is handed back.
    const submitter = async (): Promise<void> => {
      while (next < batch.length && !this.stopping && this.deps.now() < lease - config.leaseMs / 3) {
        const message = batch[next++];
        if (!message) break;
        const wait = this.pausedUntil - this.deps.now();
        if (wait > 0) await sleep(wait);
        // Not `pending.push(await …)`: that reads `pending` before the await, and a flush meanwhile
        // would leave this outcome in the array already handed to a write (lost, so sent twice).
        const outcome = await this.submit(message);
        pending.push(outcome);
        if (pending.length >= RECORD_EVERY) flush();
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(config.concurrency, batch.length) }, submitter));
      flush();
      await Promise.all(writes);
    } finally {
      clearInterval(renewal);
    }
    const unsubmitted = batch.slice(next).map((m) => m.id);
    if (unsubmitted.length > 0) {
      await this.serially(() => releaseClaims(this.deps.store.db, unsubmitted, lease));
    }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.serial.then(task, task);
    this.serial = result.catch(() => undefined);
    return result;
  }

  private async submit(message: ClaimedMessage): Promise<Outcome> {
    const { parts, encoding } = segmentMessage(message.body);
    try {
      const result = await this.deps.sms.submit({
        messageId: message.id,
        from: message.from_number,
        to: message.to_number,
        text: message.body,
        encoding,
        parts,
      });
      return { kind: 'sent', message, carrierIds: result.carrierIds };
    } catch (error) {
      return this.refusal(message, error);
    }
  }

  private refusal(message: ClaimedMessage, error: unknown): Outcome {
    const now = this.deps.now();
    const text = error instanceof Error ? error.message : String(error);
    if (error instanceof TransportError && !error.retryable) return { kind: 'failed', message, error: text };
    if (!(error instanceof TransportError))
      this.deps.log.error({ err: error, messageId: message.id }, 'dispatcher: unexpected submit error');
    const throttled = error instanceof TransportError && THROTTLE_CODES.has(error.code ?? '');
    if (throttled) {
      // The carrier asks us to slow down: pause every submitter, and do not count it as an attempt.
      this.pausedUntil = Math.max(this.pausedUntil, now + THROTTLE_PAUSE_MS);
      return {
        kind: 'retry',
        message,
        error: text,
        nextAttemptAt: now + THROTTLE_PAUSE_MS,
        countAttempt: false,
      };
    }
    const attempt = message.attempts + 1;
    if (attempt >= this.deps.config.maxAttempts)
      return { kind: 'failed', message, error: `${text} (after ${attempt} attempts)` };
    return {
      kind: 'retry',
      message,
      error: text,
      nextAttemptAt: now + retryDelayMs(attempt),
      countAttempt: true,
    };
  }

  /** Writes a group of outcomes and their events in one transaction. */
  private async record(outcomes: readonly Outcome[], lease: number): Promise<void> {
    const now = this.deps.now();
    await this.deps.store.db.transaction().execute(async (trx) => {
      const sent = outcomes.filter((o) => o.kind === 'sent');
      const failed = outcomes.filter((o) => o.kind === 'failed');
      const retries = outcomes.filter((o) => o.kind === 'retry');
      const sentIds = await recordSent(
        trx,
        sent.map((o) => ({ id: o.message.id, carrierIds: o.carrierIds })),
        lease,
        now,
      );
      const failedIds = await recordFailed(
        trx,
        failed.map((o) => ({ id: o.message.id, error: o.error })),
        lease,
        now,
      );
      await recordRetry(
        trx,
        retries.map((o) => ({
          id: o.message.id,
          error: o.error,
          nextAttemptAt: o.nextAttemptAt,
          countAttempt: o.countAttempt,
        })),
        lease,
      );
      const events: MessageStatusEvent[] = [
        ...sent.filter((o) => sentIds.has(o.message.id)).map((o) => statusEvent(o.message, 'sent', null)),
        ...failed
          .filter((o) => failedIds.has(o.message.id))
          .map((o) => statusEvent(o.message, 'failed', o.error)),
      ];
      await this.deps.events.emit(events, toStoreTransaction(trx));
    });
  }
}

function statusEvent(
  message: ClaimedMessage,
  status: 'sent' | 'failed',
  error: string | null,
): MessageStatusEvent {
  return {
    messageId: message.id,
    accountId: message.account_id,
    broadcastId: message.broadcast_id,
    toNumber: message.to_number,
    status,
    detailedStatus: null,
    error,
  };
}
