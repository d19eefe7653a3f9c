import type { SmsEncoding } from '../ports/transports.js';

/**
 * The outbound path's model: sends, feed rows, emails and verifications as the services and their
 * store ports exchange them. The SQL lives in src/store/ (OutboundRepo) and is wired in main.ts.
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

/** What every stored SMS has, sent (MT) or received (MO). */
export interface MessageFields {
  readonly accountId: number;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly partCount: number;
  readonly encoding: SmsEncoding;
  readonly contactId: number | null;
}

/** An outbound SMS to queue: what `send`, a verification, a broadcast or an opt-out confirmation writes. */
export interface NewOutboundMessage extends MessageFields {
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

/**
 * What send_verification still asks of the store directly (its service and port come with the
 * verification work). send, get_feed and send_email go through MessagingService and its
 * MessagesStore port (domain/ports/messages-store.ts).
 */
export interface OutboundStore {
  /** The account's sender numbers, the first being the default. */
  senderNumbers(accountId: number): Promise<string[]>;
  /** A number learnt (or configured) to take no SMS. */
  isKnownLandline(number: string): Promise<boolean>;
  /** Records a verification and queues its SMS or call, after the request_id and rate checks. */
  createVerification(input: NewVerification): Promise<VerificationOutcome>;
}
