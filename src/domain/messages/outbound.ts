import type { SmsEncoding } from '../ports/transports.js';
import { segmentMessage } from '../sms/segments.js';

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
  | { readonly kind: 'unknown_sender' }
  | { readonly kind: 'no_sender' };

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

/**
 * The automatic answer to an inbound SMS (an opt-out confirmation, a keyword's auto-reply): from
 * the number it was sent to, back to its sender, ahead of bulk traffic.
 */
export function replyMessage(
  inbound: { readonly accountId: number; readonly from: string; readonly to: string },
  body: string,
  contactId: number | null,
  at: number,
): NewOutboundMessage {
  const { parts, encoding } = segmentMessage(body);
  return {
    accountId: inbound.accountId,
    from: inbound.to,
    to: inbound.from,
    body,
    partCount: parts.length,
    encoding,
    contactId,
    priority: 0,
    acceptedAt: at,
  };
}
