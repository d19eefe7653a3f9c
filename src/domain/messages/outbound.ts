import type { SmsEncoding } from '../ports/transports.js';

/**
 * The outbound path's model and the store interface the API edge needs (send, get_feed, send_email,
 * send_verification). The SQL lives in src/store/ (OutboundRepo) and is wired in main.ts.
 */

/** One `send`, validated and with its parts counted. */
export interface SendCommand {
  readonly accountId: number;
  readonly to: string;
  /** The sender asked for, or undefined for the account's first sender number. */
  readonly from: string | undefined;
  readonly body: string;
  readonly partCount: number;
  readonly encoding: SmsEncoding;
  readonly idempotencyKey: string | undefined;
  readonly acceptedAt: number;
}

export type SendOutcome =
  | {
      readonly kind: 'queued' | 'replayed';
      readonly id: number;
      readonly partCount: number;
      readonly encoding: string;
    }
  | { readonly kind: 'blocked' }
  | { readonly kind: 'unknown_sender' };

/** An outbound SMS to queue: what `send`, a verification, a broadcast or an opt-out confirmation writes. */
export interface NewOutboundMessage {
  readonly accountId: number;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly partCount: number;
  readonly encoding: SmsEncoding;
  readonly contactId: number | null;
  readonly broadcastId?: number | null;
  /** 0 = single sends and verification codes, 1 = bulk. */
  readonly priority: number;
  readonly idempotencyKey?: string | null;
  readonly acceptedAt: number;
}

/** A message as the feed shows it, with what status_mt is written from. */
export interface FeedRow {
  readonly id: number;
  readonly direction: 'mo' | 'mt';
  readonly from_number: string;
  readonly to_number: string;
  readonly body: string;
  readonly created_at: number;
  readonly part_count: number;
  readonly status: string;
  readonly detailed_status: string | null;
}

export interface FeedFilter {
  readonly accountId: number;
  readonly direction: 'mo' | 'mt' | 'all';
  readonly startAt: number;
  readonly sinceId: number | undefined;
  readonly limit: number;
}

export interface NewEmail {
  readonly accountId: number;
  /** api | broadcast | import_report */
  readonly kind: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly format: 'text' | 'htm';
  readonly contactId?: number | null;
  readonly broadcastId?: number | null;
  readonly acceptedAt: number;
}

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
    { from: string; body: string; partCount: number; encoding: SmsEncoding; fallback: boolean } | undefined;
}

export type VerificationOutcome = 'created' | 'request_id_used' | 'rate_limited';

export interface OutboundStore {
  /**
   * Writes a send as `queued` — with the sender, blocked-recipient and idempotency checks, in the same
   * transaction — and resolves once it is committed.
   */
  enqueueSend(command: SendCommand): Promise<SendOutcome>;
  /** One page of an account's feed, oldest first (created_at, id). */
  listFeed(filter: FeedFilter): Promise<FeedRow[]>;
  /** Queues an outbound email; returns its id. */
  queueEmail(email: NewEmail): Promise<number>;
  /** The account's sender numbers, the first being the default. */
  senderNumbers(accountId: number): Promise<string[]>;
  /** A number learnt (or configured) to take no SMS. */
  isKnownLandline(number: string): Promise<boolean>;
  /** Records a verification and queues its SMS or call, after the request_id and rate checks. */
  createVerification(input: NewVerification): Promise<VerificationOutcome>;
}
