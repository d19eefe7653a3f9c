import type { Language } from '../contacts/address-book.js';
import type { MessageFields, NewOutboundMessage } from '../messages/outbound.js';
import type { StoreTransaction } from './transaction.js';

/** An MO message to store for the account it was addressed to. */
export interface NewInboundMessage extends MessageFields {
  readonly receivedAt: number;
  /** It matched one of the account's keywords (the rows' `is_kw`). */
  readonly isKw?: boolean;
}

/** An MO message addressed to no account's sender number. */
export interface UnroutedSms {
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly partCount: number;
  readonly receivedAt: number;
}

/** The number an opt-out keyword came from, in its account. */
export interface OptOutSubject {
  readonly accountId: number;
  readonly number: string;
  readonly now: number;
  /** The keyword's text as received: the suppression history's reason. */
  readonly keyword?: string;
}

/** A contact an opt-out keyword blocked or unblocked, with the language to confirm in. */
export interface OptOutContact {
  readonly contactId: number;
  readonly language: Language;
}

/** STOP's contact, and the broadcasts whose queued messages to it were cancelled. */
export interface OptedOutContact extends OptOutContact {
  readonly cancelledBroadcastIds: readonly number[];
}

/**
 * What the inbound service needs of the store. A received message, its keyword's effects and its
 * confirmation are written in one transaction (`transaction`): the carrier is acknowledged only
 * after it commits, so a keyword is never applied by half. Methods taking `tx` write in it.
 */
export interface InboundStore {
  /** The account that sends from `number` (a long or short code), if any. */
  accountOfSender(number: string): Promise<number | undefined>;
  /** Keeps an SMS addressed to no account; returns its id. */
  keepUnrouted(sms: UnroutedSms): Promise<number>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** The account's default language, for answering a number it has no contact for. */
  accountLanguage(tx: StoreTransaction, accountId: number): Promise<Language>;
  /**
   * STOP: the number goes on the account's suppression list and its contact is blocked (created,
   * blocked, when there was none); the contact's broadcast messages still queued are cancelled.
   */
  optOut(
    tx: StoreTransaction,
    subject: OptOutSubject & { readonly language: Language },
  ): Promise<OptedOutContact>;
  /** START: the number leaves the suppression list and its contact, if any, is unblocked. */
  optIn(tx: StoreTransaction, subject: OptOutSubject): Promise<OptOutContact | undefined>;
  /** The account's contact with this number, if any. */
  contactIdByNumber(tx: StoreTransaction, accountId: number, number: string): Promise<number | null>;
  /** Stores an MO message; returns its id (its msg_id). */
  insertInbound(tx: StoreTransaction, sms: NewInboundMessage): Promise<number>;
  /** Queues an SMS as it is (no send checks); returns its id. */
  queueMessage(tx: StoreTransaction, message: NewOutboundMessage): Promise<number>;
}
