import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.js';

/** Test factories for the address book, written straight to the store (the contacts API is another area). */

export interface ContactOverrides {
  number?: string | null;
  email?: string | null;
  name?: string;
  description?: string;
  language?: 'fr' | 'en';
  isBlocked?: boolean;
}

let sequence = 0;

export async function makeContact(
  db: Kysely<Database>,
  accountId: number,
  overrides: ContactOverrides = {},
): Promise<number> {
  sequence += 1;
  const row = await db
    .insertInto('contacts')
    .values({
      account_id: accountId,
      number:
        overrides.number === undefined
          ? `1514555${String(1000 + sequence).padStart(4, '0')}`
          : overrides.number,
      email: overrides.email ?? null,
      name: overrides.name ?? '',
      description: overrides.description ?? '',
      language: overrides.language ?? 'fr',
      user_id: 0,
      is_blocked: overrides.isBlocked ? 1 : 0,
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Creates a user group with these members; returns its id. */
export async function makeGroup(
  db: Kysely<Database>,
  accountId: number,
  name: string,
  members: readonly number[] = [],
): Promise<number> {
  const group = await db
    .insertInto('groups')
    .values({
      account_id: accountId,
      name,
      name_key: name.toLowerCase(),
      system_kind: null,
      created_at: Date.now(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (members.length > 0) {
    await db
      .insertInto('group_members')
      .values(
        members.map((contactId) => ({ group_id: group.id, contact_id: contactId, created_at: Date.now() })),
      )
      .execute();
  }
  return group.id;
}

export async function systemGroupId(
  db: Kysely<Database>,
  accountId: number,
  kind: 'all' | 'blocked',
): Promise<number> {
  const row = await db
    .selectFrom('groups')
    .select('id')
    .where('account_id', '=', accountId)
    .where('system_kind', '=', kind)
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Many contacts at once, in multi-row inserts (numbers 1514 + 7 digits from `firstNumber`),
 * for the fan-out tests and the benchmark.
 */
export async function bulkInsertContacts(
  db: Kysely<Database>,
  accountId: number,
  count: number,
  firstNumber = 2000000,
): Promise<void> {
  const now = Date.now();
  for (let start = 0; start < count; start += 2000) {
    const rows = [];
    for (let i = start; i < Math.min(count, start + 2000); i++) {
      rows.push({
        account_id: accountId,
        number: `1514${firstNumber + i}`,
        email: null,
        name: `Contact ${i}`,
        description: '',
        language: i % 2 === 0 ? 'fr' : 'en',
        user_id: 0,
        is_blocked: 0,
        created_at: now,
      });
    }
    await db.insertInto('contacts').values(rows).execute();
  }
}
