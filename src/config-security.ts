import { MAX_RATE_LIMIT, type RateLimitSettings } from './domain/accounts/rate-limits.js';

type Environment = Readonly<Record<string, string | undefined>>;

/** Rate limits, their shared store, and the token of the operator's endpoints (SECURITY.md). */
export interface SecurityConfig {
  readonly rateLimits: RateLimitSettings;
  /** Where the rate counters live when set (REDIS_URL); else the database or this process's memory. */
  readonly redisUrl: string | undefined;
  /** The bearer token /metrics and /health require (METRICS_TOKEN); undefined: open. */
  readonly metricsToken: string | undefined;
}

/** Sign-in attempts per minute by default: above what a person types, far below a password spray. */
const SIGN_IN_PER_ADDRESS = 60;
const SIGN_IN_PER_EMAIL = 20;
/** Shorter tokens are guessable: refuse them rather than protect /metrics with one. */
const METRICS_TOKEN_MIN_LENGTH = 16;

export function readSecurityConfig(env: Environment, problems: string[]): SecurityConfig {
  const rateLimits: RateLimitSettings = {
    perKeyPerMinute: parseLimit('RATE_LIMIT_PER_KEY', env, null, problems),
    perAccountPerMinute: parseLimit('RATE_LIMIT_PER_ACCOUNT', env, null, problems),
    perAccountPerDay: parseLimit('RATE_LIMIT_PER_DAY', env, null, problems),
    signInPerAddressPerMinute: parseLimit('SIGN_IN_LIMIT_PER_IP', env, SIGN_IN_PER_ADDRESS, problems),
    signInPerEmailPerMinute: parseLimit('SIGN_IN_LIMIT_PER_EMAIL', env, SIGN_IN_PER_EMAIL, problems),
  };
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    problems.push('REDIS_URL: expected redis://[user:password@]host:port[/db] or rediss://…');
  const metricsToken = env.METRICS_TOKEN?.trim() || undefined;
  if (metricsToken !== undefined && metricsToken.length < METRICS_TOKEN_MIN_LENGTH)
    problems.push(`METRICS_TOKEN: expected at least ${METRICS_TOKEN_MIN_LENGTH} characters`);
  return { rateLimits: Object.freeze(rateLimits), redisUrl, metricsToken };
}

/** A limit: a whole number from 1, `unlimited`, or unset (the default). */
function parseLimit(
  name: string,
  env: Environment,
  fallback: number | null,
  problems: string[],
): number | null {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'unlimited') return null;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > MAX_RATE_LIMIT) {
    problems.push(`${name}: expected a whole number from 1 to ${MAX_RATE_LIMIT}, or unlimited`);
    return fallback;
  }
  return value;
}
