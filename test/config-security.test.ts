import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, readConfig } from '../src/config.js';

describe('configuration of the rate limits, their store and the metrics token', () => {
  it('defaults: no API limit, sign-in 60 per address and 20 per email a minute, memory or database, open /metrics', () => {
    assert.deepEqual(readConfig({}).security, {
      rateLimits: {
        perKeyPerMinute: null,
        perAccountPerMinute: null,
        perAccountPerDay: null,
        signInPerAddressPerMinute: 60,
        signInPerEmailPerMinute: 20,
      },
      redisUrl: undefined,
      metricsToken: undefined,
    });
  });

  it('reads each variable; unlimited turns a limit off', () => {
    const config = readConfig({
      RATE_LIMIT_PER_KEY: '600',
      RATE_LIMIT_PER_ACCOUNT: ' 1000 ',
      RATE_LIMIT_PER_DAY: '500000',
      SIGN_IN_LIMIT_PER_IP: 'unlimited',
      SIGN_IN_LIMIT_PER_EMAIL: '5',
      REDIS_URL: 'redis://:pw@127.0.0.1:6379/2',
      METRICS_TOKEN: 'a-long-enough-token',
    });
    assert.deepEqual(config.security, {
      rateLimits: {
        perKeyPerMinute: 600,
        perAccountPerMinute: 1000,
        perAccountPerDay: 500000,
        signInPerAddressPerMinute: null,
        signInPerEmailPerMinute: 5,
      },
      redisUrl: 'redis://:pw@127.0.0.1:6379/2',
      metricsToken: 'a-long-enough-token',
    });
  });

  it('one line per bad value, naming the variable', () => {
    assert.throws(
      () =>
        readConfig({
          RATE_LIMIT_PER_KEY: '0',
          RATE_LIMIT_PER_DAY: '1.5',
          REDIS_URL: 'localhost:6379',
          METRICS_TOKEN: 'short',
        }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message ===
          [
            'RATE_LIMIT_PER_KEY: expected a whole number from 1 to 1000000000, or unlimited',
            'RATE_LIMIT_PER_DAY: expected a whole number from 1 to 1000000000, or unlimited',
            'REDIS_URL: expected redis://[user:password@]host:port[/db] or rediss://…',
            'METRICS_TOKEN: expected at least 16 characters',
          ].join('\n'),
    );
  });
});
