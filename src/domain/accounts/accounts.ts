/**
 * The accounts model: who calls the API (an account, through one of its keys) and from which numbers
 * it sends. The SQL behind it lives in src/store/accounts/; its people are in domain/users/.
 */
import type { Language } from '../contacts/address-book.js';
import type { QuietWindow } from '../broadcasts/quiet-hours.js';

/** An account's own request limits (rate-limits.ts); null fields take the platform's default. */
export interface AccountLimits {
  readonly perMinute: number | null;
  readonly perDay: number | null;
}

/** A customer of the platform: every request, contact and message belongs to exactly one. */
export interface Account {
  readonly id: number;
  readonly name: string;
  /** The language of a contact created without one. */
  readonly defaultLanguage: Language;
  /** ISO 3166 code used to read national phone numbers (`514…` is Canadian for `CA`). */
  readonly defaultCountry: string;
  /** From address of the account's email; null uses the platform's MAIL_FROM. */
  readonly mailFrom: string | null;
  /** Feeds and broadcast details show the carrier's detailed status (the source's per-account flag). */
  readonly detailedStatus: boolean;
  readonly createdAt: number;
  /** Its own request limits (`vudumobile account limits`); null fields take the platform's defaults. */
  readonly limits: AccountLimits;
  /** When its broadcast SMS wait, in each recipient's local time (null: never). */
  readonly quietHours: QuietWindow | null;
  /** IANA zone of a recipient whose area code tells none (quiet hours). */
  readonly timeZone: string;
}

export interface NewAccount {
  readonly name: string;
  readonly defaultLanguage: Language;
  readonly defaultCountry: string;
  readonly mailFrom: string | null;
  /** Sender numbers (long or short codes) as stored: the first is the default From. */
  readonly senders: readonly string[];
  /**
   * Its quiet hours. AccountsService gives an account created without them DEFAULT_QUIET_HOURS;
   * the store writes none when absent (test and bench factories, which run at any hour).
   */
  readonly quietHours?: QuietWindow | null;
}

/** An API key as stored: only its hash and its masked form, never the key itself. */
export interface ApiKey {
  readonly id: number;
  readonly accountId: number;
  /** What the account calls it (the Developers page); empty for keys made by the CLI or the first start. */
  readonly name: string;
  /** SHA-256 of the key, hex. */
  readonly keyHash: string;
  /** First 6, `*****`, last 5: what the firewall's error text shows. */
  readonly masked: string;
  /** IP addresses and CIDR ranges allowed to use the key; empty denies every address. */
  readonly allowedIps: readonly string[];
  readonly createdAt: number;
  readonly revokedAt: number | null;
}
