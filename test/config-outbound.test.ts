import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, readConfig } from '../src/config.js';

describe('outbound configuration', () => {
  it('has working defaults for a first run', () => {
    const config = readConfig({});
    assert.deepEqual(config.verify, {
      limitPerNumber: 5,
      limitPerKey: 100,
      landlinePrefixes: [],
      fallbackWaitMs: 120_000,
      codeTtlMs: 600_000,
      retries: 1,
      retryDelayMs: 60_000,
      maxConcurrentCalls: 10,
      callLeaseMs: 60_000,
    });
    assert.equal(config.dispatch.batchSize, 500);
    assert.equal(config.dispatch.receiptRetries, 0);
    assert.equal(config.dispatch.paused, false);
    assert.deepEqual(config.sandboxSms.outcome, { kind: 'receipt', stat: 'DELIVRD', err: '000' });
  });

  it('reads the environment', () => {
    const config = readConfig({
      VERIFY_LIMIT_PER_NUMBER: '3',
      VERIFY_LIMIT_PER_KEY: '50',
      LANDLINE_PREFIXES: '1514555, +1819',
      SANDBOX_SMS_OUTCOME: 'UNDELIV:300',
      DISPATCH_CONCURRENCY: '8',
      SMS_SENDING_PAUSED: '1',
      VERIFY_CODE_TTL_MS: '300000',
      VERIFY_CALL_RETRIES: '0',
      VERIFY_CALL_RETRY_DELAY_MS: '30000',
      VOICE_MAX_CALLS: '50',
      VERIFY_CALL_LEASE_MS: '5000',
    });
    assert.equal(config.verify.callLeaseMs, 5_000);
    assert.equal(config.verify.codeTtlMs, 300_000);
    assert.equal(config.verify.retries, 0);
    assert.equal(config.verify.retryDelayMs, 30_000);
    assert.equal(config.verify.maxConcurrentCalls, 50);
    assert.equal(config.verify.limitPerNumber, 3);
    assert.equal(config.verify.limitPerKey, 50);
    assert.deepEqual(config.verify.landlinePrefixes, ['1514555', '1819']);
    assert.deepEqual(config.sandboxSms.outcome, { kind: 'receipt', stat: 'UNDELIV', err: '300' });
    assert.equal(config.dispatch.concurrency, 8);
    assert.equal(config.dispatch.paused, true);
  });

  it('names each bad variable in one line', () => {
    assert.throws(
      () =>
        readConfig({
          VERIFY_LIMIT_PER_NUMBER: 'five',
          LANDLINE_PREFIXES: '514-555',
          SANDBOX_SMS_OUTCOME: 'maybe',
          DISPATCH_BATCH_SIZE: '0',
          SMS_SENDING_PAUSED: 'yes',
          VOICE_MAX_CALLS: '0',
          VERIFY_CALL_LEASE_MS: '999',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.message.split('\n'), [
          'DISPATCH_BATCH_SIZE: expected a whole number of at least 1',
          'SMS_SENDING_PAUSED: expected 1 or 0',
          'LANDLINE_PREFIXES: "514-555" is not a number prefix (digits, international form)',
          'VERIFY_LIMIT_PER_NUMBER: expected a whole number of at least 1',
          'VOICE_MAX_CALLS: expected a whole number of at least 1',
          'VERIFY_CALL_LEASE_MS: expected a whole number of at least 1000',
          'SANDBOX_SMS_OUTCOME: expected STAT:ERR (e.g. DELIVRD:000, UNDELIV:300), reject, throttle or silent',
        ]);
        return true;
      },
    );
  });
});
