import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AROUND, BELOW, retryDelayMs } from '../../../src/domain/common/backoff.js';

describe('retryDelayMs (the one backoff)', () => {
  const middle = () => 0.5;

  it('doubles per attempt from the base, up to the cap', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, 1_000, 5_000, middle));
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('spreads ±20 % around the value by default', () => {
    assert.equal(
      retryDelayMs(3, 1_000, 60_000, () => 0),
      3_200,
    );
    assert.equal(
      retryDelayMs(3, 1_000, 60_000, () => 1),
      4_800,
    );
    assert.equal(
      retryDelayMs(3, 1_000, 60_000, () => 0, AROUND),
      3_200,
    );
  });

  it('stays at or below the cap with BELOW (SMPP reconnects)', () => {
    assert.equal(
      retryDelayMs(20, 500, 30_000, () => 1, BELOW),
      30_000,
    );
    assert.equal(
      retryDelayMs(20, 500, 30_000, () => 0, BELOW),
      15_000,
    );
    assert.equal(
      retryDelayMs(1, 500, 30_000, () => 0, BELOW),
      250,
    );
  });
});
