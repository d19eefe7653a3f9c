/**
 * What the users service needs from the database: users, their web sessions, their single-use
 * tokens, the failed sign-ins of the throttle, and the email queue the reset link goes through.
 * Tokens arrive here already hashed. Defined here, implemented in src/store/users/.
 */
import type { NewEmail } from '../messages/outbound.js';
import type { TokenKind, UiLanguage, User, UserRole } from '../users/users.js';

export interface NewUser {
  readonly accountId: number;
  readonly email: string;
  readonly name: string;
  readonly role: UserRole;
  readonly language: UiLanguage;
  readonly timeZone: string;
}

export interface UserProfile {
  readonly name: string;
  readonly language: UiLanguage;
  readonly timeZone: string;
}

/** A user with what signing in and resetting need: the password hash and the account's name. */
export interface UserCredentials {
  readonly user: User;
  readonly passwordHash: string | null;
  readonly accountName: string;
}

export interface StoredSession {
  readonly id: number;
  readonly user: User;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
}

export interface StoredToken {
  readonly kind: TokenKind;
  readonly user: User;
  readonly expiresAt: number;
  readonly usedAt: number | null;
}

export interface NewToken {
  readonly kind: TokenKind;
  readonly tokenHash: string;
  readonly userId: number;
  readonly expiresAt: number;
}

export interface NewSession {
  readonly tokenHash: string;
  readonly userId: number;
  readonly accountId: number;
  readonly expiresAt: number;
}

/**
 * A change that must leave the account an admin (domain/users/users.ts, keepsAnAdmin, applied by
 * the store inside the change's transaction).
 */
export type AdminGuardedOutcome<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'last_admin' };

/** What may be purged: rows that can no longer matter at `now`. */
export interface PurgeCutoffs {
  readonly now: number;
  /** Sessions last seen before this have passed their idle expiry. */
  readonly idleBefore: number;
  /** Failed sign-ins before this are out of every throttle window. */
  readonly failuresBefore: number;
}

export interface UsersStore {
  /** Undefined when the account already has a user with this email. */
  insertUser(input: NewUser, now: number): Promise<number | undefined>;
  findUser(accountId: number, userId: number): Promise<User | undefined>;
  findCredentials(userId: number): Promise<UserCredentials | undefined>;
  findCredentialsByEmail(accountId: number, email: string): Promise<UserCredentials | undefined>;
  /** Every user of every account with this (lower-cased) email, in id order. */
  listCredentialsByEmail(email: string): Promise<UserCredentials[]>;
  listUsers(accountId: number): Promise<User[]>;
  updateProfile(userId: number, profile: UserProfile): Promise<User | undefined>;
  setRole(accountId: number, userId: number, role: UserRole): Promise<AdminGuardedOutcome<User>>;
  /** Deletes the user; sessions and tokens go with it (foreign keys, on delete cascade). */
  deleteUser(accountId: number, userId: number): Promise<AdminGuardedOutcome<void>>;

  /** Stores a token; with `replaceKind`, the user's unused tokens of that kind are dropped first. */
  insertToken(token: NewToken, now: number, replaceKind: boolean): Promise<void>;
  findToken(tokenHash: string): Promise<StoredToken | undefined>;
  /** Tokens of this kind issued to the user since `since` (the reset emails' rate). */
  countTokensSince(userId: number, kind: TokenKind, since: number): Promise<number>;
  /**
   * In one transaction: marks the token used (only if unused and unexpired at `now`), sets the
   * user's password, drops their other tokens and every session. Undefined when the token was not
   * valid (then nothing changed).
   */
  setPasswordWithToken(tokenHash: string, passwordHash: string, now: number): Promise<User | undefined>;
  /** Sets the password and deletes every session of the user, in one transaction. */
  setPassword(userId: number, passwordHash: string, now: number): Promise<void>;

  insertSession(session: NewSession, now: number): Promise<number>;
  findSession(tokenHash: string): Promise<StoredSession | undefined>;
  touchSession(id: number, now: number): Promise<void>;
  deleteSession(id: number): Promise<void>;

  /** Failed sign-ins per scope since `since` (scopes without any are absent). */
  countFailures(scopes: readonly string[], since: number): Promise<Map<string, number>>;
  recordFailures(scopes: readonly string[], now: number): Promise<void>;
  /** Deletes expired sessions, expired or used tokens and failures out of every window. */
  purgeExpired(cutoffs: PurgeCutoffs): Promise<void>;

  /** Queues an email on the platform's email queue (the one send_email uses). */
  queueEmail(email: NewEmail): Promise<number>;
}
