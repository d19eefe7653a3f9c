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
  readonly attempts: number;
}

export type CallOutcome =
  | { readonly kind: 'placed'; readonly callId: string }
  | { readonly kind: 'failed'; readonly error: string }
  | { readonly kind: 'retry'; readonly error: string; readonly nextAttemptAt: number };

/**
 * What the verification service needs of the database (src/store/verification/verifications-repo.ts):
 * the verifications with their rate checks, the landlines learnt, and the queue of calls.
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
  /** Records one call's outcome, if this caller still holds its lease. */
  recordCall(id: number, outcome: CallOutcome, lease: number): Promise<void>;
}
