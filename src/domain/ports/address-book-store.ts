/**
 * What the address book needs from the database, defined here and implemented in
 * src/store/contacts/address-book-repo.ts (wired in the composition root). Writes that would break a
 * per-account uniqueness rule reject with UniqueViolation.
 */
import type {
  Contact,
  ContactFields,
  ContactKey,
  Group,
  GroupKey,
  GroupSummary,
} from '../contacts/address-book.js';
import type { ContactSearch } from '../contacts/contact-search.js';
import type { StoreTransaction } from './transaction.js';

/** Which contacts a list shows: all of them, or those a search, a group or the blocked tag select. */
export interface ContactFilter {
  readonly search?: ContactSearch;
  /** Members of this user group (not a system group: Tous is everyone, Blocked is `blocked: true`). */
  readonly groupId?: number;
  readonly blocked?: boolean;
}

/** A keyset position: the contacts after an id (the next page) or before one (the previous page). */
export type ContactCursor = { readonly after: number } | { readonly before: number };

export interface AddressBookStore {
  findContact(accountId: number, key: ContactKey): Promise<Contact | undefined>;
  /**
   * Inserts a contact; `alsoWrite`, when given, runs in the same transaction (the contact's consent
   * entry): both are written or neither.
   */
  insertContact(
    accountId: number,
    fields: ContactFields,
    now: number,
    alsoWrite?: (tx: StoreTransaction) => Promise<void>,
  ): Promise<Contact>;
  /** Updates a contact; `alsoWrite`, when given, runs in the same transaction (a new address's consent). */
  updateContact(
    accountId: number,
    id: number,
    fields: ContactFields,
    alsoWrite?: (tx: StoreTransaction) => Promise<void>,
  ): Promise<Contact>;
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
  /**
   * Up to `limit` contacts matching `filter` on one side of `cursor`, always in ascending id order
   * (before a cursor: the `limit` closest to it). Uses indexes whatever the account's size: no OFFSET,
   * no count.
   */
  listContacts(
    accountId: number,
    filter: ContactFilter,
    cursor: ContactCursor,
    limit: number,
  ): Promise<Contact[]>;
  /** The account's contacts among `ids` (others' ids and unknown ids are simply absent). */
  findContactsByIds(accountId: number, ids: readonly number[]): Promise<Contact[]>;
  /** Every group of the account with its member count, system groups first. */
  listGroupSummaries(accountId: number): Promise<GroupSummary[]>;
  /** One page of a group's members in id order, after `afterId`. */
  membersPage(accountId: number, group: Group, afterId: number, limit: number): Promise<Contact[]>;
}
