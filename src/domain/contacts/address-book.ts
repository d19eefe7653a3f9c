/**
 * The address book's model and the store interface it needs. The domain speaks in these types; the
 * SQL behind them lives in src/store/ and is wired in main.ts.
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

export interface ContactFields {
  readonly number: string | null;
  readonly email: string | null;
  readonly name: string;
  readonly description: string;
  readonly language: Language;
  readonly userId: number;
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

export interface AddressBookStore {
  findContact(accountId: number, key: ContactKey): Promise<Contact | undefined>;
  insertContact(accountId: number, fields: ContactFields, now: number): Promise<Contact>;
  updateContact(accountId: number, id: number, fields: ContactFields): Promise<Contact>;
  deleteContact(accountId: number, id: number): Promise<boolean>;
  setBlocked(accountId: number, id: number, blocked: boolean): Promise<void>;

  listGroups(accountId: number): Promise<Group[]>;
  findGroup(accountId: number, key: GroupKey): Promise<Group | undefined>;
  insertGroup(accountId: number, name: string, now: number): Promise<Group>;
  renameGroup(accountId: number, id: number, name: string): Promise<Group>;
  deleteGroup(accountId: number, id: number): Promise<void>;
  addMember(groupId: number, contactId: number, now: number): Promise<void>;
  removeMember(groupId: number, contactId: number): Promise<void>;
  /** The groups a contact belongs to: Tous, Blocked when blocked, then its groups by id. */
  groupsOfContact(accountId: number, contact: Contact): Promise<Group[]>;
  /** One page of a group's members in id order, after `afterId`. */
  membersPage(accountId: number, group: Group, afterId: number, limit: number): Promise<Contact[]>;
}
