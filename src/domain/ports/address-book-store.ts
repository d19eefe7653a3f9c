/**
 * What the address book needs from the database, defined here and implemented in
 * src/store/contacts/address-book-repo.ts (wired in the composition root). Writes that would break a
 * per-account uniqueness rule reject with UniqueViolation.
 */
import type { Contact, ContactFields, ContactKey, Group, GroupKey } from '../contacts/address-book.js';

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
