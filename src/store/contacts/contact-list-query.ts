import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { ContactCursor, ContactFilter } from '../../domain/ports/address-book-store.js';
import type { ContactSearch } from '../../domain/contacts/contact-search.js';
import type { DialectName } from '../database.js';
import type { ContactsTable, Database } from '../schema.js';

/**
 * The contacts list of the web pages as one keyset query per page, shaped so that each filter is
 * answered by an index in id order (the pages are 50 rows of an account that may hold a million):
 *
 * - no filter: the (account_id, id) index;
 * - blocked / not blocked: contacts_account_blocked (account_id, is_blocked, id);
 * - a group: the group_members primary key (group_id, contact_id) drives, contacts joined by id;
 * - a name: the FTS5 index read in rowid order (SQLite); on PostgreSQL the GIN index or an id walk;
 * - a number or email prefix: a range on the unique (account_id, number|email) index.
 *
 * Combined filters add the others as conditions on the driving rows.
 */
export async function listContactRows(
  db: Kysely<Database>,
  dialect: DialectName,
  accountId: number,
  filter: ContactFilter,
  cursor: ContactCursor,
  limit: number,
): Promise<Selectable<ContactsTable>[]> {
  const forward = 'after' in cursor;
  const search = filter.search;
  if (search?.kind === 'name' && dialect === 'postgres') {
    const rows = await postgresNameSearch(db, accountId, filter, search.words, cursor, limit);
    return forward ? rows : rows.reverse();
  }
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.blocked !== undefined) conditions.push(sql`c.is_blocked = ${filter.blocked ? 1 : 0}`);

  let from: RawBuilder<unknown> = sql`contacts c`;
  let idColumn: RawBuilder<unknown> = sql`c.id`;
  // Without a search, the group's members drive the query (in contact id order, by its primary key).
  const groupLeads = filter.groupId !== undefined && !search;
  if (search?.kind === 'name') {
    // (SQLite here.) The FTS table leads: it yields matches in rowid order, and the LIMIT stops it early.
    from = sql`contacts_fts f join contacts c on c.id = f.rowid`;
    idColumn = sql`f.rowid`;
    conditions.push(sql`contacts_fts match ${ftsQuery(search.words)}`);
  } else if (search) {
    conditions.push(...prefixConditions(search));
  }
  if (filter.groupId !== undefined && groupLeads) {
    // On PostgreSQL a plain join lets the planner hash a large group against the contacts table
    // (0.5 s for a group of 500,000 past a cursor); the fenced LATERAL (`offset 0` stops it being
    // flattened) keeps one primary-key lookup per member, in member order.
    from =
      dialect === 'postgres'
        ? sql`group_members m cross join lateral (
            select * from contacts c where c.id = m.contact_id offset 0) c`
        : sql`group_members m join contacts c on c.id = m.contact_id`;
    idColumn = sql`m.contact_id`;
    conditions.push(sql`m.group_id = ${filter.groupId}`);
  } else if (filter.groupId !== undefined) {
    conditions.push(
      sql`exists (select 1 from group_members m where m.group_id = ${filter.groupId} and m.contact_id = c.id)`,
    );
  }
  conditions.unshift(sql`c.account_id = ${accountId}`);
  conditions.push(keyset(idColumn, cursor));

  const { rows } = await sql<Selectable<ContactsTable>>`
    select ${CONTACT_COLUMNS} from ${from}
    where ${sql.join(conditions, sql` and `)}
    order by ${idColumn} ${forward ? sql`asc` : sql`desc`}
    limit ${limit}`.execute(db);
  return forward ? rows : rows.reverse();
}

/**
 * A name search on PostgreSQL. Its GIN index finds matches, but not in id order, and the planner
 * cannot tell a rare word from a common one (a word's frequency is a guess to it): it picks badly
 * both ways, seconds walking a million ids for ten matches, or sorting 100,000 matches for a page.
 * So the page first walks at most WALK_BUDGET ids past the cursor (the group's, with a group) testing
 * each row's stored vector: a common word fills the page within a few hundred rows. A page left short
 * means the word is rare past the cursor, and its matches are read through the index and sorted
 * (`+ 0` keeps the planner off the id-ordered indexes there).
 */
async function postgresNameSearch(
  db: Kysely<Database>,
  accountId: number,
  filter: ContactFilter,
  words: readonly string[],
  cursor: ContactCursor,
  limit: number,
): Promise<Selectable<ContactsTable>[]> {
  const direction = 'after' in cursor ? sql`asc` : sql`desc`;
  const tests = [sql`c.name_search @@ to_tsquery('simple', ${tsQuery(words)})`];
  if (filter.blocked !== undefined) tests.push(sql`c.is_blocked = ${filter.blocked ? 1 : 0}`);
  const window =
    filter.groupId === undefined
      ? sql`select c.* from contacts c
          where c.account_id = ${accountId} and ${keyset(sql`c.id`, cursor)}
          order by c.id ${direction} limit ${WALK_BUDGET}`
      : // LATERAL: one lookup per member, in member order (a join would tempt a hash over contacts).
        sql`select c.* from (
            select m.contact_id from group_members m
            where m.group_id = ${filter.groupId} and ${keyset(sql`m.contact_id`, cursor)}
            order by m.contact_id ${direction} limit ${WALK_BUDGET}) m
          cross join lateral (
            select * from contacts c where c.id = m.contact_id and c.account_id = ${accountId} offset 0) c`;
  // Several words must all match: their intersection is rare, so the walk would mostly come back
  // short after reading its whole budget; the index's bitmap AND answers such a search directly.
  if (words.length === 1) {
    const walked = await sql<Selectable<ContactsTable>>`
      select ${CONTACT_COLUMNS} from (${window}) c
      where ${sql.join(tests, sql` and `)}
      order by c.id ${direction} limit ${limit}`.execute(db);
    if (walked.rows.length === limit) return walked.rows;
  }

  const conditions = [sql`c.account_id + 0 = ${accountId}`, ...tests, keyset(sql`(c.id + 0)`, cursor)];
  if (filter.groupId !== undefined) {
    conditions.push(
      sql`exists (select 1 from group_members m where m.group_id = ${filter.groupId} and m.contact_id = c.id)`,
    );
  }
  const sorted = await sql<Selectable<ContactsTable>>`
    select ${CONTACT_COLUMNS} from contacts c
    where ${sql.join(conditions, sql` and `)}
    order by (c.id + 0) ${direction} limit ${limit}`.execute(db);
  return sorted.rows;
}

/**
 * How many ids a PostgreSQL name search walks before it asks the index: past it, fewer than one row
 * in 400 matches, and reading the matches through the index beats walking on.
 */
const WALK_BUDGET = 20_000;

const CONTACT_COLUMNS = sql.raw(
  'c.id, c.account_id, c.number, c.email, c.name, c.description, c.language, c.user_id, c.is_blocked, c.created_at, c.time_zone',
);

function keyset(idColumn: RawBuilder<unknown>, cursor: ContactCursor): RawBuilder<unknown> {
  return 'after' in cursor ? sql`${idColumn} > ${cursor.after}` : sql`${idColumn} < ${cursor.before}`;
}

/** Every word must start a word of the name: `"jean"* "trem"*` (words are letters and digits only). */
function ftsQuery(words: readonly string[]): string {
  return words.map((word) => `"${word}"*`).join(' ');
}

function tsQuery(words: readonly string[]): string {
  return words.map((word) => `${word}:*`).join(' & ');
}

/**
 * The smallest string above every string starting with `prefix`, or undefined when there is none.
 * Trailing '9' and 'z' are carried rather than bumped to ':' or '{', which a linguistic collation may
 * ignore; the exact `substr` test beside the range keeps the answer right in any collation.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  let head = prefix;
  while (head.endsWith('9') || head.endsWith('z')) head = head.slice(0, -1);
  if (head === '') return undefined;
  return head.slice(0, -1) + String.fromCharCode(head.charCodeAt(head.length - 1) + 1);
}

function prefixConditions(search: Exclude<ContactSearch, { kind: 'name' }>): RawBuilder<unknown>[] {
  const column = search.kind === 'number' ? sql`c.number` : sql`c.email`;
  const upper = prefixUpperBound(search.prefix);
  const conditions = [
    sql`${column} >= ${search.prefix}`,
    sql`substr(${column}, 1, ${search.prefix.length}) = ${search.prefix}`,
  ];
  if (upper !== undefined) conditions.push(sql`${column} < ${upper}`);
  return conditions;
}
