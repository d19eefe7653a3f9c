/**
 * Request limits of the API and of the web sign-in (SECURITY.md, "Rate limits"). Fixed windows,
 * counted in a store every api process shares (Redis, the database, or this process's memory on
 * SQLite), so a limit holds in total however many processes answer.
 *
 * Three limits apply to an API request, each only when set: its key's per minute, its account's per
 * minute and its account's per day (a quota). A key's limit stops one leaked or runaway integration
 * without stopping the account's others; the account's limits bound what all its keys do together.
 * The platform's defaults come from the environment; an account's own (`vudumobile account limits`)
 * replace the account defaults for it. The sign-in form is limited per client address and per email,
 * before any password is checked.
 */
import type { Account } from './accounts.js';

export type { AccountLimits } from './accounts.js';

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;

/** The platform's defaults; null: no limit. */
export interface RateLimitSettings {
  readonly perKeyPerMinute: number | null;
  readonly perAccountPerMinute: number | null;
  readonly perAccountPerDay: number | null;
  /** Sign-in attempts (right or wrong) per client address per minute. */
  readonly signInPerAddressPerMinute: number | null;
  /** Sign-in attempts per email per minute, from any address. */
  readonly signInPerEmailPerMinute: number | null;
}

/** Largest limit accepted: beyond it a limit means nothing and only risks overflowing a counter. */
export const MAX_RATE_LIMIT = 1_000_000_000;

/**
 * One limit, as a rule the HTTP edge hands to the limiter: which counter a request counts in, over
 * which window, and its ceiling for this request (null: this limit does not apply to it).
 */
export interface LimitRule<Subject> {
  /** What the refusal names: the key, the account, or a sign-in. */
  readonly scope: 'key' | 'account' | 'sign-in';
  readonly windowMs: number;
  counterKey(subject: Subject): string;
  max(settings: RateLimitSettings, subject: Subject): number | null;
}

/** Who makes an API call: the key and its account. */
export interface LimitedCall {
  readonly keyId: number;
  readonly account: Account;
}

/** The limits of an API call: its key's per minute, its account's per minute and per day. */
export const API_LIMITS: readonly LimitRule<LimitedCall>[] = [
  {
    scope: 'key',
    windowMs: MINUTE_MS,
    counterKey: (call) => `key:${call.keyId}`,
    max: (settings) => settings.perKeyPerMinute,
  },
  {
    scope: 'account',
    windowMs: MINUTE_MS,
    counterKey: (call) => `account:${call.account.id}:minute`,
    max: (settings, call) => call.account.limits.perMinute ?? settings.perAccountPerMinute,
  },
  {
    scope: 'account',
    windowMs: DAY_MS,
    counterKey: (call) => `account:${call.account.id}:day`,
    max: (settings, call) => call.account.limits.perDay ?? settings.perAccountPerDay,
  },
];

/** A sign-in attempt: the client's address and the email typed. */
export interface SignInAttempt {
  readonly address: string;
  readonly email: string;
}

const emailKey = (email: string): string => email.trim().toLowerCase().slice(0, 320);

/** The limits of a sign-in attempt: per client address and per email, before any password is checked. */
export const SIGN_IN_LIMITS: readonly LimitRule<SignInAttempt>[] = [
  {
    scope: 'sign-in',
    windowMs: MINUTE_MS,
    counterKey: (attempt) => `sign-in-ip:${attempt.address}`,
    max: (settings) => settings.signInPerAddressPerMinute,
  },
  {
    scope: 'sign-in',
    windowMs: MINUTE_MS,
    counterKey: (attempt) => `sign-in-email:${emailKey(attempt.email)}`,
    // An empty email signs no one in (the form refuses it): nothing to count.
    max: (settings, attempt) => (emailKey(attempt.email) === '' ? null : settings.signInPerEmailPerMinute),
  },
];
