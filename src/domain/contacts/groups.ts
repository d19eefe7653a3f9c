import { UniqueViolation, type Contact, type Group, type GroupKey } from './address-book.js';
import type { AddressBookStore } from '../ports/address-book-store.js';
import { findContactByRef, parseId, type AccountScope } from './contacts.js';
import {
  contactAndGroupRequired,
  groupDoesNotExist,
  groupExists,
  groupNameTooLong,
  groupNotFound,
  missingParameter,
  namedContactNotFound,
  systemGroupNotDeletable,
  systemGroupNotModifiable,
} from '../errors.js';

/** An all-digits `group` parameter is an id, anything else a name (case-insensitive). */
export function groupKey(raw: string): GroupKey {
  const value = raw.trim();
  return /^\d+$/.test(value) ? { id: parseId(value) ?? 0 } : { name: value };
}

export async function requireGroup(
  store: AddressBookStore,
  accountId: number,
  raw: string | undefined,
): Promise<Group> {
  if (raw === undefined || raw.trim() === '') throw missingParameter('group');
  const group = await store.findGroup(accountId, groupKey(raw));
  if (!group) throw groupNotFound();
  return group;
}

function validName(raw: string | undefined): string {
  const name = raw?.trim() ?? '';
  if (name === '') throw missingParameter('group_name');
  // A name may be all digits (a station's "1035"): contract §5 reads a `group` *parameter* of digits
  // as an id, so such a group is addressed by its id, as every group can be.
  if (name.length > 100) throw groupNameTooLong();
  return name;
}

const mapUnique = (error: unknown): never => {
  if (error instanceof UniqueViolation) throw groupExists();
  throw error;
};

/** post_group: add with `group_name`; rename with `group_id` + `group_name`. */
export async function saveGroup(
  store: AddressBookStore,
  accountId: number,
  params: { group_id?: string; group_name?: string },
  now: number,
): Promise<Group> {
  const name = validName(params.group_name);
  if (params.group_id === undefined || params.group_id.trim() === '') {
    if (await store.findGroup(accountId, { name })) throw groupExists();
    return store.insertGroup(accountId, name, now).catch(mapUnique);
  }
  const id = parseId(params.group_id);
  const group = id === undefined ? undefined : await store.findGroup(accountId, { id });
  if (!group) throw groupDoesNotExist();
  if (group.systemKind !== null) throw systemGroupNotModifiable();
  const other = await store.findGroup(accountId, { name });
  if (other && other.id !== group.id) throw groupExists();
  return store.renameGroup(accountId, group.id, name).catch(mapUnique);
}

async function resolveMembership(
  store: AddressBookStore,
  scope: AccountScope,
  params: { group?: string; contact?: string },
): Promise<{ group: Group; contact: Contact }> {
  if (!params.group?.trim() || !params.contact?.trim()) throw contactAndGroupRequired();
  const contact = await findContactByRef(store, scope, params.contact);
  if (!contact) throw namedContactNotFound();
  const group = await store.findGroup(scope.id, groupKey(params.group));
  if (!group) throw groupNotFound();
  return { group, contact };
}

/** Adds a contact to a group: idempotent. Tous already holds everyone; adding to Blocked blocks. */
export async function addMember(
  store: AddressBookStore,
  accountId: number,
  group: Group,
  contact: Contact,
  now: number,
): Promise<void> {
  if (group.systemKind === 'all') return;
  if (group.systemKind === 'blocked') return store.setBlocked(accountId, contact.id, true);
  await store.addMember(group.id, contact.id, now);
}

/** Removes a contact from a group: fine when not a member; removing from Blocked unblocks; Tous refuses. */
export async function removeMember(
  store: AddressBookStore,
  accountId: number,
  group: Group,
  contact: Contact,
): Promise<void> {
  if (group.systemKind === 'all') throw systemGroupNotModifiable();
  if (group.systemKind === 'blocked') return store.setBlocked(accountId, contact.id, false);
  await store.removeMember(group.id, contact.id);
}

/** add_group_contact. */
export async function addToGroup(
  store: AddressBookStore,
  scope: AccountScope,
  params: { group?: string; contact?: string },
  now: number,
): Promise<void> {
  const { group, contact } = await resolveMembership(store, scope, params);
  await addMember(store, scope.id, group, contact, now);
}

/** delete_group_contact. */
export async function removeFromGroup(
  store: AddressBookStore,
  scope: AccountScope,
  params: { group?: string; contact?: string },
): Promise<void> {
  const { group, contact } = await resolveMembership(store, scope, params);
  await removeMember(store, scope.id, group, contact);
}

/** delete_group: the contacts stay; system groups refuse. */
export async function deleteGroup(
  store: AddressBookStore,
  accountId: number,
  raw: string | undefined,
): Promise<void> {
  const group = await requireGroup(store, accountId, raw);
  if (group.systemKind !== null) throw systemGroupNotDeletable();
  await store.deleteGroup(accountId, group.id);
}
