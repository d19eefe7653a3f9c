import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carrierKey, receiptKeys } from '../../src/domain/carrier-id.js';

describe('carrier ids: hex in the submit, decimal in the receipt, or any mix', () => {
  it('stores ids lower-cased without leading zeros', () => {
    assert.equal(carrierKey('0A1B2C3D'), 'a1b2c3d');
    assert.equal(carrierKey(' 000123 '), '123');
    assert.equal(carrierKey('0'), '0');
    assert.equal(carrierKey('abc-DEF-1'), 'abc-def-1');
  });

  it('matches a decimal receipt id to a hex submit id, and the reverse', () => {
    const stored = carrierKey('0A1B2C3D');
    assert.ok(receiptKeys('169552957').includes(stored)); // 0x0A1B2C3D in decimal
    assert.ok(receiptKeys('0169552957').includes(stored)); // zero-padded to 10 digits
    assert.ok(receiptKeys('a1b2c3d').includes(carrierKey('169552957')));
  });

  it('tries the id as written first', () => {
    assert.equal(receiptKeys('1234')[0], '1234');
    assert.deepEqual(receiptKeys('1234'), ['1234', '4d2', '4660']);
    assert.deepEqual(receiptKeys('msg-77'), ['msg-77']);
  });
});
