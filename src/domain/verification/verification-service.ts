import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  noSenderNumber,
  requestIdUsed,
  tooManyVerificationChecks,
  tooManyVerifications,
  verificationExpired,
  verificationNotFound,
} from '../errors.js';
import type { MessageEvents, MessageStatusEvent } from '../messages/message-events.js';
import type { LineTypeLookup } from '../ports/line-types.js';
import type { Logger } from '../ports/logger.js';
import type { StoreTransaction } from '../ports/transaction.js';
import type { VoiceTransport } from '../ports/transports.js';
import type { StoredVerification, VerificationStore } from '../ports/verification-store.js';
import { segmentMessage } from '../sms/segments.js';
import { VerificationCalls, type CallSettings } from './verification-calls.js';
import {
  chooseVerificationChannel,
  generateCode,
  verificationSmsText,
  type VerificationRequest,
} from './verification.js';

/** The operator's verification settings (config: VERIFY_*, LANDLINE_PREFIXES, VOICE_MAX_CALLS). */
export interface VerificationSettings extends CallSettings {
  /** Verification requests per number per hour. */
  readonly limitPerNumber: number;
  /** Verification requests per API key per hour. */
  readonly limitPerKey: number;
  /** Number prefixes (international form) known to be landlines. */
  readonly landlinePrefixes: readonly string[];
  /** How long after the code's SMS a failure (refusal, UNDELIV receipt) still sends the call. */
  readonly fallbackWaitMs: number;
  /** How long check_verification accepts a code after send_verification (VERIFY_CODE_TTL_MS). */
  readonly codeTtlMs: number;
}

export interface VerificationDeps {
  readonly store: VerificationStore;
  /** The line types the operator loaded (NPA-NXX blocks): a fixed line is called at once. */
  readonly lineTypes: LineTypeLookup;
  readonly voice: VoiceTransport;
  readonly events: MessageEvents;
  readonly log: Logger;
  readonly now: () => number;
  readonly settings: VerificationSettings;
  /** How long a claimed call holds before another caller may take it back (tests shorten it). */
  readonly callLeaseMs?: number;
  /** The request_id of a request that gave none. */
  readonly newRequestId?: () => string;
  /** The code of a request that gave none (tests may fix it; by default 6 random digits). */
  readonly newCode?: () => string;
}

/** Who asks: the account (its sender numbers) and the key (its hourly limit). */
export interface VerificationSender {
  readonly accountId: number;
  readonly keyId: number;
}

/** Checks of one code before it is refused for good (Twilio Verify's default, 5). */
export const MAX_CHECK_ATTEMPTS = 5;
const CALL_LEASE_MS = 60_000;

/** Where a verification stands, as get_verification shows it. */
export type VerificationState = 'pending' | 'verified' | 'expired' | 'too_many_attempts';

export function verificationState(row: StoredVerification, now: number): VerificationState {
  if (row.verifiedAt !== null) return 'verified';
  if (now >= row.expiresAt) return 'expired';
  if (row.checkAttempts >= MAX_CHECK_ATTEMPTS) return 'too_many_attempts';
  return 'pending';
}

/**
 * Whether two codes are the same, in a time that does not depend on where they differ: both are
 * hashed first, so the comparison sees equal lengths whatever the client sent.
 */
export function sameCode(expected: string, given: string): boolean {
  const digest = (code: string) => createHash('sha256').update(code).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** A failed SMS that may carry a code to fall back from: a refusal (no receipt) or an UNDELIV receipt. */
export function isFallbackFailure(event: MessageStatusEvent): boolean {
  return (
    event.status === 'failed' && (event.detailedStatus === null || event.detailedStatus.startsWith('UNDELIV'))
  );
}

/**
 * send_verification (contract §3.4), check_verification and get_verification (extensions), and
 * what follows a send. A code (the client's, or 6 digits generated here) goes by SMS or by voice
 * call (chooseVerificationChannel: listed landlines and fixed lines are called at once); the
 * request_id and the hourly limits per number and per key (SMS pumping protection) are checked
 * with the write. When the SMS of a code to a number of unknown type fails within the wait, the
 * verification switches to a call in the failure's own transaction and the number is remembered as
 * a landline, so its next code goes straight to voice. The calls themselves are `calls`
 * (VerificationCalls). A code is accepted once, before it expires, within 5 checks.
 */
export class VerificationService {
  readonly calls: VerificationCalls;

  constructor(private readonly deps: VerificationDeps) {
    this.calls = new VerificationCalls({
      store: deps.store,
      voice: deps.voice,
      log: deps.log,
      now: deps.now,
      settings: deps.settings,
      leaseMs: deps.callLeaseMs ?? CALL_LEASE_MS,
    });
  }

  /** Records the verification and queues its SMS or call; returns its request_id. */
  async send(request: VerificationRequest, sender: VerificationSender): Promise<string> {
    const { store, settings, events } = this.deps;
    const requestId = request.requestId ?? (this.deps.newRequestId ?? randomUUID)();
    const code = request.code ?? (this.deps.newCode ?? generateCode)();
    const [listed, lineType] = await Promise.all([
      store.isKnownLandline(request.to),
      this.deps.lineTypes.lineType(request.to),
    ]);
    const route = chooseVerificationChannel(request.to, { listed, lineType }, settings.landlinePrefixes);
    let sms;
    if (route.channel === 'sms') {
      const body = verificationSmsText(code, request.language);
      const { parts, encoding } = segmentMessage(body);
      const [from] = await store.senderNumbers(sender.accountId);
      // Every mt message has a `from` of digits (contract §3.1).
      if (from === undefined) throw noSenderNumber();
      sms = { from, body, partCount: parts.length, encoding, fallback: route.fallbackToVoice };
    }
    const createdAt = this.deps.now();
    const outcome = await store.createVerification({
      accountId: sender.accountId,
      keyId: sender.keyId,
      requestId,
      to: request.to,
      code,
      language: request.language,
      createdAt,
      expiresAt: createdAt + settings.codeTtlMs,
      limits: { perNumber: settings.limitPerNumber, perKey: settings.limitPerKey },
      sms,
    });
    if (outcome === 'request_id_used') throw requestIdUsed();
    if (outcome === 'rate_limited') throw tooManyVerifications();
    events.notifyQueued(sms ? 'sms' : 'call');
    return requestId;
  }

  /**
   * check_verification: whether `code` is the verification's. Each check counts (5 at most); a
   * correct one spends the verification, so a second check of it — right or wrong — finds no
   * verification, as Twilio Verify answers 404 for an approved one. Another account's request_id
   * is refused exactly as an unknown one.
   */
  async check(accountId: number, requestId: string, code: string): Promise<boolean> {
    const { store, now } = this.deps;
    const row = await store.findVerification(accountId, requestId);
    if (!row) throw verificationNotFound();
    const state = verificationState(row, now());
    if (state === 'verified') throw verificationNotFound();
    if (state === 'expired') throw verificationExpired();
    if (state === 'too_many_attempts') throw tooManyVerificationChecks();
    // Counted in one guarded statement: concurrent checks cannot get past the fifth.
    if (!(await store.countCheckAttempt(row.id, MAX_CHECK_ATTEMPTS))) throw tooManyVerificationChecks();
    if (row.code === null || !sameCode(row.code, code)) return false;
    // Two right checks at once: the first to mark it wins, the other finds it spent.
    if (!(await store.markVerified(row.id, now()))) throw verificationNotFound();
    return true;
  }

  /** get_verification: the account's verification of that request_id (never its code). */
  async find(
    accountId: number,
    requestId: string,
  ): Promise<StoredVerification & { state: VerificationState }> {
    const row = await this.deps.store.findVerification(accountId, requestId);
    if (!row) throw verificationNotFound();
    return { ...row, state: verificationState(row, this.deps.now()) };
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
}
