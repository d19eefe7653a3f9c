import type { ContactSearch } from '../contacts/contact-search.js';

/** One thread of the inbox: a correspondent number and its latest message. */
export interface Thread {
  readonly number: string;
  readonly contactName: string | null;
  readonly lastMessageId: number;
  readonly lastAt: number;
  /** Inbound messages since someone last opened the thread. */
  readonly unread: number;
  readonly lastDirection: 'mo' | 'mt';
  readonly lastBody: string;
  readonly lastStatus: string;
}

/** A message of a conversation, either direction. */
export interface ConversationMessage {
  readonly id: number;
  readonly direction: 'mo' | 'mt';
  readonly body: string;
  /** mt: queued, sending, sent, delivered, failed, cancelled; mo: received. */
  readonly status: string;
  /** The receipt's `<stat>_<err>` (contract §6), when one arrived. */
  readonly detailedStatus: string | null;
  /** Why the carrier refused it (no receipt). */
  readonly error: string | null;
  readonly createdAt: number;
  /** mo: it matched one of the account's keywords (the row's `is_kw`). */
  readonly isKeyword: boolean;
}

/** Who a thread is with, and whether the account may still write to them. */
export interface Correspondent {
  readonly number: string;
  readonly contactId: number | null;
  readonly contactName: string | null;
  /** The contact is blocked (by STOP or by someone of the account). */
  readonly blocked: boolean;
  /** The number sent an opt-out keyword (it is on the suppression list): why it is blocked. */
  readonly optedOut: boolean;
}

export interface ThreadQuery {
  readonly accountId: number;
  /** Threads whose latest message id is below this one (the next page). */
  readonly before?: number;
  /** Only these numbers (a search by name or text found them). */
  readonly numbers?: readonly string[];
  /** Only numbers starting with this (a search by number). */
  readonly numberPrefix?: string;
  readonly limit: number;
}

/** What the inbox reads; threads are kept by the store itself as messages are inserted. */
export interface InboxStore {
  /** Threads, latest message first. */
  listThreads(query: ThreadQuery): Promise<Thread[]>;
  /** A number's messages in the account, newest first (time, then id), older than message `before` when given. */
  threadMessages(
    accountId: number,
    number: string,
    before: number | undefined,
    limit: number,
  ): Promise<ConversationMessage[]>;
  /** The thread's correspondent; undefined when the account has no thread with that number. */
  correspondent(accountId: number, number: string): Promise<Correspondent | undefined>;
  /** Someone opened the thread: its inbound messages are read. */
  markRead(accountId: number, number: string): Promise<void>;
  /** Numbers of the account's contacts whose name matches (at most `limit`). */
  numbersByName(
    accountId: number,
    search: Extract<ContactSearch, { kind: 'name' }>,
    limit: number,
  ): Promise<string[]>;
  /**
   * Correspondents of the account's latest `scanned` messages whose text contains `text` (any case):
   * a bounded scan, not a full-text index (one would cost every send an index update).
   */
  numbersByText(accountId: number, text: string, scanned: number, limit: number): Promise<string[]>;
}
