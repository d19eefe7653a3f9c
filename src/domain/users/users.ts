/**
 * The people of an account's web platform: who they are (role, language, time zone), their sessions
 * and the single-use links (invitation, password reset) that set a password. The rules live in
 * users-service.ts; the SQL behind them in src/store/users/.
 */
import { createHash, randomBytes } from 'node:crypto';

/** `admin`: users, keys and settings; `member`: everything else. */
export type UserRole = 'admin' | 'member';
export type UiLanguage = 'fr' | 'en';

export const USER_ROLES: readonly UserRole[] = ['admin', 'member'];
export const UI_LANGUAGES: readonly UiLanguage[] = ['fr', 'en'];

export interface User {
  readonly id: number;
  readonly accountId: number;
  /** Lower-cased; unique per account, but the same address may belong to users of two accounts. */
  readonly email: string;
  /** The display name; '' when none was given (show the email then). */
  readonly name: string;
  readonly role: UserRole;
  readonly language: UiLanguage;
  /** IANA, e.g. America/Toronto. */
  readonly timeZone: string;
  /** False until the user followed their invitation link. */
  readonly hasPassword: boolean;
  readonly createdAt: number;
}

export interface WebSession {
  readonly id: number;
  readonly user: User;
  readonly createdAt: number;
  /** The absolute expiry; the session also ends after SESSION_IDLE_MS without a request. */
  readonly expiresAt: number;
}

export type TokenKind = 'invite' | 'reset';

export interface TokenInfo {
  readonly kind: TokenKind;
  readonly user: User;
  readonly expiresAt: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A session unused this long ends (WEB_SESSION_IDLE_HOURS overrides). */
export const SESSION_IDLE_MS = 12 * HOUR;
/** A session ends this long after sign-in, however active (WEB_SESSION_MAX_DAYS overrides). */
export const SESSION_MAX_AGE_MS = 7 * DAY;
/** `last_seen_at` is written at most this often: a request does not cost a write. */
export const SESSION_TOUCH_MS = 60_000;
export const INVITATION_TTL_MS = 7 * DAY;
export const RESET_TTL_MS = HOUR;
/** Reset emails sent for one user per hour at most: the form cannot be used to flood a mailbox. */
export const RESET_EMAILS_PER_HOUR = 5;

/** The default time zone of a new user: Québec's. */
export const DEFAULT_TIME_ZONE = 'America/Toronto';
export const USER_NAME_MAX = 100;
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

/**
 * Sign-in throttling: failed attempts counted in a sliding window, per client address and per
 * account (the email typed, whether or not it exists, so the throttle reveals nothing either).
 */
export interface SignInThrottle {
  readonly windowMs: number;
  readonly maxPerAddress: number;
  readonly maxPerAccount: number;
}

export const SIGN_IN_THROTTLE: SignInThrottle = {
  windowMs: 15 * 60_000,
  maxPerAddress: 20,
  maxPerAccount: 10,
};

/** The paths of the web platform's links; the web layer routes them, the service builds full URLs. */
export const invitationPath = (token: string): string => `/invitation/${token}`;
export const resetPath = (token: string): string => `/password/reset/${token}`;

/** A session, invitation or reset token: 32 random bytes, base64url (43 characters). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored of a token: its SHA-256, hex. The token itself is never stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Whether a string can be a token at all: a cheap refusal before any database read. */
export function isTokenShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function parseUserRole(raw: string): UserRole | undefined {
  return USER_ROLES.find((role) => role === raw.trim().toLowerCase());
}

export function parseUiLanguage(raw: string): UiLanguage | undefined {
  return UI_LANGUAGES.find((language) => language === raw.trim().toLowerCase());
}

/** Password length in characters (code points), as a person counts them. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/**
 * Whether an account still has an admin after `change` to the user `target`: the rule behind
 * "the last admin cannot be demoted or removed". The store applies it inside the transaction that
 * makes the change, so two admins demoting each other at once cannot both succeed.
 */
export function keepsAnAdmin(admins: number, target: UserRole, change: UserRole | 'removed'): boolean {
  if (target !== 'admin' || change === 'admin') return true;
  return admins > 1;
}

/** The scopes a failed sign-in counts against. IPv6 clients are counted per /64, what one host holds. */
export function signInScopes(clientAddress: string, email: string): { address: string; account: string } {
  return {
    address: `ip:${addressScope(clientAddress)}`,
    account: `account:${email.trim().toLowerCase().slice(0, 320)}`,
  };
}

function addressScope(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
