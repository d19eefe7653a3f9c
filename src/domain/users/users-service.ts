import { normaliseEmail } from '../common/email.js';
import {
  invalidEmailAddress,
  invalidRole,
  invalidToken,
  lastAdmin,
  signInFailed,
  signInThrottled,
  userExists,
  userNotFound,
  wrongCurrentPassword,
} from '../errors.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import type { AdminGuardedOutcome, StoredSession, UsersStore } from '../ports/users-store.js';
import { UserEmails } from './user-emails.js';
import { checkPassword, checkProfile } from './user-rules.js';
import {
  DEFAULT_TIME_ZONE,
  generateToken,
  hashToken,
  INVITATION_TTL_MS,
  isTokenShaped,
  RESET_EMAILS_PER_HOUR,
  RESET_TTL_MS,
  SESSION_IDLE_MS,
  SESSION_MAX_AGE_MS,
  SESSION_TOUCH_MS,
  SIGN_IN_THROTTLE,
  signInScopes,
  UI_LANGUAGES,
  USER_ROLES,
  type SignInThrottle,
  type TokenInfo,
  type UiLanguage,
  type User,
  type UserRole,
  type WebSession,
} from './users.js';

export interface UsersServiceDeps {
  readonly store: UsersStore;
  readonly hasher: PasswordHasher;
  readonly now: () => number;
  /** Base of the links in invitations and reset emails (PUBLIC_URL), without a trailing slash. */
  readonly publicUrl: string;
  /** The From of the platform's own emails (MAIL_FROM). */
  readonly mailFrom: string;
  /** Wakes the email dispatcher of this process once a reset or invitation email is queued. */
  readonly onEmailQueued: () => void;
  readonly sessions?: { readonly idleMs: number; readonly maxAgeMs: number };
  readonly throttle?: SignInThrottle;
}

/** How often one process purges expired sessions, tokens and old failures (on a sign-in). */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The users of the web platform: invitations and password resets (single-use links), sign-in with
 * its throttle, sessions with idle and absolute expiry, profiles, and the roles of an account, which
 * always keeps an admin. Tokens are handed out once and stored only as SHA-256 hashes; passwords only
 * as argon2id hashes (the PasswordHasher port). Nothing here logs a password or a token.
 */
export class UsersService {
  private readonly idleMs: number;
  private readonly maxAgeMs: number;
  private readonly throttle: SignInThrottle;
  private dummyHash: Promise<string> | undefined;
  private lastPurgeAt = -Infinity;
  private readonly emails: UserEmails;

  constructor(private readonly deps: UsersServiceDeps) {
    this.emails = new UserEmails(deps);
    this.idleMs = deps.sessions?.idleMs ?? SESSION_IDLE_MS;
    this.maxAgeMs = deps.sessions?.maxAgeMs ?? SESSION_MAX_AGE_MS;
    this.throttle = deps.throttle ?? SIGN_IN_THROTTLE;
  }

  /**
   * Invites a person: creates the user without a password, or issues a new invitation (the earlier
   * link stops working) to one who has not set theirs yet. Returns the token, to be shown once.
   * With `notify`, the link is also emailed to the person, in their language, through the platform's
   * email queue (the web page does; the CLI prints the link instead).
   */
  async invite(
    accountId: number,
    input: { email: string; name?: string; role?: UserRole; language?: UiLanguage; timeZone?: string },
    options: { notify?: { invitedBy: string } } = {},
  ): Promise<{ user: User; token: string }> {
    const { store, now } = this.deps;
    const email = normaliseEmail(input.email);
    if (!email) throw invalidEmailAddress('email');
    const role = input.role ?? 'member';
    if (!USER_ROLES.includes(role)) throw invalidRole();
    const profile = checkProfile({
      name: input.name ?? '',
      language: input.language ?? 'fr',
      timeZone: input.timeZone ?? DEFAULT_TIME_ZONE,
    });
    let existing = await store.findCredentialsByEmail(accountId, email);
    if (!existing) {
      const id = await store.insertUser({ accountId, email, role, ...profile }, now());
      // Undefined: another request invited the same email meanwhile; answer as if it had been first.
      if (id === undefined) existing = await store.findCredentialsByEmail(accountId, email);
      else existing = await store.findCredentials(id);
    }
    if (!existing) throw userNotFound();
    if (existing.passwordHash !== null) throw userExists();
    const token = await this.issueToken(existing.user.id, 'invite', INVITATION_TTL_MS, true);
    if (options.notify) {
      await this.emails.invitation(existing.user, existing.accountName, token, options.notify.invitedBy);
    }
    return { user: existing.user, token };
  }

  invitationUrl(token: string): string {
    return this.emails.invitationUrl(token);
  }

  resetUrl(token: string): string {
    return this.emails.resetUrl(token);
  }

  /** The invitation or reset behind a link, while it is valid: known, unused and unexpired. */
  async inspectToken(token: string): Promise<TokenInfo | undefined> {
    if (!isTokenShaped(token)) return undefined;
    const stored = await this.deps.store.findToken(hashToken(token));
    if (!stored || stored.usedAt !== null || stored.expiresAt <= this.deps.now()) return undefined;
    return { kind: stored.kind, user: stored.user, expiresAt: stored.expiresAt };
  }

  /**
   * Sets the password of the token's user and uses the token up; every session of the user ends
   * and their other links stop working. The password is checked before the token is spent.
   */
  async setPasswordWithToken(token: string, password: string): Promise<User> {
    checkPassword(password);
    // A cheap look first: a wrong link costs no argon2 hash.
    if (!(await this.inspectToken(token))) throw invalidToken();
    const passwordHash = await this.deps.hasher.hash(password);
    const user = await this.deps.store.setPasswordWithToken(hashToken(token), passwordHash, this.deps.now());
    if (!user) throw invalidToken(); // used or expired between the look and the write
    return user;
  }

  /**
   * Signs in with an email and a password. The email may belong to users of several accounts: the
   * first (lowest id) whose password matches is signed in. One generic error whether or not the
   * email exists, and an unknown email costs the same argon2 verification as a wrong password.
   * Failures are counted per client address and per account (the email) in the database, so every
   * process agrees; past the limit, sign-in is refused until the window slides by.
   */
  async signIn(
    email: string,
    password: string,
    clientAddress: string,
  ): Promise<{ token: string; session: WebSession }> {
    const { store, hasher, now } = this.deps;
    const at = now();
    await this.purgeNowAndThen(at);
    const scopes = signInScopes(clientAddress, email);
    const failures = await store.countFailures([scopes.address, scopes.account], at - this.throttle.windowMs);
    if (
      (failures.get(scopes.address) ?? 0) >= this.throttle.maxPerAddress ||
      (failures.get(scopes.account) ?? 0) >= this.throttle.maxPerAccount
    ) {
      throw signInThrottled();
    }
    const address = normaliseEmail(email);
    const candidates = address ? await store.listCredentialsByEmail(address) : [];
    let verified = 0;
    for (const candidate of candidates) {
      if (candidate.passwordHash === null) continue;
      verified++;
      if (await hasher.verify(candidate.passwordHash, password)) {
        return this.openSession(candidate.user);
      }
    }
    if (verified === 0) await hasher.verify(await this.dummy(), password);
    await store.recordFailures([scopes.address, scopes.account], now());
    throw signInFailed();
  }

  /**
   * The session of a cookie's token, if it is still valid: within its idle and absolute expiry.
   * `last_seen_at` is refreshed at most once a minute, so a page view is a read, not a write.
   */
  async authenticate(sessionToken: string): Promise<WebSession | undefined> {
    if (!isTokenShaped(sessionToken)) return undefined;
    const { store, now } = this.deps;
    const session = await store.findSession(hashToken(sessionToken));
    if (!session) return undefined;
    const at = now();
    if (this.expired(session, at)) {
      await store.deleteSession(session.id);
      return undefined;
    }
    if (at - session.lastSeenAt >= SESSION_TOUCH_MS) await store.touchSession(session.id, at);
    return toWebSession(session);
  }

  /** Ends the session of this token (nothing happens for an unknown one). */
  async signOut(sessionToken: string): Promise<void> {
    if (!isTokenShaped(sessionToken)) return;
    const session = await this.deps.store.findSession(hashToken(sessionToken));
    if (session) await this.deps.store.deleteSession(session.id);
  }

  /**
   * Queues a reset link by email to every user with this address (one per account that has it), in
   * the user's own language, through the platform's email queue. An unknown or malformed address
   * does nothing, visibly the same. At most RESET_EMAILS_PER_HOUR per user, then silently none.
   * `language` is the language of the page the request came from: the user's own setting wins, so
   * it only matters if that setting cannot be read.
   */
  async requestPasswordReset(email: string, language?: UiLanguage): Promise<void> {
    const { store, now } = this.deps;
    const address = normaliseEmail(email);
    if (!address) return;
    for (const { user, accountName } of await store.listCredentialsByEmail(address)) {
      const at = now();
      if ((await store.countTokensSince(user.id, 'reset', at - 3_600_000)) >= RESET_EMAILS_PER_HOUR) continue;
      const token = await this.issueToken(user.id, 'reset', RESET_TTL_MS, false);
      const lang = UI_LANGUAGES.includes(user.language) ? user.language : (language ?? 'fr');
      await this.emails.reset(user, accountName, token, lang);
    }
  }

  /**
   * Changes a signed-in user's password: the current one must match. Every session of the user ends
   * (other browsers, a stolen cookie); the fresh session returned is for the browser that asked.
   */
  async changePassword(
    userId: number,
    current: string,
    next: string,
  ): Promise<{ token: string; session: WebSession }> {
    const { store, hasher, now } = this.deps;
    const found = await store.findCredentials(userId);
    if (!found) throw userNotFound();
    if (found.passwordHash === null || !(await hasher.verify(found.passwordHash, current))) {
      throw wrongCurrentPassword();
    }
    checkPassword(next);
    await store.setPassword(userId, await hasher.hash(next), now());
    const user = (await store.findCredentials(userId))?.user;
    if (!user) throw userNotFound();
    return this.openSession(user);
  }

  async updateProfile(
    userId: number,
    input: { name: string; language: UiLanguage; timeZone: string },
  ): Promise<User> {
    const user = await this.deps.store.updateProfile(userId, checkProfile(input));
    if (!user) throw userNotFound();
    return user;
  }

  listUsers(accountId: number): Promise<User[]> {
    return this.deps.store.listUsers(accountId);
  }

  /** Undefined for an id of another account, exactly as for an id that does not exist. */
  findUser(accountId: number, userId: number): Promise<User | undefined> {
    return this.deps.store.findUser(accountId, userId);
  }

  /** Refuses to demote the account's last admin. */
  async setRole(accountId: number, userId: number, role: UserRole): Promise<User> {
    if (!USER_ROLES.includes(role)) throw invalidRole();
    return settle(await this.deps.store.setRole(accountId, userId, role));
  }

  /** Removes a user with their sessions and links; refuses to remove the account's last admin. */
  async removeUser(accountId: number, userId: number): Promise<void> {
    settle(await this.deps.store.deleteUser(accountId, userId));
  }

  private async openSession(user: User): Promise<{ token: string; session: WebSession }> {
    const token = generateToken();
    const createdAt = this.deps.now();
    const expiresAt = createdAt + this.maxAgeMs;
    const id = await this.deps.store.insertSession(
      { tokenHash: hashToken(token), userId: user.id, accountId: user.accountId, expiresAt },
      createdAt,
    );
    return { token, session: { id, user, createdAt, expiresAt } };
  }

  private async issueToken(
    userId: number,
    kind: 'invite' | 'reset',
    ttlMs: number,
    replaceKind: boolean,
  ): Promise<string> {
    const token = generateToken();
    const at = this.deps.now();
    await this.deps.store.insertToken(
      { kind, tokenHash: hashToken(token), userId, expiresAt: at + ttlMs },
      at,
      replaceKind,
    );
    return token;
  }

  private expired(session: StoredSession, at: number): boolean {
    return session.expiresAt <= at || session.lastSeenAt + this.idleMs <= at;
  }

  /** A hash of a random password, made once: what an unknown email's sign-in is verified against. */
  private dummy(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(generateToken());
    return this.dummyHash;
  }

  private async purgeNowAndThen(at: number): Promise<void> {
    if (at - this.lastPurgeAt < PURGE_EVERY_MS) return;
    this.lastPurgeAt = at;
    await this.deps.store.purgeExpired({
      now: at,
      idleBefore: at - this.idleMs,
      failuresBefore: at - this.throttle.windowMs,
    });
  }
}

function settle<T>(outcome: AdminGuardedOutcome<T>): T {
  if (outcome.kind === 'not_found') throw userNotFound();
  if (outcome.kind === 'last_admin') throw lastAdmin();
  return outcome.value;
}

function toWebSession(session: StoredSession): WebSession {
  return { id: session.id, user: session.user, createdAt: session.createdAt, expiresAt: session.expiresAt };
}
