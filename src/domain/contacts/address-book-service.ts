import type { AddressBookStore, ContactCursor, ContactFilter } from '../ports/address-book-store.js';
import type { ConsentOrigin } from '../consent/consent.js';
import type { StoreTransaction } from '../ports/transaction.js';
import type { ConsentService, ContactConsentParams } from '../consent/consent-service.js';
import type { Contact, Group, GroupSummary } from './address-book.js';
import { contactKeyRequired, contactNotFound, contactReferenceRequired, groupNotFound } from '../errors.js';
import { parseContactSearch, type ContactSearch } from './contact-search.js';
import {
  addContact,
  modifyContact,
  requireContact,
  type AccountScope,
  type ContactAddresses,
  type ContactParams,
} from './contacts.js';
import {
  addMember,
  addToGroup,
  deleteGroup,
  removeFromGroup,
  removeMember,
  requireGroup,
  saveGroup,
} from './groups.js';

/** The `group` and `contact` parameters of add_group_contact and delete_group_contact. */
export interface MembershipParams {
  readonly group?: string;
  readonly contact?: string;
}

/** What a contacts list shows: a search box's text, a group, the blocked tag, and a keyset position. */
export interface ContactListQuery {
  readonly q?: string;
  readonly groupId?: number;
  readonly blocked?: boolean;
  readonly cursor?: ContactCursor;
}

/** One page of a contacts list and the cursors of its neighbours (absent at either end). */
export interface ContactPage {
  readonly contacts: readonly Contact[];
  /** How the search box was read (name, number or email), when there was one. */
  readonly search?: ContactSearch;
  /** The group the list is filtered by, when there is one. */
  readonly group?: Group;
  readonly previous?: ContactCursor;
  readonly next?: ContactCursor;
}

export const CONTACT_PAGE_SIZE = 50;

/**
 * The address book of an account (contract §4 contacts, §5 groups): what the HTTP edge calls, and
 * the web platform will. The rules are in contacts.ts and groups.ts; the store is behind the
 * AddressBookStore port.
 */
export class AddressBookService {
  constructor(
    private readonly store: AddressBookStore,
    private readonly now: () => number,
    /** The CASL consent log every added contact is written to (absent in tests of the book alone). */
    private readonly consent?: ConsentService,
  ) {}

  /** get_contact: one contact by id, number or email (the first present wins), with its groups. */
  async getContact(
    scope: AccountScope,
    params: ContactParams,
  ): Promise<{ contact: Contact; groups: Group[] }> {
    const contact = await requireContact(this.store, scope, params, contactKeyRequired);
    return { contact, groups: await this.store.groupsOfContact(scope.id, contact) };
  }

  /**
   * post_contact: adds a contact, or with `id` modifies one (only the parameters sent change). The
   * consent (consent_type, else the account's default; consent_evidence) of an added contact's
   * addresses, and of a number or an email a modified contact did not have before, is logged with
   * `origin`: checked before the contact is written, logged in the same transaction.
   */
  async saveContact(
    scope: AccountScope,
    params: ContactParams & ContactConsentParams,
    origin: ConsentOrigin = { source: 'api', evidence: 'post_contact' },
  ): Promise<Contact> {
    const id = params.id === '' ? undefined : params.id;
    const log = this.consent;
    if (!log) {
      return id !== undefined
        ? modifyContact(this.store, scope, { ...params, id })
        : addContact(this.store, scope, params, this.now());
    }
    const consent = log.parseContactConsent(params);
    // Read outside the write's transaction, which then holds only the writes.
    const type = consent.type ?? (await log.defaultType(scope.id));
    const logAdded = (added: ContactAddresses, tx: StoreTransaction) =>
      log.addressesAdded(scope.id, added, { ...consent, type }, origin, tx);
    return id !== undefined
      ? modifyContact(this.store, scope, { ...params, id }, logAdded)
      : addContact(this.store, scope, params, this.now(), logAdded);
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

  /**
   * A keyset page of the account's contacts, in id order: searched by name, number or email (see
   * contact-search.ts), filtered by group and by the blocked tag. An unknown group id (another
   * account's included) is `group_not_found`.
   */
  async listContacts(
    scope: AccountScope,
    query: ContactListQuery,
    pageSize = CONTACT_PAGE_SIZE,
  ): Promise<ContactPage> {
    const search = parseContactSearch(query.q, scope.defaultCountry);
    const group = query.groupId === undefined ? undefined : await this.groupById(scope.id, query.groupId);
    const filter: ContactFilter = { search, blocked: query.blocked };
    let groupFilter: ContactFilter = {};
    if (group?.systemKind === 'blocked') {
      if (query.blocked === false) return { contacts: [], search, group };
      groupFilter = { blocked: true };
    } else if (group?.systemKind === null) groupFilter = { groupId: group.id };
    const cursor = query.cursor ?? { after: 0 };
    // One row more than the page says whether a further page exists in the direction of travel.
    const rows = await this.store.listContacts(scope.id, { ...filter, ...groupFilter }, cursor, pageSize + 1);
    const forward = 'after' in cursor;
    const more = rows.length > pageSize;
    const contacts = more ? (forward ? rows.slice(0, pageSize) : rows.slice(1)) : rows;
    const first = contacts[0];
    const last = contacts[contacts.length - 1];
    const hasPrevious = forward ? cursor.after > 0 : more;
    const hasNext = forward ? more : true;
    return {
      contacts,
      search,
      group,
      previous: hasPrevious && first ? { before: first.id } : undefined,
      next: hasNext && last ? { after: last.id } : undefined,
    };
  }

  /** Every group of the account with its member count, system groups first. */
  listGroupSummaries(accountId: number): Promise<GroupSummary[]> {
    return this.store.listGroupSummaries(accountId);
  }

  /** A group of the account by id; any other id (another account's too) is `group_not_found`. */
  async groupById(accountId: number, id: number): Promise<Group> {
    const group = await this.store.findGroup(accountId, { id });
    if (!group) throw groupNotFound();
    return group;
  }

  /** Adds several contacts to a group at once (the contacts list's selection); all or nothing. */
  async addContactsToGroup(
    scope: AccountScope,
    groupId: number,
    contactIds: readonly number[],
  ): Promise<void> {
    const group = await this.groupById(scope.id, groupId);
    const now = this.now();
    for (const contact of await this.requireContacts(scope.id, contactIds)) {
      await addMember(this.store, scope.id, group, contact, now);
    }
  }

  /** Removes several contacts from a group at once; Tous refuses, Blocked unblocks them. */
  async removeContactsFromGroup(
    scope: AccountScope,
    groupId: number,
    contactIds: readonly number[],
  ): Promise<void> {
    const group = await this.groupById(scope.id, groupId);
    for (const contact of await this.requireContacts(scope.id, contactIds)) {
      await removeMember(this.store, scope.id, group, contact);
    }
  }

  /** Blocks or unblocks several contacts at once (the same as adding them to Blocked or removing them). */
  async setContactsBlocked(
    scope: AccountScope,
    contactIds: readonly number[],
    blocked: boolean,
  ): Promise<void> {
    for (const contact of await this.requireContacts(scope.id, contactIds)) {
      if (contact.isBlocked !== blocked) await this.store.setBlocked(scope.id, contact.id, blocked);
    }
  }

  /** The account's contacts with these ids, checked before anything changes: one foreign id fails all. */
  private async requireContacts(accountId: number, ids: readonly number[]): Promise<Contact[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw contactReferenceRequired();
    const contacts = await this.store.findContactsByIds(accountId, unique);
    if (contacts.length !== unique.length) throw contactNotFound();
    return contacts;
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
