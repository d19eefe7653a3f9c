import type { Logger } from 'pino';
import { fromStoreTransaction } from '../store/transaction.js';
import { retryDelayMs } from '../domain/common/backoff.js';
import { verificationVoiceText } from '../domain/verification/verification.js';
import { listSenders } from '../store/accounts/accounts-repo.js';
import type { Store } from '../store/database.js';
import {
  claimDueCalls,
  recordCall,
  rememberLandlines,
  switchToVoice,
  type CallOutcome,
  type ClaimedCall,
} from '../store/verification/verifications-repo.js';
import { CALL_QUEUE, releaseExpiredLeases } from '../store/queue/leased-queue.js';
import { TransportError, type VoiceTransport } from '../domain/ports/transports.js';
import type { MessageEvents } from '../domain/messages/message-events.js';
import { sleep, type Worker } from './worker.js';

export interface VerificationCallerDeps {
  readonly store: Store;
  readonly voice: VoiceTransport;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  /** How long after the code's SMS an UNDELIV receipt still sends the call. */
  readonly fallbackWaitMs: number;
  readonly pollMs?: number;
  /** How long a claimed call holds before another worker may take it back (tests shorten it). */
  readonly leaseMs?: number;
}

const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 5;

/**
 * The verification caller: places the voice calls of verification codes — those sent straight to
 * voice (landlines) and those whose SMS failed. It listens for final message states: when the SMS of
 * a code to a number of unknown type is refused by the carrier or comes back UNDELIV within the
 * wait, the verification switches to a call (in the receipt's own transaction) and the number is
 * remembered as a landline, so its next code goes straight to voice. Calls are claimed with a
 * lease like every other piece of background work.
 */
export class VerificationCaller implements Worker {
  readonly name = 'verification-caller';
  private running: Promise<void> | undefined;
  private stopping = false;
  private wakeUp = new AbortController();

  constructor(private readonly deps: VerificationCallerDeps) {
    deps.events.onQueued('call', () => this.wakeUp.abort());
    deps.events.onFinal(async (events, tx) => {
      const trx = fromStoreTransaction(tx);
      const failed = events.filter(
        (e) => e.status === 'failed' && (e.detailedStatus === null || e.detailedStatus.startsWith('UNDELIV')),
      );
      if (failed.length === 0) return;
      const now = this.deps.now();
      const numbers = await switchToVoice(
        trx,
        failed.map((e) => e.messageId),
        now,
        this.deps.fallbackWaitMs,
      );
      if (numbers.length === 0) return;
      await rememberLandlines(trx, numbers, 'verification SMS failed', now);
      this.deps.log.info(
        { numbers },
        'verification SMS failed: calling instead, number remembered as a landline',
      );
      this.wakeUp.abort();
    });
  }

  start(): void {
    this.stopping = false;
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp.abort();
    await this.running;
  }

  private signal(): AbortSignal {
    if (this.wakeUp.signal.aborted) this.wakeUp = new AbortController();
    if (this.stopping) this.wakeUp.abort();
    return this.wakeUp.signal;
  }

  private async run(): Promise<void> {
    const { store, log } = this.deps;
    const leaseMs = this.deps.leaseMs ?? LEASE_MS;
    let nextLeaseSweep = 0;
    while (!this.stopping) {
      try {
        if (this.deps.now() >= nextLeaseSweep) {
          await releaseExpiredLeases(store.db, CALL_QUEUE, this.deps.now());
          nextLeaseSweep = this.deps.now() + leaseMs / 4;
        }
        const lease = this.deps.now() + leaseMs;
        const calls = await claimDueCalls(store.db, store.dialect, {
          now: this.deps.now(),
          leaseUntil: lease,
          // One call per claim: placing a call can take long, and a claim of several would see its
          // lease lapse (and another worker place the same calls) before it reached the last one.
          limit: 1,
        });
        if (calls.length === 0) {
          await sleep(this.deps.pollMs ?? 1_000, this.signal());
          continue;
        }
        for (const call of calls) await recordCall(store.db, call.id, await this.place(call), lease);
      } catch (error) {
        log.error({ err: error }, 'verification caller: batch failed; retrying shortly');
        await sleep(1_000, this.signal());
      }
    }
  }

  private async place(call: ClaimedCall): Promise<CallOutcome> {
    const language = call.language === 'en' ? 'en' : 'fr';
    if (!call.code) return { kind: 'failed', error: 'no code stored for this verification' };
    try {
      const [from = ''] = await listSenders(this.deps.store.db, call.account_id);
      const { callId } = await this.deps.voice.placeCall({
        to: call.to_number,
        from,
        language,
        text: verificationVoiceText(call.code, language),
      });
      return { kind: 'placed', callId };
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      const attempt = call.attempts + 1;
      if ((error instanceof TransportError && !error.retryable) || attempt >= MAX_ATTEMPTS)
        return { kind: 'failed', error: text };
      return { kind: 'retry', error: text, nextAttemptAt: this.deps.now() + retryDelayMs(attempt) };
    }
  }
}
