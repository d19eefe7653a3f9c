import type { DispatchOutcome, DispatchService } from '../domain/messages/dispatch-service.js';
import { ExpiredLeaseSweep } from '../domain/common/lease-sweep.js';
import type { Logger } from '../domain/ports/logger.js';
import type { ClaimedMessage } from '../domain/ports/outbound-queue.js';
import { PollingWorker } from './polling-worker.js';
import { sleep, type Worker } from './worker.js';

/** The loop's settings (DispatchConfig's): claim size, submit window, lease, pause switch. */
export interface DispatcherSettings {
  readonly batchSize: number;
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly paused: boolean;
}

export interface DispatcherDeps {
  readonly service: DispatchService;
  readonly log: Logger;
  readonly now: () => number;
  readonly config: DispatcherSettings;
  /** How often an idle dispatcher looks for due rows when nothing woke it (other processes). */
  readonly pollMs?: number;
}

/** Outcomes are written in batches of this size while the rest of a claim is still being submitted. */
export const RECORD_EVERY = 256;
/**
 * After a claim that did not fill a batch, the next waits this long: under a stream of sends the
 * dispatcher then takes them by the dozen rather than one commit each (a few ms of latency).
 */
const CLAIM_COALESCE_MS = 20;
const ERROR_WAIT_MS = 1_000;
const PAUSED_CHECK_MS = 60_000;

/**
 * The SMS dispatcher: claims due `queued` messages in batches under a lease, submits them through
 * the DispatchService with bounded concurrency, and has it record each outcome (`sent`, back to
 * `queued` with a backoff, or `failed`: the rules are the service's). A lease that expires (the
 * process died) puts its rows back in the queue, so a killed process loses nothing; at most its
 * in-flight window is sent twice. stop() submits nothing new, waits for the submits in flight,
 * records them and hands the rest of the claim back. wake() (MessageEvents.onQueued) looks for
 * due rows at once rather than at the next poll.
 */
export class SmsDispatcher implements Worker {
  readonly name = 'sms-dispatcher';
  private readonly loop: PollingWorker;
  private pausedUntil = 0;
  private nextClaimAt = 0;
  private warnedPaused = false;
  /** Lease renewals and outcome writes go one at a time, so each sees the lease value in force. */
  private serial: Promise<unknown> = Promise.resolve();

  private readonly leaseSweep: ExpiredLeaseSweep;

  constructor(private readonly deps: DispatcherDeps) {
    this.loop = new PollingWorker(this.name, deps.log, (signal) => this.tick(signal), deps.pollMs ?? 1_000);
    this.leaseSweep = new ExpiredLeaseSweep(deps.service, deps.config.leaseMs, (released) =>
      deps.log.warn({ released }, 'dispatcher: expired leases put back in the queue'),
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Looks for due rows now rather than at the next poll. */
  wake(): void {
    this.loop.wake();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async tick(signal: AbortSignal): Promise<boolean | number> {
    const { config, log, service } = this.deps;
    if (config.paused) {
      if (!this.warnedPaused)
        log.warn(
          {},
          'SMS sending paused (SMS_SENDING_PAUSED): messages stay queued until a restart without it',
        );
      this.warnedPaused = true;
      return PAUSED_CHECK_MS;
    }
    try {
      const now = this.deps.now();
      await this.leaseSweep.sweep(now);
      if (this.pausedUntil > now) return this.pausedUntil - now;
      if (this.nextClaimAt > now) await sleep(this.nextClaimAt - now);
      // No bind slot of any connector here: the processes that hold one send the queue.
      if (!service.canSubmit()) return false;
      const lease = this.deps.now() + config.leaseMs;
      const batch = await service.claim(config.batchSize, lease);
      if (batch.length < config.batchSize) this.nextClaimAt = this.deps.now() + CLAIM_COALESCE_MS;
      if (batch.length === 0) return false;
      await this.dispatch(batch, lease, signal);
      return true;
    } catch (error) {
      log.error({ err: error }, 'dispatcher: batch failed; retrying shortly');
      return ERROR_WAIT_MS;
    }
  }

  private async dispatch(
    batch: ClaimedMessage[],
    initialLease: number,
    stopping: AbortSignal,
  ): Promise<void> {
    const { config, service } = this.deps;
    let lease = initialLease;
    const renewal = setInterval(
      () => {
        const to = this.deps.now() + config.leaseMs;
        this.serially(async () => {
          await service.renewLease(
            batch.map((m) => m.id),
            { from: lease, to },
          );
          lease = to;
        }).catch((error: unknown) => this.deps.log.error({ err: error }, 'dispatcher: lease renewal failed'));
      },
      Math.max(50, Math.floor(config.leaseMs / 3)),
    );
    let next = 0;
    let pending: DispatchOutcome[] = [];
    const writes: Promise<void>[] = [];
    const flush = (): void => {
      if (pending.length === 0) return;
      const outcomes = pending;
      pending = [];
      writes.push(this.serially(() => service.record(outcomes, lease)));
    };
    // No submit starts once less than a third of the lease is left (renewals, every third, are
    // late: the database is slow or this process stalled): another dispatcher may soon take the
    // rows back, and a submit started now could then go out twice. The rest is handed back.
    const submitter = async (): Promise<void> => {
      while (next < batch.length && !stopping.aborted && this.deps.now() < lease - config.leaseMs / 3) {
        const message = batch[next++];
        if (!message) break;
        const wait = this.pausedUntil - this.deps.now();
        if (wait > 0) await sleep(wait);
        // Not `pending.push(await …)`: that reads `pending` before the await, and a flush meanwhile
        // would leave this outcome in the array already handed to a write (lost, so sent twice).
        const outcome = await service.submit(message);
        // The carrier asks us to slow down: pause every submitter.
        if (outcome.kind === 'retry' && outcome.throttled)
          this.pausedUntil = Math.max(this.pausedUntil, outcome.nextAttemptAt);
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
      await this.serially(() => service.releaseClaims(unsubmitted, lease));
    }
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const result = this.serial.then(task, task);
    this.serial = result.catch(() => undefined);
    return result;
  }
}
