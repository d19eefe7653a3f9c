import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../../src/store/schema.js';

/**
 * Every row an account owns, as sorted JSON: compared before and after a hostile campaign run by
 * another account, it must be byte-for-byte the same. Tables with `account_id` are read by it; their
 * children through their parent's id. (`message_counts` is left out: its delta rows are folded by a
 * background job on PostgreSQL, a change of form, not of data.)
 */
const OWNED_TABLES = [
  'account_senders',
  'api_keys',
  'users',
  'web_sessions',
  'contacts',
  'groups',
  'imports',
  'messages',
  'emails',
  'verifications',
  'suppressions',
  'broadcasts',
  'broadcast_pacing',
  'webhooks',
  'account_events',
  'conversations',
] as const;

const CHILD_TABLES: readonly { table: string; column: string; parent: string }[] = [
  { table: 'group_members', column: 'group_id', parent: 'groups' },
  { table: 'import_errors', column: 'import_id', parent: 'imports' },
  { table: 'import_chunks', column: 'import_id', parent: 'imports' },
  { table: 'message_parts', column: 'message_id', parent: 'messages' },
  { table: 'broadcast_groups', column: 'broadcast_id', parent: 'broadcasts' },
  { table: 'broadcast_recipients', column: 'broadcast_id', parent: 'broadcasts' },
  { table: 'webhook_deliveries', column: 'webhook_id', parent: 'webhooks' },
];

/** A row as JSON with its keys sorted (engines differ in column order; Buffers become hex). */
function canonicalRow(row: Record<string, unknown>): string {
  const sorted = Object.keys(row)
    .sort()
    .map((key) => {
      const value = row[key];
      return [key, Buffer.isBuffer(value) ? value.toString('hex') : value];
    });
  return JSON.stringify(sorted);
}

async function rowsOf(db: Kysely<Database>, query: RawBuilder<Record<string, unknown>>): Promise<string[]> {
  const { rows } = await query.execute(db);
  return rows.map(canonicalRow).sort();
}

export async function snapshotAccount(db: Kysely<Database>, accountId: number): Promise<string> {
  const snapshot: Record<string, string[]> = {
    accounts: await rowsOf(db, sql`SELECT * FROM accounts WHERE id = ${accountId}`),
  };
  for (const table of OWNED_TABLES) {
    snapshot[table] = await rowsOf(
      db,
      sql`SELECT * FROM ${sql.table(table)} WHERE account_id = ${accountId}`,
    );
  }
  for (const { table, column, parent } of CHILD_TABLES) {
    snapshot[table] = await rowsOf(
      db,
      sql`SELECT * FROM ${sql.table(table)} WHERE ${sql.ref(column)} IN
            (SELECT id FROM ${sql.table(parent)} WHERE account_id = ${accountId})`,
    );
  }
  return JSON.stringify(snapshot, null, 1);
}
