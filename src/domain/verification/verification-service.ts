import { randomUUID } from 'node:crypto';
import { retryDelayMs } from '../common/backoff.js';
import { ExpiredLeaseSweep } from '../common/lease-sweep.js';
import { requestIdUsed, tooManyVerifications } from '../errors.js';
import type { MessageEvents, MessageStatusEvent } from '../messages/message-events.js';
import type { Logger } from '../ports/logger.js';
import type { StoreTransaction } from '../ports/transaction.js';
import { TransportError, type VoiceTransport } from '../ports/transports.js';
import type { CallOutcome, ClaimedCall, VerificationStore } from '../ports/verification-store.js';
import { segmentMessage } from '../sms/segments.js';
import {
  chooseVerificationChannel,
  verificationSmsText,
  verificationVoiceText,
  type VerificationRequest,
} from './verification.js';

/** The operator's verification settings (config: VERIFY_*, LANDLINE_PREFIXES). */
export interface VerificationSettings {
  /** Verification requests per number per hour. */
  readonly limitPerNumber: number;
  /** Verification requests per API key per hour. */
  readonly limitPerKey: number;
  /** Number prefixes (international form) known to be landlines. */
  readonly landlinePrefixes: readonly string[];
  /** How long after the code's SMS a failure (refusal, UNDELIV receipt) still sends the call. */
  readonly fallbackWaitMs: number;
}

export interface VerificationDeps {
  readonly store: VerificationStore;
  readonly voice: VoiceTransport;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings: VerificationSettings;
  /** How long a claimed call holds before another caller may take it back (tests shorten it). */
  readonly callLeaseMs?: number;
  /** The request_id of a request that gave none. */
  readonly newRequestId?: () => string;
}

/** Who asks: the account (its sender numbers) and the key (its hourly limit). */
export interface VerificationSender {
  readonly accountId: number;
  readonly keyId: number;
}

const CALL_LEASE_MS = 60_000;
const MAX_CALL_ATTEMPTS = 5;

/** A failed SMS that may carry a code to fall back from: a refusal (no receipt) or an UNDELIV receipt. */
export function isFallbackFailure(event: MessageStatusEvent): boolean {
  return (
    event.status === 'failed' && (event.detailedStatus === null || event.detailedStatus.startsWith('UNDELIV'))
  );
}

/**
 * What a failed call attempt means: `failed` when the telephony refused it for good or the
 * attempts are spent, else queued again after a backoff.
 */
export function callFailureOutcome(call: ClaimedCall, error: unknown, now: number): CallOutcome {
  const text = error instanceof Error ? error.message : String(error);
  const attempt = call.attempts + 1;
  if ((error instanceof TransportError && !error.retryable) || attempt >= MAX_CALL_ATTEMPTS)
    return { kind: 'failed', error: text };
  return { kind: 'retry', error: text, nextAttemptAt: now + retryDelayMs(attempt) };
}

/**
 * send_verification (contract §3.4) and what follows it. A code goes by SMS or by voice call
 * (chooseVerificationChannel: known landlines and fixed lines are called); the request_id and the
 * hourly limits per number and per key (SMS pumping protection) are checked with the write. When
 * the SMS of a code to a number of unknown type fails within the wait, the verification switches
 * to a call in the failure's own transaction and the number is remembered as a landline, so its next
 * code goes straight to voice. Calls are placed one claim at a time by the verification caller.
 */
export class VerificationService {
  private readonly callLeaseMs: number;
  private readonly sweep: ExpiredLeaseSweep;

  constructor(private readonly deps: VerificationDeps) {
    this.callLeaseMs = deps.callLeaseMs ?? CALL_LEASE_MS;
    this.sweep = new ExpiredLeaseSweep(deps.store, this.callLeaseMs, (released) =>
      deps.log.warn({ released }, 'verification caller: expired leases put back in the queue'),
    );
  }

  /** Records the verification and queues its SMS or call; returns its request_id. */
  async send(request: VerificationRequest, sender: VerificationSender): Promise<string> {
    const { store, settings, events } = this.deps;
    const requestId = request.requestId ?? (this.deps.newRequestId ?? randomUUID)();
    const route = chooseVerificationChannel(
      request.to,
      await store.isKnownLandline(request.to),
      settings.landlinePrefixes,
    );
    let sms;
    if (route.channel === 'sms') {
      const body = verificationSmsText(request.code, request.language);
      const { parts, encoding } = segmentMessage(body);
      const [from = ''] = await store.senderNumbers(sender.accountId);
      sms = { from, body, partCount: parts.length, encoding, fallback: route.fallbackToVoice };
    }
    const outcome = await store.createVerification({
      accountId: sender.accountId,
      keyId: sender.keyId,
      requestId,
      to: request.to,
      code: request.code,
      language: request.language,
      createdAt: this.deps.now(),
      limits: { perNumber: settings.limitPerNumber, perKey: settings.limitPerKey },
      sms,
    });
    if (outcome === 'request_id_used') throw requestIdUsed();
    if (outcome === 'rate_limited') throw tooManyVerifications();
    events.notifyQueued(sms ? 'sms' : 'call');
    return requestId;
  }

  /**
   * Listens for final message states (in the process that places the calls): a verification SMS
   * that failed falls back to a call, once — the switch only takes verifications still in `sms`.
   */
  listenForFailedSms(): void {
    this.deps.events.onFinal((events, tx) => this.fallBackToVoice(events, tx));
  }

  /** The fallback listener's work, inside the transaction that recorded the failures. */
  async fallBackToVoice(events: readonly MessageStatusEvent[], tx: StoreTransaction): Promise<void> {
    const failed = events.filter(isFallbackFailure);
    if (failed.length === 0) return;
    const { store, log } = this.deps;
    const now = this.deps.now();
    const numbers = await store.switchToVoice(
      tx,
      failed.map((e) => e.messageId),
      now,
      now - this.deps.settings.fallbackWaitMs,
    );
    if (numbers.length === 0) return;
    await store.rememberLandlines(tx, numbers, 'verification SMS failed', now);
    log.info({ numbers }, 'verification SMS failed: calling instead, number remembered as a landline');
    this.deps.events.notifyQueued('call');
  }

  /**
   * Places the next due call and records its outcome; false when none was due. One call per claim:
   * placing a call can take long, and a claim of several would see its lease lapse (and another
   * caller place the same calls) before it reached the last one.
   */
  async placeDueCall(): Promise<boolean> {
    const { store, now } = this.deps;
    await this.sweep.sweep(now());
    const lease = now() + this.callLeaseMs;
    const calls = await store.claimDueCalls({ now: now(), leaseUntil: lease, limit: 1 });
    if (calls.length === 0) return false;
    for (const call of calls) await store.recordCall(call.id, await this.place(call), lease);
    return true;
  }

  private async place(call: ClaimedCall): Promise<CallOutcome> {
    const language = call.language === 'en' ? 'en' : 'fr';
    if (!call.code) return { kind: 'failed', error: 'no code stored for this verification' };
    try {
      const [from = ''] = await this.deps.store.senderNumbers(call.account_id);
      const result = await this.deps.voice.placeCall({
        to: call.to_number,
        from,
        language,
        code: call.code,
        text: verificationVoiceText(call.code, language),
      });
      if (result.outcome === 'answered') return { kind: 'placed', callId: result.callId };
      const retryable = result.outcome !== 'failed';
      const why = `call ${result.outcome}${result.sipCode ? ` (SIP ${result.sipCode})` : ''}`;
      return callFailureOutcome(call, new TransportError(why, retryable, result.outcome), this.deps.now());
    } catch (error) {
      return callFailureOutcome(call, error, this.deps.now());
    }
  }
}
