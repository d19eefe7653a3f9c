import { retryDelayMs } from '../common/backoff.js';
import type { Logger } from '../ports/logger.js';
import type { ClaimedMessage, OutboundQueue } from '../ports/outbound-queue.js';
import { TransportError, type SmsTransport } from '../ports/transports.js';
import { segmentMessage } from '../sms/segments.js';
import type { MessageEvents, MessageStatusEvent } from './message-events.js';

/** What became of one submit. A throttled retry asks every submitter to pause until `nextAttemptAt`. */
export type DispatchOutcome =
  | { kind: 'sent'; message: ClaimedMessage; carrierIds: readonly string[] }
  | { kind: 'failed'; message: ClaimedMessage; error: string }
  | {
      kind: 'retry';
      message: ClaimedMessage;
      error: string;
      nextAttemptAt: number;
      countAttempt: boolean;
      throttled: boolean;
    };

/** Carrier answers that mean "slow down", not "this message is wrong". */
const THROTTLE_CODES = new Set(['ESME_RTHROTTLED', 'ESME_RMSGQFUL', 'throttled']);
export const THROTTLE_PAUSE_MS = 1_000;

/**
 * What a transport's refusal of a submit means: a permanent refusal fails the message; a throttle
 * retries it after a pause without counting the attempt; anything else (a retryable refusal, or an
 * unexpected error) retries with the backoff until `maxAttempts`, then fails it.
 */
export function refusalOutcome(
  message: ClaimedMessage,
  error: unknown,
  now: number,
  maxAttempts: number,
): DispatchOutcome {
  const text = error instanceof Error ? error.message : String(error);
  if (error instanceof TransportError && !error.retryable) return { kind: 'failed', message, error: text };
  if (error instanceof TransportError && THROTTLE_CODES.has(error.code ?? '')) {
    const nextAttemptAt = now + THROTTLE_PAUSE_MS;
    return { kind: 'retry', message, error: text, nextAttemptAt, countAttempt: false, throttled: true };
  }
  const attempt = message.attempts + 1;
  if (attempt >= maxAttempts)
    return { kind: 'failed', message, error: `${text} (after ${attempt} attempts)` };
  const nextAttemptAt = now + retryDelayMs(attempt);
  return { kind: 'retry', message, error: text, nextAttemptAt, countAttempt: true, throttled: false };
}

export interface DispatchServiceDeps {
  readonly queue: OutboundQueue;
  readonly sms: SmsTransport;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  /** Attempts before a retryable failure becomes final (DISPATCH_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
}

/**
 * The SMS dispatch rules, between the `messages` queue and the carrier: what a claim takes, how a
 * message is submitted (segmented as its encoding requires), what each answer means, and how the
 * outcomes are recorded — in one transaction per group, with the `sent`/final events emitted inside
 * it for the messages still under this dispatcher's lease. The loop around it (leases, window of
 * submits, pauses) is the SmsDispatcher worker's.
 */
export class DispatchService {
  constructor(private readonly deps: DispatchServiceDeps) {}

  /** Whether this process can submit now (false: no bind slot of any connector here). */
  canSubmit(): boolean {
    return this.deps.sms.ready?.() !== false;
  }

  claim(limit: number, leaseUntil: number): Promise<ClaimedMessage[]> {
    return this.deps.queue.claim({ now: this.deps.now(), leaseUntil, limit });
  }

  renewLease(ids: readonly number[], lease: { from: number; to: number }): Promise<void> {
    return this.deps.queue.renewLease(ids, lease);
  }

  releaseClaims(ids: readonly number[], lease: number): Promise<void> {
    return this.deps.queue.releaseClaims(ids, lease);
  }

  /** Puts back in the queue what a dead (or stalled) dispatcher held past its lease (ExpiredLeaseSweep). */
  releaseExpiredLeases(now: number): Promise<number> {
    return this.deps.queue.releaseExpiredLeases(now);
  }

  /** Submits one message; a refusal becomes its outcome (see refusalOutcome), never a throw. */
  async submit(message: ClaimedMessage): Promise<DispatchOutcome> {
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
      if (!(error instanceof TransportError))
        this.deps.log.error({ err: error, messageId: message.id }, 'dispatcher: unexpected submit error');
      return refusalOutcome(message, error, this.deps.now(), this.deps.maxAttempts);
    }
  }

  /** Writes a group of outcomes and their events in one transaction. */
  async record(outcomes: readonly DispatchOutcome[], lease: number): Promise<void> {
    const { queue, events } = this.deps;
    const now = this.deps.now();
    const sent = outcomes.flatMap((o) => (o.kind === 'sent' ? [o] : []));
    const failed = outcomes.flatMap((o) => (o.kind === 'failed' ? [o] : []));
    const retries = outcomes.flatMap((o) => (o.kind === 'retry' ? [o] : []));
    await queue.transaction(async (tx) => {
      const sentIds = await queue.recordSent(
        tx,
        sent.map((o) => ({ id: o.message.id, carrierIds: o.carrierIds })),
        lease,
        now,
      );
      const failedIds = await queue.recordFailed(
        tx,
        failed.map((o) => ({ id: o.message.id, error: o.error })),
        lease,
        now,
      );
      await queue.recordRetry(
        tx,
        retries.map((o) => ({
          id: o.message.id,
          error: o.error,
          nextAttemptAt: o.nextAttemptAt,
          countAttempt: o.countAttempt,
        })),
        lease,
      );
      await events.emit(
        [
          ...sent.filter((o) => sentIds.has(o.message.id)).map((o) => statusEvent(o.message, 'sent', null)),
          ...failed
            .filter((o) => failedIds.has(o.message.id))
            .map((o) => statusEvent(o.message, 'failed', o.error)),
        ],
        tx,
      );
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
