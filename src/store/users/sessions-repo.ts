import type { NewSession, PurgeCutoffs, StoredSession } from '../../domain/ports/users-store.js';
import type { Executor } from '../transaction.js';
import { USER_COLUMNS, toUser } from './users-repo.js';

export async function insertSession(db: Executor, session: NewSession, now: number): Promise<number> {
  const row = await db
    .insertInto('web_sessions')
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      account_id: session.accountId,
      created_at: now,
      last_seen_at: now,
      expires_at: session.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The session of a token hash with its user: one indexed read per authenticated request. */
export async function findSession(db: Executor, tokenHash: string): Promise<StoredSession | undefined> {
  const row = await db
    .selectFrom('web_sessions')
    .innerJoin('users', 'users.id', 'web_sessions.user_id')
    .select([
      ...USER_COLUMNS,
      'web_sessions.id as session_id',
      'web_sessions.created_at as session_created_at',
      'web_sessions.last_seen_at',
      'web_sessions.expires_at',
    ])
    .where('web_sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.session_id,
    user: toUser(row),
    createdAt: row.session_created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

export async function touchSession(db: Executor, id: number, now: number): Promise<void> {
  await db.updateTable('web_sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function deleteSession(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('web_sessions').where('id', '=', id).execute();
}

/** Failed sign-ins per scope since `since`; a scope without any is absent. */
export async function countFailures(
  db: Executor,
  scopes: readonly string[],
  since: number,
): Promise<Map<string, number>> {
  if (scopes.length === 0) return new Map();
  const rows = await db
    .selectFrom('sign_in_failures')
    .select((eb) => ['scope', eb.fn.countAll().as('n')])
    .where('scope', 'in', scopes)
    .where('at', '>=', since)
    .groupBy('scope')
    .execute();
  return new Map(rows.map((row) => [row.scope, Number(row.n)]));
}

export async function recordFailures(db: Executor, scopes: readonly string[], now: number): Promise<void> {
  if (scopes.length === 0) return;
  await db
    .insertInto('sign_in_failures')
    .values(scopes.map((scope) => ({ scope, at: now })))
    .execute();
}

/** What can no longer matter: ended sessions, spent or expired links, failures out of every window. */
export async function purgeExpired(db: Executor, cutoffs: PurgeCutoffs): Promise<void> {
  await db
    .deleteFrom('web_sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', cutoffs.now), eb('last_seen_at', '<=', cutoffs.idleBefore)]))
    .execute();
  await db
    .deleteFrom('user_tokens')
    .where((eb) => eb.or([eb('expires_at', '<=', cutoffs.now), eb('used_at', 'is not', null)]))
    .execute();
  await db.deleteFrom('sign_in_failures').where('at', '<', cutoffs.failuresBefore).execute();
}
