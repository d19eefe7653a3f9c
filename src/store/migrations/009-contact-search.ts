import { sql, type Kysely } from 'kysely';
import type { Migration } from './helpers.js';

/**
 * What the contacts and groups pages need to stay fast on an account of 1,000,000 contacts:
 *
 * - **Name search** finds a word inside a name, whatever its case and accents ("tremblay" finds
 *   "Jean Tremblay", "helene" finds "Hélène"), and returns matches in id order so pages are keyset
 *   pages. SQLite: an FTS5 index over `contacts.name` (external content, kept by triggers; the
 *   unicode61 tokenizer folds case and diacritics), read in rowid order with an early stop. PostgreSQL:
 *   a stored `name_search` column, the `simple` tsvector of the name with accents translated away
 *   (`translate` is immutable, so no extension is needed), GIN-indexed and queried with prefix lexemes
 *   (`tremb:*`); see contact-list-query.ts for how a page picks between the index and an id walk.
 * - **Member counts** are kept in `groups.member_count` by triggers, so the groups page reads a few
 *   rows instead of counting a million: Tous counts the account's contacts, Blocked its blocked ones,
 *   a user's group its `group_members`. SQLite: row triggers (one writer, no contention). PostgreSQL:
 *   statement triggers over transition tables, so an import batch of 512 rows adds its count once.
 *
 * Numbers and emails are searched by prefix on the existing unique indexes (account_id, number|email);
 * the unfiltered list walks a new (account_id, id) index.
 */
export const contactSearch: Migration = {
  name: '009-contact-search',
  async up({ db, dialect }) {
    await db.schema
      .alterTable('groups')
      .addColumn('member_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    // The plain list (and its keyset pages) of one account in id order, whatever other accounts hold.
    await db.schema.createIndex('contacts_account_id').on('contacts').columns(['account_id', 'id']).execute();
    if (dialect === 'sqlite') await sqliteUp(db);
    else await postgresUp(db);
    await sql`
      update groups set member_count = case
        when system_kind = 'all' then
          (select count(*) from contacts c where c.account_id = groups.account_id)
        when system_kind = 'blocked' then
          (select count(*) from contacts c where c.account_id = groups.account_id and c.is_blocked = 1)
        else (select count(*) from group_members m where m.group_id = groups.id)
      end`.execute(db);
  },
};

/**
 * The accents the PostgreSQL name index folds (upper and lower case, French first): the same letters
 * the search terms lose in the domain (Unicode decomposition), so both sides meet.
 */
const FOLDS: readonly (readonly [string, string])[] = [
  ['àâäáãåā', 'a'],
  ['çćč', 'c'],
  ['èéêëēėę', 'e'],
  ['ìíîïī', 'i'],
  ['ñń', 'n'],
  ['òóôöõō', 'o'],
  ['ùúûüū', 'u'],
  ['ýÿ', 'y'],
  ['ž', 'z'],
  ['š', 's'],
];
const ACCENTED = FOLDS.map(([from]) => from + from.toUpperCase()).join('');
const UNACCENTED = FOLDS.map(
  ([from, to]) => to.repeat(from.length) + to.toUpperCase().repeat(from.length),
).join('');

/** The name's search vector (PostgreSQL): stored in `contacts.name_search`, GIN-indexed. */
const PG_NAME_VECTOR = `to_tsvector('simple'::regconfig, translate(name, '${ACCENTED}', '${UNACCENTED}'))`;

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  await sql`
    create virtual table contacts_fts using fts5(
      name, content = 'contacts', content_rowid = 'id',
      tokenize = 'unicode61 remove_diacritics 2'
    )`.execute(db);
  await sql`insert into contacts_fts (contacts_fts) values ('rebuild')`.execute(db);
  const statements = [
    `create trigger contacts_search_insert after insert on contacts begin
       insert into contacts_fts (rowid, name) values (new.id, new.name);
       update groups set member_count = member_count + 1
         where account_id = new.account_id
           and (system_kind = 'all' or (system_kind = 'blocked' and new.is_blocked = 1));
     end`,
    `create trigger contacts_search_delete after delete on contacts begin
       insert into contacts_fts (contacts_fts, rowid, name) values ('delete', old.id, old.name);
       update groups set member_count = member_count - 1
         where account_id = old.account_id
           and (system_kind = 'all' or (system_kind = 'blocked' and old.is_blocked = 1));
     end`,
    `create trigger contacts_search_rename after update of name on contacts
       when old.name is not new.name begin
       insert into contacts_fts (contacts_fts, rowid, name) values ('delete', old.id, old.name);
       insert into contacts_fts (rowid, name) values (new.id, new.name);
     end`,
    `create trigger contacts_count_blocked after update of is_blocked on contacts
       when old.is_blocked <> new.is_blocked begin
       update groups set member_count = member_count + (new.is_blocked - old.is_blocked)
         where account_id = new.account_id and system_kind = 'blocked';
     end`,
    `create trigger group_members_count_insert after insert on group_members begin
       update groups set member_count = member_count + 1 where id = new.group_id;
     end`,
    `create trigger group_members_count_delete after delete on group_members begin
       update groups set member_count = member_count - 1 where id = old.group_id;
     end`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  // Stored, so that a page walking contacts in id order tests a ready vector instead of rebuilding
  // it per row (6 µs each). The GIN index's pending list (entries gathered for a bulk merge, faster
  // for imports) is capped at 512 kB instead of 4 MB: every search reads it whole.
  await sql
    .raw(
      `alter table contacts add column name_search tsvector generated always as (${PG_NAME_VECTOR}) stored`,
    )
    .execute(db);
  await sql`create index contacts_name_search on contacts using gin (name_search)
    with (fastupdate = on, gin_pending_list_limit = 512)`.execute(db);
  // A page reads 51 rows: starting parallel workers costs more (50–80 ms on a busy 2-core host) than
  // it could ever save, and the planner reaches for them on a million-row table.
  await sql`alter table contacts set (parallel_workers = 0)`.execute(db);
  const statements = [
    `create function contacts_count_insert() returns trigger language plpgsql as $$
     begin
       update groups g set member_count = g.member_count +
           case when g.system_kind = 'all' then d.total else d.blocked end
         from (select account_id, count(*) as total, count(*) filter (where is_blocked = 1) as blocked
                 from new_rows group by account_id) d
         where g.account_id = d.account_id and g.system_kind in ('all', 'blocked');
       return null;
     end $$`,
    `create function contacts_count_delete() returns trigger language plpgsql as $$
     begin
       update groups g set member_count = g.member_count -
           case when g.system_kind = 'all' then d.total else d.blocked end
         from (select account_id, count(*) as total, count(*) filter (where is_blocked = 1) as blocked
                 from old_rows group by account_id) d
         where g.account_id = d.account_id and g.system_kind in ('all', 'blocked');
       return null;
     end $$`,
    `create function contacts_count_update() returns trigger language plpgsql as $$
     begin
       update groups g set member_count = g.member_count + d.change
         from (select n.account_id, sum(n.is_blocked - o.is_blocked) as change
                 from new_rows n join old_rows o on o.id = n.id
                 where n.is_blocked <> o.is_blocked group by n.account_id) d
         where g.account_id = d.account_id and g.system_kind = 'blocked';
       return null;
     end $$`,
    `create function group_members_count_insert() returns trigger language plpgsql as $$
     begin
       update groups g set member_count = g.member_count + d.total
         from (select group_id, count(*) as total from new_rows group by group_id) d
         where g.id = d.group_id;
       return null;
     end $$`,
    `create function group_members_count_delete() returns trigger language plpgsql as $$
     begin
       update groups g set member_count = g.member_count - d.total
         from (select group_id, count(*) as total from old_rows group by group_id) d
         where g.id = d.group_id;
       return null;
     end $$`,
    `create trigger contacts_count_insert after insert on contacts
       referencing new table as new_rows for each statement execute function contacts_count_insert()`,
    `create trigger contacts_count_delete after delete on contacts
       referencing old table as old_rows for each statement execute function contacts_count_delete()`,
    `create trigger contacts_count_update after update on contacts
       referencing old table as old_rows new table as new_rows
       for each statement execute function contacts_count_update()`,
    `create trigger group_members_count_insert after insert on group_members
       referencing new table as new_rows for each statement execute function group_members_count_insert()`,
    `create trigger group_members_count_delete after delete on group_members
       referencing old table as old_rows for each statement execute function group_members_count_delete()`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
