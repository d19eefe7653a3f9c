import type { Kysely, Selectable } from 'kysely';
import type { Database, UsersTable } from '../schema.js';

export type UserRow = Selectable<UsersTable>;

export async function insertUser(
  db: Kysely<Database>,
  accountId: number,
  email: string,
  now: number,
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({ account_id: accountId, email, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findUserByEmail(
  db: Kysely<Database>,
  accountId: number,
  email: string,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('email', '=', email)
    .executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>, accountId: number): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export async function deleteUser(db: Kysely<Database>, accountId: number, email: string): Promise<boolean> {
  const result = await db
    .deleteFrom('users')
    .where('account_id', '=', accountId)
    .where('email', '=', email)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
