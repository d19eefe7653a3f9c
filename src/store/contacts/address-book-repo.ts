import type { Kysely, Selectable } from 'kysely';
import type { AddressBookStore } from '../../domain/ports/address-book-store.js';
import {
  UniqueViolation,
  type Contact,
  type ContactFields,
  type ContactKey,
  type Group,
  type GroupKey,
  type GroupSummary,
  type SystemGroupKind,
} from '../../domain/contacts/address-book.js';
import type { ContactCursor, ContactFilter } from '../../domain/ports/address-book-store.js';
import type { StoreTransaction } from '../../domain/ports/transaction.js';
import type { DialectName } from '../database.js';
import { toStoreTransaction, type Executor } from '../transaction.js';
import { listContactRows } from './contact-list-query.js';
import type { ContactsTable, Database, GroupsTable } from '../schema.js';
import { uniqueConstraintName } from '../unique-violation.js';

export function toContact(row: Selectable<ContactsTable>): Contact {
  return {
    id: row.id,
    number: row.number,
    email: row.email,
    name: row.name,
    description: row.description,
    language: row.language === 'en' ? 'en' : 'fr',
    userId: row.user_id,
    isBlocked: row.is_blocked === 1,
    createdAt: row.created_at,
    timeZone: row.time_zone ?? null,
  };
}

function toGroup(row: Selectable<GroupsTable>): Group {
  const kind =
    row.system_kind === 'all' || row.system_kind === 'blocked' ? (row.system_kind as SystemGroupKind) : null;
  return { id: row.id, name: row.name, systemKind: kind, createdAt: row.created_at };
}

/** System groups first (Tous, then Blocked), then the account's own. */
function groupRank(group: Group): number {
  return group.systemKind === 'all' ? 0 : group.systemKind === 'blocked' ? 1 : 2;
}

function rethrowUnique(error: unknown): never {
  const constraint = uniqueConstraintName(error);
  if (constraint !== undefined) {
    if (constraint.includes('email')) throw new UniqueViolation('email');
    if (constraint.includes('number')) throw new UniqueViolation('number');
    if (constraint.includes('name')) throw new UniqueViolation('group_name');
  }
  throw error;
}

const contactColumns = (fields: ContactFields) => ({
  number: fields.number,
  email: fields.email,
  name: fields.name,
  description: fields.description,
  language: fields.language,
  user_id: fields.userId,
  time_zone: fields.timeZone,
});

/** The address book on Kysely: every query carries the account id. */
export class AddressBookRepo implements AddressBookStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async listContacts(
    accountId: number,
    filter: ContactFilter,
    cursor: ContactCursor,
    limit: number,
  ): Promise<Contact[]> {
    const rows = await listContactRows(this.db, this.dialect, accountId, filter, cursor, limit);
    return rows.map(toContact);
  }

  async findContactsByIds(accountId: number, ids: readonly number[]): Promise<Contact[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return rows.map(toContact);
  }

  async listGroupSummaries(accountId: number): Promise<GroupSummary[]> {
    const rows = await this.db.selectFrom('groups').selectAll().where('account_id', '=', accountId).execute();
    return rows
      .map((row) => ({ ...toGroup(row), memberCount: Number(row.member_count) }))
      .sort((a, b) => groupRank(a) - groupRank(b) || a.id - b.id);
  }

  async findContact(accountId: number, key: ContactKey): Promise<Contact | undefined> {
    let query = this.db.selectFrom('contacts').selectAll().where('account_id', '=', accountId);
    if ('id' in key) query = query.where('id', '=', key.id);
    else if ('number' in key) query = query.where('number', '=', key.number);
    else query = query.where('email', '=', key.email);
    const row = await query.executeTakeFirst();
    return row && toContact(row);
  }

  async insertContact(
    accountId: number,
    fields: ContactFields,
    now: number,
    alsoWrite?: (tx: StoreTransaction) => Promise<void>,
  ): Promise<Contact> {
    const insert = (db: Executor) =>
      db
        .insertInto('contacts')
        .values({ account_id: accountId, ...contactColumns(fields), is_blocked: 0, created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(rethrowUnique);
    if (!alsoWrite) return toContact(await insert(this.db));
    const row = await this.db.transaction().execute(async (trx) => {
      const inserted = await insert(trx);
      await alsoWrite(toStoreTransaction(trx));
      return inserted;
    });
    return toContact(row);
  }

  async updateContact(
    accountId: number,
    id: number,
    fields: ContactFields,
    alsoWrite?: (tx: StoreTransaction) => Promise<void>,
  ): Promise<Contact> {
    const update = (db: Executor) =>
      db
        .updateTable('contacts')
        .set(contactColumns(fields))
        .where('account_id', '=', accountId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
        .catch(rethrowUnique);
    if (!alsoWrite) return toContact(await update(this.db));
    const row = await this.db.transaction().execute(async (trx) => {
      const updated = await update(trx);
      await alsoWrite(toStoreTransaction(trx));
      return updated;
    });
    return toContact(row);
  }

  async deleteContact(accountId: number, id: number): Promise<boolean> {
    // Memberships go with it (ON DELETE CASCADE); messages keep their copy of the number.
    const result = await this.db
      .deleteFrom('contacts')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async setBlocked(accountId: number, id: number, blocked: boolean): Promise<void> {
    await this.db
      .updateTable('contacts')
      .set({ is_blocked: blocked ? 1 : 0 })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  async listGroups(accountId: number): Promise<Group[]> {
    const rows = await this.db.selectFrom('groups').selectAll().where('account_id', '=', accountId).execute();
    return rows.map(toGroup).sort((a, b) => groupRank(a) - groupRank(b) || a.id - b.id);
  }

  async findGroup(accountId: number, key: GroupKey): Promise<Group | undefined> {
    let query = this.db.selectFrom('groups').selectAll().where('account_id', '=', accountId);
    query =
      'id' in key ? query.where('id', '=', key.id) : query.where('name_key', '=', key.name.toLowerCase());
    const row = await query.executeTakeFirst();
    return row && toGroup(row);
  }

  async insertGroup(accountId: number, name: string, now: number): Promise<Group> {
    const row = await this.db
      .insertInto('groups')
      .values({
        account_id: accountId,
        name,
        name_key: name.toLowerCase(),
        system_kind: null,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowUnique);
    return toGroup(row);
  }

  async renameGroup(accountId: number, id: number, name: string): Promise<Group> {
    const row = await this.db
      .updateTable('groups')
      .set({ name, name_key: name.toLowerCase() })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow()
      .catch(rethrowUnique);
    return toGroup(row);
  }

  async deleteGroup(accountId: number, id: number): Promise<void> {
    await this.db.deleteFrom('groups').where('account_id', '=', accountId).where('id', '=', id).execute();
  }

  async addMember(groupId: number, contactId: number, now: number): Promise<void> {
    await this.db
      .insertInto('group_members')
      .values({ group_id: groupId, contact_id: contactId, created_at: now })
      .onConflict((oc) => oc.columns(['group_id', 'contact_id']).doNothing())
      .execute();
  }

  async removeMember(groupId: number, contactId: number): Promise<void> {
    await this.db
      .deleteFrom('group_members')
      .where('group_id', '=', groupId)
      .where('contact_id', '=', contactId)
      .execute();
  }

  async groupsOfContact(accountId: number, contact: Contact): Promise<Group[]> {
    const rows = await this.db
      .selectFrom('groups')
      .selectAll()
      .where('account_id', '=', accountId)
      .where((eb) =>
        eb.or([
          eb('system_kind', 'is not', null),
          eb(
            'id',
            'in',
            eb.selectFrom('group_members').select('group_id').where('contact_id', '=', contact.id),
          ),
        ]),
      )
      .execute();
    // Ordered and filtered here: a handful of rows, cheaper than a CASE in SQL on the hot path.
    return rows
      .map(toGroup)
      .filter((g) => g.systemKind !== 'blocked' || contact.isBlocked)
      .sort((a, b) => groupRank(a) - groupRank(b) || a.id - b.id);
  }

  async membersPage(accountId: number, group: Group, afterId: number, limit: number): Promise<Contact[]> {
    let query = this.db
      .selectFrom('contacts')
      .selectAll('contacts')
      .where('contacts.account_id', '=', accountId)
      .where('contacts.id', '>', afterId);
    if (group.systemKind === 'blocked') query = query.where('contacts.is_blocked', '=', 1);
    else if (group.systemKind === null) {
      query = query
        .innerJoin('group_members', 'group_members.contact_id', 'contacts.id')
        .where('group_members.group_id', '=', group.id);
    }
    const rows = await query.orderBy('contacts.id').limit(limit).execute();
    return rows.map(toContact);
  }
}
