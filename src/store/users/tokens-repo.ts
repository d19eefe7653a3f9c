import type { Kysely } from 'kysely';
import type { NewToken, StoredToken } from '../../domain/ports/users-store.js';
import type { TokenKind, User } from '../../domain/users/users.js';
import type { Database } from '../schema.js';
import type { Executor } from '../transaction.js';
import { findUser, USER_COLUMNS, toUser, writePassword } from './users-repo.js';

/** Stores a single-use token (hashed); `replaceKind` drops the user's unused ones of its kind first. */
export async function insertToken(
  db: Kysely<Database>,
  token: NewToken,
  now: number,
  replaceKind: boolean,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (replaceKind) {
      await trx
        .deleteFrom('user_tokens')
        .where('user_id', '=', token.userId)
        .where('kind', '=', token.kind)
        .where('used_at', 'is', null)
        .execute();
    }
    await trx
      .insertInto('user_tokens')
      .values({
        kind: token.kind,
        token_hash: token.tokenHash,
        user_id: token.userId,
        created_at: now,
        expires_at: token.expiresAt,
        used_at: null,
      })
      .execute();
  });
}

export async function findToken(db: Executor, tokenHash: string): Promise<StoredToken | undefined> {
  const row = await db
    .selectFrom('user_tokens')
    .innerJoin('users', 'users.id', 'user_tokens.user_id')
    .select([...USER_COLUMNS, 'user_tokens.kind', 'user_tokens.expires_at', 'user_tokens.used_at'])
    .where('user_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    kind: toKind(row.kind),
    user: toUser(row),
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

export async function countTokensSince(
  db: Executor,
  userId: number,
  kind: TokenKind,
  since: number,
): Promise<number> {
  const row = await db
    .selectFrom('user_tokens')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Spends the token and sets the password in one transaction. The UPDATE that marks the token used
 * is the single-use guarantee: of two requests with one link, only one finds it unused.
 */
export async function setPasswordWithToken(
  db: Kysely<Database>,
  tokenHash: string,
  passwordHash: string,
  now: number,
): Promise<User | undefined> {
  return db.transaction().execute(async (trx) => {
    const spent = await trx
      .updateTable('user_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['id', 'user_id'])
      .executeTakeFirst();
    if (!spent) return undefined;
    await writePassword(trx, spent.user_id, passwordHash, now);
    // The user's other links (an older reset, an invitation) are moot once a password is set.
    await trx
      .deleteFrom('user_tokens')
      .where('user_id', '=', spent.user_id)
      .where('id', '<>', spent.id)
      .execute();
    const account = await trx
      .selectFrom('users')
      .select('account_id')
      .where('id', '=', spent.user_id)
      .executeTakeFirstOrThrow();
    return findUser(trx, account.account_id, spent.user_id);
  });
}

function toKind(raw: string): TokenKind {
  return raw === 'reset' ? 'reset' : 'invite';
}
