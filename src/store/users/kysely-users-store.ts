import type { Kysely } from 'kysely';
import type { NewEmail } from '../../domain/messages/outbound.js';
import type {
  AdminGuardedOutcome,
  NewSession,
  NewToken,
  NewUser,
  PurgeCutoffs,
  StoredSession,
  StoredToken,
  UserCredentials,
  UserProfile,
  UsersStore,
} from '../../domain/ports/users-store.js';
import type { TokenKind, User, UserRole } from '../../domain/users/users.js';
import type { DialectName, Store } from '../database.js';
import { insertQueuedEmail } from '../emails/emails-repo.js';
import type { Database } from '../schema.js';
import {
  countFailures,
  deleteSession,
  findSession,
  insertSession,
  purgeExpired,
  recordFailures,
  touchSession,
} from './sessions-repo.js';
import { countTokensSince, findToken, insertToken, setPasswordWithToken } from './tokens-repo.js';
import {
  deleteUser,
  findCredentials,
  findCredentialsByEmail,
  findUser,
  insertUser,
  listCredentialsByEmail,
  listUsers,
  setRole,
  updateProfile,
  writePassword,
} from './users-repo.js';

/** The users service's store: the statements of users-repo, tokens-repo and sessions-repo. */
export class KyselyUsersStore implements UsersStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: DialectName;

  constructor(store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
  }

  insertUser(input: NewUser, now: number): Promise<number | undefined> {
    return insertUser(this.db, input, now);
  }

  findUser(accountId: number, userId: number): Promise<User | undefined> {
    return findUser(this.db, accountId, userId);
  }

  findCredentials(userId: number): Promise<UserCredentials | undefined> {
    return findCredentials(this.db, userId);
  }

  findCredentialsByEmail(accountId: number, email: string): Promise<UserCredentials | undefined> {
    return findCredentialsByEmail(this.db, accountId, email);
  }

  listCredentialsByEmail(email: string): Promise<UserCredentials[]> {
    return listCredentialsByEmail(this.db, email);
  }

  listUsers(accountId: number): Promise<User[]> {
    return listUsers(this.db, accountId);
  }

  updateProfile(userId: number, profile: UserProfile): Promise<User | undefined> {
    return updateProfile(this.db, userId, profile);
  }

  setRole(accountId: number, userId: number, role: UserRole): Promise<AdminGuardedOutcome<User>> {
    return setRole(this.db, this.dialect, accountId, userId, role);
  }

  deleteUser(accountId: number, userId: number): Promise<AdminGuardedOutcome<void>> {
    return deleteUser(this.db, this.dialect, accountId, userId);
  }

  insertToken(token: NewToken, now: number, replaceKind: boolean): Promise<void> {
    return insertToken(this.db, token, now, replaceKind);
  }

  findToken(tokenHash: string): Promise<StoredToken | undefined> {
    return findToken(this.db, tokenHash);
  }

  countTokensSince(userId: number, kind: TokenKind, since: number): Promise<number> {
    return countTokensSince(this.db, userId, kind, since);
  }

  setPasswordWithToken(tokenHash: string, passwordHash: string, now: number): Promise<User | undefined> {
    return setPasswordWithToken(this.db, tokenHash, passwordHash, now);
  }

  setPassword(userId: number, passwordHash: string, now: number): Promise<void> {
    return this.db.transaction().execute((trx) => writePassword(trx, userId, passwordHash, now));
  }

  insertSession(session: NewSession, now: number): Promise<number> {
    return insertSession(this.db, session, now);
  }

  findSession(tokenHash: string): Promise<StoredSession | undefined> {
    return findSession(this.db, tokenHash);
  }

  touchSession(id: number, now: number): Promise<void> {
    return touchSession(this.db, id, now);
  }

  deleteSession(id: number): Promise<void> {
    return deleteSession(this.db, id);
  }

  countFailures(scopes: readonly string[], since: number): Promise<Map<string, number>> {
    return countFailures(this.db, scopes, since);
  }

  recordFailures(scopes: readonly string[], now: number): Promise<void> {
    return recordFailures(this.db, scopes, now);
  }

  purgeExpired(cutoffs: PurgeCutoffs): Promise<void> {
    return purgeExpired(this.db, cutoffs);
  }

  queueEmail(email: NewEmail): Promise<number> {
    return insertQueuedEmail(this.db, email);
  }
}
