import type { ClaimOptions, LeasedQueueStore } from './leased-queue.js';
import type { StoreTransaction } from './transaction.js';
import type { SmsEncoding } from './transports.js';

/** A verification to record, with its SMS when it goes by SMS. */
export interface NewVerification {
  readonly accountId: number;
  readonly keyId: number;
  readonly requestId: string;
  readonly to: string;
  readonly code: string;
  readonly language: 'fr' | 'en';
  readonly createdAt: number;
  /** When check_verification stops accepting the code. */
  readonly expiresAt: number;
  readonly limits: { readonly perNumber: number; readonly perKey: number };
  /** The SMS to queue, or undefined to call. */
  readonly sms:
    | {
        readonly from: string;
        readonly body: string;
        readonly partCount: number;
        readonly encoding: SmsEncoding;
        /** The number's type is unknown: a failed SMS switches to a call. */
        readonly fallback: boolean;
      }
    | undefined;
}

export type VerificationOutcome = 'created' | 'request_id_used' | 'rate_limited';

/** A queued verification call as the caller claims it. */
export interface ClaimedCall {
  readonly id: number;
  readonly account_id: number;
  readonly to_number: string;
  readonly language: string;
  readonly code: string | null;
  /** Call attempts made before this one. */
  readonly attempts: number;
  /** Of those, the calls that rang busy or unanswered (what VERIFY_CALL_RETRIES counts). */
  readonly calls_unanswered: number;
  readonly expires_at: number;
  readonly verified_at: number | null;
}

/** What one call attempt gave, as stored on the verification (and shown by get_verification). */
export interface CallAttempt {
  readonly callId: string;
  readonly outcome: 'answered' | 'busy' | 'no_answer' | 'failed';
  readonly sipCode: number | null;
  readonly durationMs: number;
}

/** How a claimed call is settled: for good (its status names how it ended), or queued again. */
export type CallOutcome =
  | {
      readonly kind: 'final';
      readonly status: CallAttempt['outcome'];
      /** Absent when no call could be tried (a refusal before dialling, a code already spent). */
      readonly attempt?: CallAttempt;
      readonly error: string | null;
    }
  | {
      readonly kind: 'retry';
      readonly attempt?: CallAttempt;
      readonly error: string;
      readonly nextAttemptAt: number;
    };

/** A verification as check_verification and get_verification read it (never shown: `code`). */
export interface StoredVerification {
  readonly id: number;
  readonly requestId: string;
  readonly to: string;
  readonly channel: 'sms' | 'voice';
  readonly language: string;
  /** The delivery's state: sms, call_queued, calling, in_call, answered, busy, no_answer, failed. */
  readonly deliveryStatus: string;
  readonly code: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly checkAttempts: number;
  readonly verifiedAt: number | null;
  readonly callAttempts: number;
  readonly answeredAt: number | null;
  readonly callOutcome: string | null;
  readonly sipCode: number | null;
  readonly callDurationMs: number | null;
  readonly error: string | null;
}

/**
 * What the verification service needs of the database (src/store/verification/verifications-repo.ts):
 * the verifications with their rate checks and code checks, the landlines learnt, and the queue of
 * calls. The releaseExpiredLeases it inherits puts claimed calls back in the queue, and settles as
 * `answered` the calls answered by a caller that then died (the number was reached: never again).
 */
export interface VerificationStore extends LeasedQueueStore {
  /** A number learnt to take no SMS. */
  isKnownLandline(number: string): Promise<boolean>;
  /** The account's sender numbers, the first being the default. */
  senderNumbers(accountId: number): Promise<string[]>;
  /**
   * Records a verification and queues its SMS (or its call) in one transaction, after the checks
   * that must see the committed state: the request_id is new for the account, and the number and
   * the key are under their hourly limits.
   */
  createVerification(input: NewVerification): Promise<VerificationOutcome>;
  /**
   * In the transaction that recorded these messages as failed: the verifications they carried that
   * may fall back (type unknown, `fallback`) and were created since `createdSince` become queued
   * calls. Returns the numbers switched.
   */
  switchToVoice(
    tx: StoreTransaction,
    messageIds: readonly number[],
    now: number,
    createdSince: number,
  ): Promise<string[]>;
  /** Remembers numbers as landlines (in `tx`), so their next code goes straight to voice. */
  rememberLandlines(
    tx: StoreTransaction,
    numbers: readonly string[],
    reason: string,
    now: number,
  ): Promise<void>;
  /** Claims due calls under a lease, oldest first. */
  claimDueCalls(options: ClaimOptions): Promise<ClaimedCall[]>;
  /**
   * Moves the lease of a call this caller still holds (claimed or in call) from `from` to `to`;
   * false when the lease is no longer its own.
   */
  renewCallLease(id: number, lease: { readonly from: number; readonly to: number }): Promise<boolean>;
  /**
   * The callee answered: the call becomes `in_call` with its answered_at, which an expired lease
   * never puts back in the queue. False when this caller no longer holds the call.
   */
  markCallAnswered(id: number, callId: string, at: number, lease: number): Promise<boolean>;
  /** Records one call's outcome, if this caller still holds it (claimed or in call) under `lease`. */
  recordCall(id: number, outcome: CallOutcome, lease: number): Promise<void>;
  /** The account's verification of that request_id, or undefined (another account's is undefined too). */
  findVerification(accountId: number, requestId: string): Promise<StoredVerification | undefined>;
  /**
   * Counts one check against the code, unless the verification is spent or has `maxAttempts`
   * checks already (counted in the statement, so concurrent checks cannot exceed it). False when
   * the check was not counted.
   */
  countCheckAttempt(id: number, maxAttempts: number): Promise<boolean>;
  /** Marks the code verified, once: false when another check got there first. */
  markVerified(id: number, at: number): Promise<boolean>;
}
