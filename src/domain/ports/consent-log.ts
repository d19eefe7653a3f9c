import type { StoreTransaction } from './transaction.js';

/**
 * Canada's anti-spam law (CASL) asks a sender to prove consent: who agreed, how, when, on what
 * evidence, and for implied consent until when. Every path that adds a contact or takes a keyword
 * opt-in or opt-out writes one entry; the log is append-only (the current state is its last entry).
 */
export type ConsentType = 'express' | 'implied';

/** How the consent (or its withdrawal) reached the account. */
export type ConsentSource = 'api' | 'import' | 'web' | 'keyword' | 'opt_out_keyword' | 'carrier' | 'operator';

/** `granted` adds consent; `withdrawn` records an unsubscribe (a STOP, a lifted contact). */
export type ConsentAction = 'granted' | 'withdrawn';

export interface ConsentEntry {
  readonly accountId: number;
  /** International digits, when the consent is for SMS. */
  readonly number: string | null;
  /** Lower-cased address, when the consent is for email. */
  readonly email: string | null;
  readonly action: ConsentAction;
  readonly type: ConsentType;
  readonly source: ConsentSource;
  /** What proves it: the keyword text received, the import's file name and row, the API key's name… */
  readonly evidence: string;
  readonly at: number;
  /** Implied consent lapses (two years after a purchase under CASL); null for express consent. */
  readonly expiresAt: number | null;
}

/** Where consent entries are written; `tx` keeps the entry in the transaction that made the change. */
export interface ConsentRecorder {
  record(entries: readonly ConsentEntry[], tx?: StoreTransaction): Promise<void>;
}

/** A logged entry, with its id (the log's order). */
export interface ConsentRecord extends ConsentEntry {
  readonly id: number;
}

/** The number or the email whose consent entries are read. */
export type ConsentSubject = { readonly number: string } | { readonly email: string };

/** The consent log's reads and the account's consent setting (get_consent, the CSV export, the CLI). */
export interface ConsentLogStore extends ConsentRecorder {
  /** The type a contact added without one gets (the account's setting; express by default). */
  defaultType(accountId: number): Promise<ConsentType>;
  setDefaultType(accountId: number, type: ConsentType): Promise<void>;
  /** The subject's entries, newest first, at most `limit`. */
  entriesOf(accountId: number, subject: ConsentSubject, limit: number): Promise<ConsentRecord[]>;
  /** The account's entries in log order after `afterId` (the export, page by page). */
  page(accountId: number, afterId: number, limit: number): Promise<ConsentRecord[]>;
}
