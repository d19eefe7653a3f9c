/**
 * The address book's model: contacts and groups. The domain speaks in these types; the store behind
 * them is the AddressBookStore port (domain/ports/address-book-store.ts), implemented in src/store/.
 */

export type Language = 'fr' | 'en';

export interface Contact {
  readonly id: number;
  readonly number: string | null;
  readonly email: string | null;
  readonly name: string;
  readonly description: string;
  readonly language: Language;
  readonly userId: number;
  readonly isBlocked: boolean;
  readonly createdAt: number;
  /** Its IANA zone for quiet hours, over its number's area code (null: none). */
  readonly timeZone: string | null;
}

export type SystemGroupKind = 'all' | 'blocked';

export interface Group {
  readonly id: number;
  readonly name: string;
  /** 'all' is Tous (every contact), 'blocked' is Blocked (is_blocked contacts); null for a user's group. */
  readonly systemKind: SystemGroupKind | null;
  /** null for the system groups (the source dates them 0000-00-00 00:00:00). */
  readonly createdAt: number | null;
}

/** A group with its member count (kept by the store as members come and go, never counted per view). */
export interface GroupSummary extends Group {
  readonly memberCount: number;
}

export interface ContactFields {
  readonly number: string | null;
  readonly email: string | null;
  readonly name: string;
  readonly description: string;
  readonly language: Language;
  readonly userId: number;
  readonly timeZone: string | null;
}

/** How a contact is looked up. */
export type ContactKey = { readonly id: number } | { readonly number: string } | { readonly email: string };

/** How a group is looked up: an all-digits parameter is an id, anything else a name (case-insensitive). */
export type GroupKey = { readonly id: number } | { readonly name: string };

/** Thrown by the store when a write would break a per-account uniqueness rule. */
export class UniqueViolation extends Error {
  constructor(readonly field: 'number' | 'email' | 'group_name') {
    super(`unique violation on ${field}`);
    this.name = 'UniqueViolation';
  }
}
