import type { Kysely, Selectable } from 'kysely';
import type {
  AdminGuardedOutcome,
  NewUser,
  UserCredentials,
  UserProfile,
} from '../../domain/ports/users-store.js';
import { keepsAnAdmin, type User, type UserRole } from '../../domain/users/users.js';
import type { DialectName } from '../database.js';
import type { Database, UsersTable } from '../schema.js';
import type { Executor } from '../transaction.js';
import { uniqueConstraintName } from '../unique-violation.js';

/** The columns a User is read from (selected with the `users.` prefix when joined). */
export type UserFields = Pick<
  Selectable<UsersTable>,
  'id' | 'account_id' | 'email' | 'name' | 'role' | 'language' | 'time_zone' | 'password_hash' | 'created_at'
>;

export const USER_COLUMNS = [
  'users.id',
  'users.account_id',
  'users.email',
  'users.name',
  'users.role',
  'users.language',
  'users.time_zone',
  'users.password_hash',
  'users.created_at',
] as const;

export function toUser(row: UserFields): User {
  return {
    id: row.id,
    accountId: row.account_id,
    email: row.email,
    name: row.name,
    role: row.role === 'admin' ? 'admin' : 'member',
    language: row.language === 'en' ? 'en' : 'fr',
    timeZone: row.time_zone,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
  };
}

function toCredentials(row: UserFields & { account_name: string }): UserCredentials {
  return { user: toUser(row), passwordHash: row.password_hash, accountName: row.account_name };
}

/** Undefined when the account already has a user with this email. */
export async function insertUser(db: Executor, input: NewUser, now: number): Promise<number | undefined> {
  try {
    const row = await db
      .insertInto('users')
      .values({
        account_id: input.accountId,
        email: input.email,
        name: input.name,
        role: input.role,
        language: input.language,
        time_zone: input.timeZone,
        password_hash: null,
        password_changed_at: null,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  } catch (error) {
    if (uniqueConstraintName(error) !== undefined) return undefined;
    throw error;
  }
}

function selectCredentials(db: Executor) {
  return db
    .selectFrom('users')
    .innerJoin('accounts', 'accounts.id', 'users.account_id')
    .select([...USER_COLUMNS, 'accounts.name as account_name']);
}

export async function findUser(db: Executor, accountId: number, userId: number): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('users.id', '=', userId)
    .where('users.account_id', '=', accountId)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function findCredentials(db: Executor, userId: number): Promise<UserCredentials | undefined> {
  const row = await selectCredentials(db).where('users.id', '=', userId).executeTakeFirst();
  return row && toCredentials(row);
}

export async function findCredentialsByEmail(
  db: Executor,
  accountId: number,
  email: string,
): Promise<UserCredentials | undefined> {
  const row = await selectCredentials(db)
    .where('users.account_id', '=', accountId)
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return row && toCredentials(row);
}

/** Every account's user with this email (through the users_email_lower index), in id order. */
export async function listCredentialsByEmail(db: Executor, email: string): Promise<UserCredentials[]> {
  const rows = await selectCredentials(db)
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email.toLowerCase()))
    .orderBy('users.id')
    .execute();
  return rows.map(toCredentials);
}

export async function listUsers(db: Executor, accountId: number): Promise<User[]> {
  const rows = await db
    .selectFrom('users')
    .select(USER_COLUMNS)
    .where('users.account_id', '=', accountId)
    .orderBy('users.id')
    .execute();
  return rows.map(toUser);
}

export async function updateProfile(
  db: Executor,
  userId: number,
  profile: UserProfile,
): Promise<User | undefined> {
  const row = await db
    .updateTable('users')
    .set({ name: profile.name, language: profile.language, time_zone: profile.timeZone })
    .where('id', '=', userId)
    .returning([
      'id',
      'account_id',
      'email',
      'name',
      'role',
      'language',
      'time_zone',
      'password_hash',
      'created_at',
    ])
    .executeTakeFirst();
  return row && toUser(row);
}

/**
 * Runs `write` only if the account keeps an admin after `change` to the user (keepsAnAdmin), in
 * one transaction. On PostgreSQL the account row is locked first (FOR NO KEY UPDATE: inserts that
 * reference the account are not held up), so concurrent role changes of one account queue up
 * instead of each counting the other's admin; SQLite's single writer already runs them one by one.
 */
function guardAdmins<T>(
  db: Kysely<Database>,
  dialect: DialectName,
  target: { accountId: number; userId: number; change: UserRole | 'removed' },
  write: (trx: Executor) => Promise<T>,
): Promise<AdminGuardedOutcome<T>> {
  return db.transaction().execute(async (trx): Promise<AdminGuardedOutcome<T>> => {
    if (dialect === 'postgres') {
      await trx
        .selectFrom('accounts')
        .select('id')
        .where('id', '=', target.accountId)
        .forNoKeyUpdate()
        .execute();
    }
    const user = await findUser(trx, target.accountId, target.userId);
    if (!user) return { kind: 'not_found' };
    const { admins } = await trx
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('admins'))
      .where('account_id', '=', target.accountId)
      .where('role', '=', 'admin')
      .executeTakeFirstOrThrow();
    if (!keepsAnAdmin(Number(admins), user.role, target.change)) return { kind: 'last_admin' };
    return { kind: 'done', value: await write(trx) };
  });
}

export function setRole(
  db: Kysely<Database>,
  dialect: DialectName,
  accountId: number,
  userId: number,
  role: UserRole,
): Promise<AdminGuardedOutcome<User>> {
  return guardAdmins(db, dialect, { accountId, userId, change: role }, async (trx) => {
    await trx.updateTable('users').set({ role }).where('id', '=', userId).execute();
    const user = await findUser(trx, accountId, userId);
    if (!user) throw new Error(`user ${userId} vanished inside its own transaction`);
    return user;
  });
}

export function deleteUser(
  db: Kysely<Database>,
  dialect: DialectName,
  accountId: number,
  userId: number,
): Promise<AdminGuardedOutcome<void>> {
  return guardAdmins(db, dialect, { accountId, userId, change: 'removed' }, async (trx) => {
    await trx.deleteFrom('users').where('id', '=', userId).where('account_id', '=', accountId).execute();
  });
}

/** Sets a password and ends every session of the user. */
export async function writePassword(
  trx: Executor,
  userId: number,
  passwordHash: string,
  now: number,
): Promise<void> {
  await trx
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: now })
    .where('id', '=', userId)
    .execute();
  await trx.deleteFrom('web_sessions').where('user_id', '=', userId).execute();
}
