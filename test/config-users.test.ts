import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, readConfig } from '../src/config.js';

describe('configuration of the web platform’s users', () => {
  it('defaults: admin@localhost, 12-hour idle and 7-day sessions', () => {
    const config = readConfig({});
    assert.equal(config.adminEmail, 'admin@localhost');
    assert.deepEqual(config.webSessions, { idleMs: 12 * 3_600_000, maxAgeMs: 7 * 86_400_000 });
  });

  it('reads ADMIN_EMAIL (lower-cased) and the session lengths', () => {
    const config = readConfig({
      ADMIN_EMAIL: ' Boss@Example.com ',
      WEB_SESSION_IDLE_HOURS: '2',
      WEB_SESSION_MAX_DAYS: '30',
    });
    assert.equal(config.adminEmail, 'boss@example.com');
    assert.deepEqual(config.webSessions, { idleMs: 2 * 3_600_000, maxAgeMs: 30 * 86_400_000 });
  });

  it('names each bad variable and what it expects', () => {
    assert.throws(
      () => readConfig({ ADMIN_EMAIL: 'boss', WEB_SESSION_IDLE_HOURS: '0', WEB_SESSION_MAX_DAYS: '1.5' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.message.split('\n'), [
          'ADMIN_EMAIL: expected an email address',
          'WEB_SESSION_IDLE_HOURS: expected a whole number from 1 to 720',
          'WEB_SESSION_MAX_DAYS: expected a whole number from 1 to 365',
        ]);
        return true;
      },
    );
  });
});
