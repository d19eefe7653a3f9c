import fastifyRateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import {
  API_LIMITS,
  DAY_MS,
  SIGN_IN_LIMITS,
  type LimitedCall,
  type LimitRule,
  type RateLimitSettings,
  type SignInAttempt,
} from '../domain/accounts/rate-limits.js';
import { rateLimited } from '../domain/errors.js';
import type { RateCounter } from '../domain/ports/rate-counter.js';

/** A limit a request went over: which, and in how many seconds its window ends (Retry-After). */
export interface LimitExceeded {
  readonly scope: LimitRule<unknown>['scope'];
  readonly windowMs: number;
  readonly max: number;
  readonly retryAfterSeconds: number;
}

/**
 * Counts a request against every limit of its subject, sets the `x-ratelimit-*` headers of the
 * tightest one (and `Retry-After` when over), and answers the limit exceeded, if any.
 */
export type LimitCheck<S> = (
  request: FastifyRequest,
  reply: FastifyReply,
  subject: S,
) => Promise<LimitExceeded | undefined>;

export interface RateLimiters {
  /** The API's: per key, per account per minute and per day. */
  readonly api: LimitCheck<LimitedCall>;
  /** The web sign-in's: per client address and per email. */
  readonly signIn: LimitCheck<SignInAttempt>;
}

/** Between two warnings that the counter store fails (Redis or the database unreachable). */
const STORE_WARNING_EVERY_MS = 10_000;

/**
 * @fastify/rate-limit over the platform's RateCounter (Redis, the database or memory: main.ts
 * picks), with one limiter per rule. Routes opt in by calling a check (the API's endpoints after the
 * key is authenticated; the sign-in form before the password is checked); nothing is limited
 * globally, so /health, /metrics and static assets cost no counter.
 *
 * When the counter store fails the request goes through (fail open) and a warning is logged: an
 * outage of Redis must not become an outage of the API. SECURITY.md says so.
 */
export async function installRateLimits(
  app: FastifyInstance,
  counter: RateCounter,
  settings: RateLimitSettings,
  log: Logger,
): Promise<RateLimiters> {
  await app.register(fastifyRateLimit, { global: false, store: counterStore(counter, log) });
  return {
    api: limitCheck(app, API_LIMITS, settings),
    signIn: limitCheck(app, SIGN_IN_LIMITS, settings),
  };
}

/** The plugin's store interface over a RateCounter; every route shares the one counter. */
function counterStore(counter: RateCounter, log: Logger): new () => FastifyRateLimitStore {
  let lastWarningAt = Number.NEGATIVE_INFINITY;
  return class CounterStore implements FastifyRateLimitStore {
    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      counter.hit(key, timeWindow).then(
        (count) => callback(null, { current: count.hits, ttl: count.resetInMs }),
        (error: unknown) => {
          if (Date.now() - lastWarningAt >= STORE_WARNING_EVERY_MS) {
            lastWarningAt = Date.now();
            log.warn({ err: error }, 'rate counter store failed: requests pass unlimited meanwhile');
          }
          callback(null, { current: 0, ttl: 0 });
        },
      );
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

function limitCheck<S>(
  app: FastifyInstance,
  rules: readonly LimitRule<S>[],
  settings: RateLimitSettings,
): LimitCheck<S> {
  // The plugin's callbacks see the request only: the subject of each request waits here meanwhile.
  const subjects = new WeakMap<FastifyRequest, S>();
  const subjectOf = (request: FastifyRequest): S => {
    const subject = subjects.get(request);
    if (subject === undefined) throw new Error('rate limit checked without its subject');
    return subject;
  };
  const limiters = rules.map((rule) => ({
    rule,
    check: app.createRateLimit({
      timeWindow: rule.windowMs,
      keyGenerator: (request) => rule.counterKey(subjectOf(request)),
      // A limit that does not apply (null) costs no counter: the allow-list skips it.
      allowList: (request) => rule.max(settings, subjectOf(request)) === null,
      max: (request) => rule.max(settings, subjectOf(request)) ?? 0,
    }),
  }));
  return async (request, reply, subject) => {
    // Only the limits that apply go through the plugin (its call costs even when allow-listed); with
    // none set (the default) a request costs no limiter at all.
    const applying = limiters.filter(({ rule }) => rule.max(settings, subject) !== null);
    if (applying.length === 0) return undefined;
    subjects.set(request, subject);
    const results = await Promise.all(
      applying.map(async ({ rule, check }) => ({ rule, result: await check(request) })),
    );
    const shown = tightest(
      results.flatMap(({ rule, result }) =>
        result.isAllowed
          ? []
          : [
              {
                rule,
                max: result.max,
                remaining: result.remaining,
                ttl: result.ttlInSeconds,
                over: result.isExceeded,
              },
            ],
      ),
    );
    if (!shown) return undefined;
    reply.header('x-ratelimit-limit', shown.max);
    reply.header('x-ratelimit-remaining', shown.remaining);
    reply.header('x-ratelimit-reset', shown.ttl);
    if (!shown.over) return undefined;
    const retryAfterSeconds = Math.max(1, shown.ttl);
    reply.header('retry-after', retryAfterSeconds);
    return { scope: shown.rule.scope, windowMs: shown.rule.windowMs, max: shown.max, retryAfterSeconds };
  };
}

interface CountedLimit<S> {
  readonly rule: LimitRule<S>;
  readonly max: number;
  readonly remaining: number;
  /** Seconds until its window ends. */
  readonly ttl: number;
  readonly over: boolean;
}

/** The limit a client is shown: one it is over (the longest wait), else the one with least left. */
function tightest<S>(counted: readonly CountedLimit<S>[]): CountedLimit<S> | undefined {
  let shown: CountedLimit<S> | undefined;
  for (const candidate of counted) {
    if (
      !shown ||
      (candidate.over && !shown.over) ||
      (candidate.over && shown.over && candidate.ttl > shown.ttl) ||
      (!candidate.over && !shown.over && candidate.remaining < shown.remaining)
    )
      shown = candidate;
  }
  return shown;
}

/** The API's refusal of a call over one of its limits: 429 with the contract's error shape. */
export function apiLimitError(exceeded: LimitExceeded): Error {
  const scope = exceeded.scope === 'key' ? 'key' : 'account';
  return rateLimited(scope, exceeded.max, exceeded.windowMs >= DAY_MS ? 'day' : 'minute');
}
