import { ExpiredLeaseSweep } from '../common/lease-sweep.js';
import type { Logger } from '../ports/logger.js';
import type { VoiceTransport } from '../ports/transports.js';
import type { CallOutcome, ClaimedCall, VerificationStore } from '../ports/verification-store.js';
import { callFailureOutcome, settleEndedCall, type CallRetrySettings } from './call-rules.js';
import { verificationVoiceText } from './verification.js';

export interface CallSettings extends CallRetrySettings {
  /** Calls in progress at once in this process (VOICE_MAX_CALLS; the transport may lower it). */
  readonly maxConcurrentCalls: number;
}

export interface VerificationCallsDeps {
  readonly store: VerificationStore;
  readonly voice: VoiceTransport;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings: CallSettings;
  /** How long a claimed call holds without renewal before another caller may take it back. */
  readonly leaseMs: number;
}

/**
 * The lease of one call, renewed every third of it while the call lasts (a call rings and plays
 * for longer than any fixed lease), so only a caller that died or stalled loses its calls. Writes
 * under the lease go one at a time, each with the lease in force.
 */
class HeldCall {
  private lease: number;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly id: number,
    lease: number,
    private readonly deps: VerificationCallsDeps,
  ) {
    this.lease = lease;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(deps.leaseMs / 3)));
    this.timer.unref();
  }

  /** Runs a write with the lease in force, after the writes before it. */
  write<T>(fn: (lease: number) => Promise<T>): Promise<T> {
    const next = this.writes.then(() => fn(this.lease));
    this.writes = next.catch(() => undefined);
    return next;
  }

  release(): void {
    clearInterval(this.timer);
  }

  private async renew(): Promise<void> {
    const to = this.deps.now() + this.deps.leaseMs;
    try {
      const held = await this.write((from) => this.deps.store.renewCallLease(this.id, { from, to }));
      if (held) this.lease = to;
      else {
        this.release();
        this.deps.log.warn({ verification: this.id }, 'verification caller: lost the lease of a call');
      }
    } catch (error) {
      this.deps.log.warn({ err: error, verification: this.id }, 'verification caller: lease renewal failed');
    }
  }
}

/**
 * The queue of verification calls (issue #14 item 4): claims due calls under a lease, up to
 * `maxConcurrentCalls` in progress at once, places each, records the moment it is answered (from
 * then on it is never placed again, whatever happens to this process), and settles it as
 * answered, busy, no_answer or failed, busy lines and unanswered calls being tried again after the
 * retry delay. The verification caller (src/workers/verification-caller.ts) is its loop.
 */
export class VerificationCalls {
  private readonly sweep: ExpiredLeaseSweep;
  private readonly inFlight = new Set<Promise<void>>();
  /** Called when a call ended and its place is free: the loop's wake(). */
  onCallEnded: () => void = () => {};

  constructor(private readonly deps: VerificationCallsDeps) {
    this.sweep = new ExpiredLeaseSweep(deps.store, deps.leaseMs, (released) =>
      deps.log.warn({ released }, 'verification caller: calls of a stopped caller taken back or settled'),
    );
  }

  /** Calls this process may have in progress at once. */
  get capacity(): number {
    return Math.max(
      1,
      Math.min(this.deps.settings.maxConcurrentCalls, this.deps.voice.maxConcurrentCalls ?? Infinity),
    );
  }

  /** Calls in progress now. */
  get active(): number {
    return this.inFlight.size;
  }

  /**
   * Claims as many due calls as there are free places and starts them; true when it started some
   * (look again at once), false when none was due or every place is taken (wait for onCallEnded).
   */
  async placeDueCalls(): Promise<boolean> {
    const { store, now, leaseMs } = this.deps;
    await this.sweep.sweep(now());
    const free = this.capacity - this.inFlight.size;
    if (free <= 0) return false;
    const lease = now() + leaseMs;
    const calls = await store.claimDueCalls({ now: now(), leaseUntil: lease, limit: free });
    for (const call of calls) {
      const running: Promise<void> = this.run(call, lease).finally(() => {
        this.inFlight.delete(running);
        this.onCallEnded();
      });
      this.inFlight.add(running);
    }
    return calls.length > 0;
  }

  /** Resolves once every call in progress has ended and been recorded (a clean stop waits for them). */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async run(call: ClaimedCall, lease: number): Promise<void> {
    const held = new HeldCall(call.id, lease, this.deps);
    try {
      const outcome = await this.place(call, held);
      await held.write((current) => this.deps.store.recordCall(call.id, outcome, current));
      this.deps.log.info(
        { verification: call.id, to: call.to_number, outcome: outcomeName(outcome) },
        'verification call ended',
      );
    } catch (error) {
      // The call's row keeps its lease: once it runs out another caller takes it back (or, if it
      // was answered, settles it as answered).
      this.deps.log.error(
        { err: error, verification: call.id },
        'verification caller: recording a call failed',
      );
    } finally {
      held.release();
    }
  }

  private async place(call: ClaimedCall, held: HeldCall): Promise<CallOutcome> {
    const { store, voice, now, log } = this.deps;
    if (!call.code) return { kind: 'final', status: 'failed', error: 'no code stored for this verification' };
    // A code nobody can check any more is not worth ringing someone for.
    if (call.verified_at !== null)
      return { kind: 'final', status: 'failed', error: 'the code was verified before the call' };
    if (now() >= call.expires_at)
      return { kind: 'final', status: 'failed', error: 'the code expired before the call' };
    const language = call.language === 'en' ? 'en' : 'fr';
    let answered: { readonly callId: string; readonly at: number } | undefined;
    try {
      const [from = ''] = await store.senderNumbers(call.account_id);
      const result = await voice.placeCall(
        {
          to: call.to_number,
          from,
          language,
          code: call.code,
          text: verificationVoiceText(call.code, language),
        },
        {
          answered: async (callId) => {
            answered = { callId, at: now() };
            const ours = await held.write((lease) => store.markCallAnswered(call.id, callId, now(), lease));
            if (!ours)
              log.warn(
                { verification: call.id, callId },
                'verification caller: answered a call it no longer held',
              );
          },
        },
      );
      return settleEndedCall(call, result, now(), this.deps.settings);
    } catch (error) {
      // Once answered, the number was reached: whatever broke afterwards, it is not called again.
      if (answered) return answeredThenBroken(answered, error, now());
      return callFailureOutcome(call, error, now());
    }
  }
}

function answeredThenBroken(
  answered: { readonly callId: string; readonly at: number },
  error: unknown,
  now: number,
): CallOutcome {
  const text = error instanceof Error ? error.message : String(error);
  return {
    kind: 'final',
    status: 'answered',
    attempt: { callId: answered.callId, outcome: 'answered', sipCode: null, durationMs: now - answered.at },
    error: `the call broke after it was answered: ${text}`,
  };
}

function outcomeName(outcome: CallOutcome): string {
  return outcome.kind === 'final' ? outcome.status : `retry (${outcome.error})`;
}
