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
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.blocked !== undefined) conditions.push(sql`c.is_blocked = ${filter.blocked ? 1 : 0}`);

  let from: RawBuilder<unknown> = sql`contacts c`;
  let idColumn: RawBuilder<unknown> = sql`c.id`;
  let account: RawBuilder<unknown> = sql`c.account_id = ${accountId}`;
  if (search?.kind === 'name' && dialect === 'sqlite') {
    // The FTS table leads: it yields matches in rowid order, and the LIMIT stops it early.
    from = sql`contacts_fts f join contacts c on c.id = f.rowid`;
    idColumn = sql`f.rowid`;
    conditions.push(sql`contacts_fts match ${ftsQuery(search.words)}`);
  } else if (search?.kind === 'name') {
    conditions.push(sql`c.name_search @@ to_tsquery('simple', ${tsQuery(search.words)})`);
  } else if (search) {
    conditions.push(...prefixConditions(search));
  }
  if (filter.groupId !== undefined) {
    if (search) {
      conditions.push(
        sql`exists (select 1 from group_members m where m.group_id = ${filter.groupId} and m.contact_id = c.id)`,
      );
    } else {
      from = sql`group_members m join contacts c on c.id = m.contact_id`;
      idColumn = sql`m.contact_id`;
      conditions.push(sql`m.group_id = ${filter.groupId}`);
    }
  }
  if (search?.kind === 'name' && dialect === 'postgres') {
    // The GIN index finds matches but not in id order. Few matches past the cursor: read them all
    // through the index and sort (`+ 0` keeps the planner off the id-ordered indexes). Many: walk
    // the ids and test each row's stored vector, which meets 50 matches soon. The planner cannot
    // tell the two apart (a word's frequency is a guess to it), so one bounded count decides.
    const unordered = sql`c.account_id + 0 = ${accountId}`;
    const past = keyset(sql`(c.id + 0)`, cursor);
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from (
        select 1 from contacts c where ${sql.join([unordered, ...conditions, past], sql` and `)}
        limit ${SPARSE_MATCHES}) s`.execute(db);
    if (Number(rows[0]?.n ?? 0) < SPARSE_MATCHES) {
      account = unordered;
      idColumn = sql`(c.id + 0)`;
    }
  }
  conditions.unshift(account);
  conditions.push(keyset(idColumn, cursor));

  const { rows } = await sql<Selectable<ContactsTable>>`
    select ${CONTACT_COLUMNS} from ${from}
    where ${sql.join(conditions, sql` and `)}
    order by ${idColumn} ${forward ? sql`asc` : sql`desc`}
    limit ${limit}`.execute(db);
  return forward ? rows : rows.reverse();
}

/**
 * Below this many matches past the cursor, a PostgreSQL name search sorts them all (≤ 2,000 rows from
 * the index); above, matches are at least 1 in 500 rows, so an id walk meets a page's 51 within
 * about 25,000 rows (measured: a few milliseconds either way, bench/web.ts).
 */
const SPARSE_MATCHES = 2000;

const CONTACT_COLUMNS = sql.raw(
  'c.id, c.account_id, c.number, c.email, c.name, c.description, c.language, c.user_id, c.is_blocked, c.created_at',
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
