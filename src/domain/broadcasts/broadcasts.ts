import { broadcastNoRecipients, noSenderNumber } from '../errors.js';
import type { SmsEncoding } from '../ports/transports.js';

/**
 * Broadcasts (envois massifs, contract §7): the model and the store ports it needs
 * (src/domain/ports/broadcast-store.ts, broadcast-queue.ts), which the store implements; the error
 * texts are in the catalogue (src/domain/errors.ts).
 *
 * State machine: pending → in_progress (start_broadcast, or the scheduler at launch_date) →
 * completed (every SMS and email has a final state) | failed (a scheduled start found nobody to
 * send to). Only a pending broadcast can be modified or started; any can be deleted.
 */

export type BroadcastStatus = 'pending' | 'in_progress' | 'completed' | 'failed';

/** The `error` stored with a scheduled broadcast that found nobody: start_broadcast's own refusal. */
export const NO_RECIPIENTS_REASON = broadcastNoRecipients().message;
/** The error of a scheduled broadcast that had SMS to send and no sender number. */
export const NO_SENDER_REASON = noSenderNumber().message;

/** The six texts of a broadcast; a text never set (or set empty) is null. */
export interface BroadcastTexts {
  readonly frMessage: string | null;
  readonly enMessage: string | null;
  readonly frSubject: string | null;
  readonly enSubject: string | null;
  readonly frEmail: string | null;
  readonly enEmail: string | null;
}

export const TEXT_FIELDS = [
  'frMessage',
  'enMessage',
  'frSubject',
  'enSubject',
  'frEmail',
  'enEmail',
] as const;

/** A broadcast as stored (never a deleted one). */
export interface Broadcast {
  readonly id: number;
  readonly accountId: number;
  readonly name: string;
  readonly texts: BroadcastTexts;
  readonly status: BroadcastStatus;
  /** Requested start while pending (null: waits for start_broadcast), actual start once started. */
  readonly launchDate: number | null;
  /** The IANA zone launch_date was given in (extension `launch_timezone`); null: UTC. */
  readonly launchTimeZone: string | null;
  /** The sender chosen by post_broadcast's `from` (null: the account's first), the one used once started. */
  readonly fromNumber: string | null;
  readonly endDate: number | null;
  /** Names of the targeted groups, in the order given. */
  readonly groupNames: readonly string[];
  /** SMS and email recipients counted at start (0 before). */
  readonly smsTotal: number;
  readonly emailTotal: number;
  /** A commercial message (CASL): gets the account's sender identification when it is on. Absent: true. */
  readonly commercial?: boolean;
}

/** What a broadcast's messages and emails have become so far, counted from their rows. */
export interface BroadcastCounters {
  /** Handed to the carrier: sent, delivered, or failed after being sent. */
  readonly sent: number;
  readonly delivered: number;
  readonly failed: number;
  readonly emailSent: number;
  readonly emailFailed: number;
}

export const ZERO_COUNTERS: BroadcastCounters = {
  sent: 0,
  delivered: 0,
  failed: 0,
  emailSent: 0,
  emailFailed: 0,
};

/** One outbound SMS of a broadcast, for the `list` of get_broadcast(s). */
export interface BroadcastMessage {
  readonly id: number;
  readonly fromNumber: string;
  readonly toNumber: string;
  readonly body: string;
  readonly partCount: number;
  readonly status: string;
  readonly detailedStatus: string | null;
  readonly createdAt: number;
  readonly doneAt: number | null;
}

/** The editable part of a broadcast, validated. */
export interface BroadcastDraft {
  readonly name: string;
  readonly groupIds: readonly number[];
  readonly texts: BroadcastTexts;
  readonly launchDate: number | null;
  readonly launchTimeZone: string | null;
  /** One of the account's sender numbers, or null for its first. */
  readonly fromNumber: string | null;
  /** CASL: whether the account's footer is appended; undefined keeps it (a new broadcast: true). */
  readonly commercial?: boolean;
}

/** A modification: groupIds null keeps the current groups. */
export interface BroadcastUpdate extends Omit<BroadcastDraft, 'groupIds'> {
  readonly groupIds: readonly number[] | null;
}

/**
 * A contact as a broadcast sees it (also a recipient of the snapshot). `number` and `email` are
 * where it is sent (null: no SMS, no email); `contactNumber` and `contactEmail` are the contact's
 * own, which the merge fields show whatever the channels (contract §7).
 */
export interface RecipientContact {
  readonly contactId: number;
  readonly number: string | null;
  readonly email: string | null;
  readonly contactNumber: string | null;
  readonly contactEmail: string | null;
  readonly name: string;
  readonly description: string;
  readonly language: string;
}

/** The contact a test_broadcast names, with what decides whether it may be sent to. */
export interface TestContact extends RecipientContact {
  readonly isBlocked: boolean;
  readonly isSuppressed: boolean;
}

/** How a `contact` or group reference is looked up. */
export type ContactLookup =
  { readonly id: number } | { readonly number: string } | { readonly email: string };
export type GroupLookup = { readonly id: number } | { readonly name: string };

/** An SMS ready to insert, rendered for one recipient. */
export interface QueuedSms {
  readonly contactId: number;
  readonly to: string;
  readonly body: string;
  readonly partCount: number;
  readonly encoding: SmsEncoding;
  /** Set when the recipient cannot be sent this message: stored as failed, never dispatched. */
  readonly failure: string | null;
}

/** An email ready to insert, rendered for one recipient (`body` is the HTML version, format htm). */
export interface QueuedEmail {
  readonly contactId: number;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
}

/** What a start did: started (with its totals), nothing (not pending any more), or no recipient. */
export type StartOutcome =
  | { readonly kind: 'started'; readonly smsTotal: number; readonly emailTotal: number }
  | { readonly kind: 'not_pending' }
  | { readonly kind: 'no_recipients' }
  /** SMS to send and no sender number to send them from (contract §3.1: `from` is digits). */
  | { readonly kind: 'no_sender' };

/** How a start is made: by start_broadcast now, or by the scheduler at launch_date. */
export interface StartOptions {
  readonly now: number;
  /** The From address when the account has none of its own. */
  readonly defaultMailFrom: string;
  /**
   * true for the scheduler: start only when launch_date is due, and with nobody to send to
   * record the broadcast as failed instead of leaving it pending.
   */
  readonly scheduled: boolean;
}

/** Parses an id parameter; anything that is not a positive whole number matches no row. */
export function parseBroadcastId(raw: string): number | undefined {
  const trimmed = raw.trim();
  return /^\d{1,15}$/.test(trimmed) && Number(trimmed) > 0 ? Number(trimmed) : undefined;
}
