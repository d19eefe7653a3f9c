import type { AddressBookStore } from '../ports/address-book-store.js';
import type { Contact, Group } from './address-book.js';
import { contactKeyRequired, contactReferenceRequired } from '../errors.js';
import {
  addContact,
  modifyContact,
  requireContact,
  type AccountScope,
  type ContactParams,
} from './contacts.js';
import { addToGroup, deleteGroup, removeFromGroup, requireGroup, saveGroup } from './groups.js';

/** The `group` and `contact` parameters of add_group_contact and delete_group_contact. */
export interface MembershipParams {
  readonly group?: string;
  readonly contact?: string;
}

/**
 * The address book of an account (contract §4 contacts, §5 groups): what the HTTP edge calls, and
 * the web platform will. The rules are in contacts.ts and groups.ts; the store is behind the
 * AddressBookStore port.
 */
export class AddressBookService {
  constructor(
    private readonly store: AddressBookStore,
    private readonly now: () => number,
  ) {}

  /** get_contact: one contact by id, number or email (the first present wins), with its groups. */
  async getContact(
    scope: AccountScope,
    params: ContactParams,
  ): Promise<{ contact: Contact; groups: Group[] }> {
    const contact = await requireContact(this.store, scope, params, contactKeyRequired);
    return { contact, groups: await this.store.groupsOfContact(scope.id, contact) };
  }

  /** post_contact: adds a contact, or with `id` modifies one (only the parameters sent change). */
  saveContact(scope: AccountScope, params: ContactParams): Promise<Contact> {
    return params.id !== undefined && params.id !== ''
      ? modifyContact(this.store, scope, { ...params, id: params.id })
      : addContact(this.store, scope, params, this.now());
  }

  /** delete_contact: by id, number or email; its past messages stay. */
  async deleteContact(scope: AccountScope, params: ContactParams): Promise<void> {
    const contact = await requireContact(this.store, scope, params, contactReferenceRequired);
    await this.store.deleteContact(scope.id, contact.id);
  }

  /** Every group of the account, system groups first. */
  listGroups(accountId: number): Promise<Group[]> {
    return this.store.listGroups(accountId);
  }

  /** A group by its `group` parameter (all digits: an id; otherwise a name, case-insensitive). */
  findGroup(accountId: number, raw: string | undefined): Promise<Group> {
    return requireGroup(this.store, accountId, raw);
  }

  /** One page of a group's members in id order, after `afterId`: large groups are read page by page. */
  membersPage(accountId: number, group: Group, afterId: number, limit: number): Promise<Contact[]> {
    return this.store.membersPage(accountId, group, afterId, limit);
  }

  /** post_group: adds a group (group_name) or renames one (group_id + group_name). */
  saveGroup(accountId: number, params: { group_id?: string; group_name?: string }): Promise<Group> {
    return saveGroup(this.store, accountId, params, this.now());
  }

  /** add_group_contact: idempotent; adding to Blocked blocks the contact. */
  addToGroup(scope: AccountScope, params: MembershipParams): Promise<void> {
    return addToGroup(this.store, scope, params, this.now());
  }

  /** delete_group_contact: removing from Blocked unblocks the contact. */
  removeFromGroup(scope: AccountScope, params: MembershipParams): Promise<void> {
    return removeFromGroup(this.store, scope, params);
  }

  /** delete_group: its contacts are kept; system groups refuse. */
  deleteGroup(accountId: number, raw: string | undefined): Promise<void> {
    return deleteGroup(this.store, accountId, raw);
  }
}
