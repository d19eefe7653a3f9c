import type { ConsentEntry } from '../../domain/ports/consent-log.js';
import { insertConsentEntries } from '../consent/consent-log-repo.js';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type {
  BatchProgress,
  ExistingContact,
  ImportAccount,
  ImportBatchTx,
  Membership,
  PlannedInsert,
  PlannedUpdate,
  ResolvedGroup,
} from '../../domain/ports/import-store.js';
import type { DialectName } from '../database.js';
import type { Database } from '../schema.js';

/**
 * Statements take a few fixed shapes, so that SQLite's statement cache (store/database.ts) holds a
 * handful of them whatever the data, and an import never crowds the API's statements out of it: rows
 * go in pieces of power-of-two sizes (512 contacts of ten values stay far below both engines' limits
 * on bound values), and IN lists are padded to a power of two by repeating their keys, which changes
 * no result.
 */
const LARGEST_PIECE = 512;
const LARGEST_LIST = 1024;

export function shapedPieces<T>(items: readonly T[], largest = LARGEST_PIECE): T[][] {
  const pieces: T[][] = [];
  for (let at = 0; at < items.length;) {
    let size = largest;
    while (size > items.length - at) size /= 2;
    pieces.push(items.slice(at, at + size));
    at += size;
  }
  return pieces;
}

function paddedLists<T>(keys: readonly T[]): T[][] {
  const lists: T[][] = [];
  for (let at = 0; at < keys.length; at += LARGEST_LIST) {
    const list = keys.slice(at, at + LARGEST_LIST);
    let size = 1;
    while (size < list.length) size *= 2;
    for (let i = 0; list.length < size; i++) {
      const key = list[i];
      if (key !== undefined) list.push(key);
    }
    lists.push(list);
  }
  return lists;
}

/** The contact insert of each piece size, compiled once per engine: building it costs more than running it. */
const insertSql = new Map<string, string>();

export function systemKind(raw: string | null): ResolvedGroup['systemKind'] {
  return raw === 'all' || raw === 'blocked' ? raw : null;
}

/**
 * The set-based writes of one import batch, inside its transaction: each method is a handful of
 * multi-row statements, never one statement per row. Same SQL on SQLite and PostgreSQL.
 */
export class ContactBatchTx implements ImportBatchTx {
  constructor(
    private readonly trx: Transaction<Database>,
    private readonly dialect: DialectName,
    private readonly account: ImportAccount,
    private readonly now: number,
    private readonly progress: (progress: BatchProgress) => Promise<void>,
  ) {}

  async findContacts(numbers: readonly string[], emails: readonly string[]): Promise<ExistingContact[]> {
    const found = new Map<number, ExistingContact>();
    // Two lookups, each on its own unique index, rather than one OR the planner may scan for.
    for (const [column, keys] of [
      ['number', numbers],
      ['email', emails],
    ] as const) {
      for (const piece of paddedLists([...new Set(keys)])) {
        const rows = await this.trx
          .selectFrom('contacts')
          .select(['id', 'number', 'email'])
          .where('account_id', '=', this.account.id)
          .where(column, 'in', piece)
          .execute();
        for (const row of rows) found.set(row.id, row);
      }
    }
    return [...found.values()];
  }

  async resolveGroups(
    ids: readonly number[],
    names: readonly string[],
  ): Promise<{ byId: Map<number, ResolvedGroup>; byName: Map<string, ResolvedGroup> }> {
    const byId = new Map<number, ResolvedGroup>();
    for (const piece of paddedLists(ids)) {
      const rows = await this.trx
        .selectFrom('groups')
        .select(['id', 'system_kind'])
        .where('account_id', '=', this.account.id)
        .where('id', 'in', piece)
        .execute();
      for (const row of rows) byId.set(row.id, { id: row.id, systemKind: systemKind(row.system_kind) });
    }
    const byName = await this.groupsByName(names.map((n) => n.toLowerCase()));
    const missing = names.filter((name) => !byName.has(name.toLowerCase()));
    if (missing.length > 0) {
      // A name the file gives that the account lacks becomes a (non-system) group; a concurrent
      // post_group creating the same name first is simply found below.
      for (const piece of shapedPieces(missing)) {
        await this.trx
          .insertInto('groups')
          .values(
            piece.map((name) => ({
              account_id: this.account.id,
              name,
              name_key: name.toLowerCase(),
              system_kind: null,
              created_at: this.now,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      for (const [key, group] of await this.groupsByName(missing.map((n) => n.toLowerCase()))) {
        byName.set(key, group);
      }
    }
    return { byId, byName };
  }

  private async groupsByName(keys: readonly string[]): Promise<Map<string, ResolvedGroup>> {
    const byName = new Map<string, ResolvedGroup>();
    for (const piece of paddedLists(keys)) {
      const rows = await this.trx
        .selectFrom('groups')
        .select(['id', 'name_key', 'system_kind'])
        .where('account_id', '=', this.account.id)
        .where('name_key', 'in', piece)
        .execute();
      for (const row of rows) {
        byName.set(row.name_key, { id: row.id, systemKind: systemKind(row.system_kind) });
      }
    }
    return byName;
  }

  recordConsent(entries: readonly ConsentEntry[]): Promise<void> {
    return insertConsentEntries(this.trx, this.dialect, entries);
  }

  async insertContacts(rows: readonly PlannedInsert[]): Promise<(number | undefined)[]> {
    const ids: (number | undefined)[] = [];
    for (const piece of shapedPieces(rows)) {
      const values = piece.map((row) => ({
        account_id: this.account.id,
        number: row.number,
        email: row.email,
        name: row.name,
        description: row.description,
        language: row.language,
        user_id: 0,
        is_blocked: row.blocked ? 1 : 0,
        created_at: this.now,
        time_zone: row.timeZone,
      }));
      // The statement's parameters in its compiled order: row by row, column by column.
      const parameters = values.flatMap((v) => [
        v.account_id,
        v.number,
        v.email,
        v.name,
        v.description,
        v.language,
        v.user_id,
        v.is_blocked,
        v.created_at,
        v.time_zone,
      ]);
      const key = `${this.dialect}:${piece.length}`;
      let text = insertSql.get(key);
      if (text === undefined) {
        const compiled = this.trx
          .insertInto('contacts')
          .values(values)
          // Another writer may have taken a number or email since the lookup: that row is a duplicate.
          .onConflict((oc) => oc.doNothing())
          .returning(['id', 'number', 'email'])
          .compile();
        if (compiled.parameters.some((p, i) => p !== parameters[i])) {
          throw new Error('the contact insert binds its parameters in another order than expected');
        }
        text = compiled.sql;
        insertSql.set(key, text);
      }
      const { rows: inserted } = await this.trx.executeQuery<{
        id: number;
        number: string | null;
        email: string | null;
      }>(CompiledQuery.raw(text, parameters));
      // RETURNING promises no order: match rows back by their unique number (or email).
      const byKey = new Map<string, number>();
      for (const row of inserted) byKey.set(row.number !== null ? `n${row.number}` : `e${row.email}`, row.id);
      for (const row of piece) ids.push(byKey.get(row.number !== null ? `n${row.number}` : `e${row.email}`));
    }
    return ids;
  }

  async updateContacts(rows: readonly PlannedUpdate[]): Promise<void> {
    for (const piece of shapedPieces(rows)) {
      // One UPDATE … FROM a VALUES list (SQLite ≥ 3.33 and PostgreSQL). The casts give PostgreSQL the
      // column types its parameters lack; a NULL leaves the contact's value as it is.
      const values = sql.join(
        piece.map(
          (r) =>
            sql`(cast(${r.id} as bigint), cast(${r.number ?? null} as text), cast(${r.email ?? null} as text),
                 cast(${r.name ?? null} as text), cast(${r.description ?? null} as text),
                 cast(${r.language ?? null} as text), cast(${r.timeZone ?? null} as text))`,
        ),
      );
      await sql`
        with v (id, number, email, name, description, language, time_zone) as (values ${values})
        update contacts set
          number = coalesce(v.number, contacts.number),
          email = coalesce(v.email, contacts.email),
          name = coalesce(v.name, contacts.name),
          description = coalesce(v.description, contacts.description),
          language = coalesce(v.language, contacts.language),
          time_zone = coalesce(v.time_zone, contacts.time_zone)
        from v
        where contacts.id = v.id and contacts.account_id = ${this.account.id}`.execute(this.trx);
    }
  }

  async addMemberships(rows: readonly Membership[]): Promise<void> {
    for (const piece of shapedPieces(rows)) {
      await this.trx
        .insertInto('group_members')
        .values(piece.map((m) => ({ group_id: m.groupId, contact_id: m.contactId, created_at: this.now })))
        .onConflict((oc) => oc.columns(['group_id', 'contact_id']).doNothing())
        .execute();
    }
  }

  async blockContacts(ids: readonly number[]): Promise<void> {
    for (const piece of paddedLists(ids)) {
      await this.trx
        .updateTable('contacts')
        .set({ is_blocked: 1 })
        .where('account_id', '=', this.account.id)
        .where('id', 'in', piece)
        .execute();
    }
  }

  async recordProgress(progress: BatchProgress): Promise<void> {
    await this.progress(progress);
  }
}
