import type { GroupKey, Language } from '../contacts/address-book.js';
import type { Keyword, KeywordCounts, KeywordEntry, KeywordFields } from '../keywords/keywords.js';
import type { NewOutboundMessage } from '../messages/outbound.js';
import type { StoreTransaction } from './transaction.js';

/** A group a keyword may name, with what tells a system group. */
export interface KeywordGroup {
  readonly id: number;
  readonly name: string;
  readonly systemKind: 'all' | 'blocked' | null;
}

/** The keywords' management (post_keyword, get_keywords…, the CLI). Ids of another account are not found. */
export interface KeywordStore {
  listKeywords(accountId: number): Promise<Keyword[]>;
  findKeyword(accountId: number, id: number): Promise<Keyword | undefined>;
  insertKeyword(accountId: number, fields: KeywordFields, now: number): Promise<Keyword>;
  updateKeyword(accountId: number, id: number, fields: KeywordFields, now: number): Promise<Keyword>;
  /** True when the account had it; its entries and reply records go with it. */
  deleteKeyword(accountId: number, id: number): Promise<boolean>;
  senderNumbers(accountId: number): Promise<string[]>;
  findGroup(accountId: number, key: GroupKey): Promise<KeywordGroup | undefined>;
  counts(keywordId: number): Promise<KeywordCounts>;
  /** A contest's entries in the order they came. */
  listEntries(keywordId: number): Promise<KeywordEntry[]>;
  /** How many entries were never drawn. */
  countUndrawn(keywordId: number): Promise<number>;
  /** The undrawn entry at `offset` in id order, if it is still there. */
  undrawnAt(keywordId: number, offset: number): Promise<KeywordEntry | undefined>;
  /** Marks an entry drawn unless it already was (two draws at once pick different winners). */
  markDrawn(entryId: number, now: number): Promise<boolean>;
}

/** The number a keyword message came from, as the account knows it. */
export interface KeywordSender {
  readonly contactId: number | null;
  readonly language: Language | null;
  /** A blocked contact or a number on the suppression list: no reply, no group, no consent. */
  readonly blocked: boolean;
}

/**
 * What a keyword message does in the reception transaction (InboundService's): every method writes
 * or reads in `tx`, so a match, its entry, its reply and its group are committed with the message.
 */
export interface KeywordInboundStore {
  /** The account's keywords (the few an account defines: matched in the domain). */
  keywordsOf(tx: StoreTransaction, accountId: number): Promise<Keyword[]>;
  sender(tx: StoreTransaction, accountId: number, number: string): Promise<KeywordSender>;
  accountLanguage(tx: StoreTransaction, accountId: number): Promise<Language>;
  /**
   * The number becomes (or stays) a contact, member of `groupId` when one is given (null: the
   * contact only, as for Tous); returns the contact's id and language.
   */
  joinGroup(
    tx: StoreTransaction,
    join: {
      readonly accountId: number;
      readonly number: string;
      readonly language: Language;
      readonly groupId: number | null;
      readonly now: number;
    },
  ): Promise<{ readonly contactId: number; readonly language: Language }>;
  countMatch(tx: StoreTransaction, keywordId: number): Promise<void>;
  /** A contest entry; false when the number had already entered. */
  addEntry(
    tx: StoreTransaction,
    entry: {
      readonly keywordId: number;
      readonly number: string;
      readonly language: Language;
      readonly messageId: number;
      readonly now: number;
    },
  ): Promise<boolean>;
  /** Auto-replies of this keyword to this number since `since`. */
  repliesSince(tx: StoreTransaction, keywordId: number, number: string, since: number): Promise<number>;
  /** Queues the reply and records it against the inbound message (unique: one reply per MO). */
  queueReply(
    tx: StoreTransaction,
    reply: NewOutboundMessage,
    record: { readonly keywordId: number; readonly inboundId: number },
  ): Promise<number>;
}
