import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { carrierIdKeys, normaliseCarrierId, scopedCarrierId } from '../../../src/domain/sms/carrier-id.js';

describe('carrier ids', () => {
  it('normalise hex-digit ids to lower case without leading zeros; others only trimmed', () => {
    assert.equal(normaliseCarrierId(' 0000A1F '), 'a1f');
    assert.equal(normaliseCarrierId('000'), '0');
    assert.equal(normaliseCarrierId('0012345'), '12345');
    assert.equal(normaliseCarrierId('Msg-00A1'), 'Msg-00A1');
  });

  it('give the exact form first, then the other base', () => {
    assert.deepEqual(carrierIdKeys('305419896'), ['305419896', '12345678', '12973086870']);
    assert.deepEqual(carrierIdKeys('FF'), ['ff', '255']);
    assert.deepEqual(carrierIdKeys('A0000000'), ['a0000000', '2684354560']);
    assert.deepEqual(carrierIdKeys('b3f1c6a0-uuid'), ['b3f1c6a0-uuid']);
  });

  it('match a hex submit id to a decimal receipt id and the reverse', () => {
    const hexSubmit = normaliseCarrierId('00A1B2C3');
    assert.ok(carrierIdKeys(String(0xa1b2c3)).includes(hexSubmit));
    const decimalSubmit = normaliseCarrierId('0010597059');
    assert.ok(carrierIdKeys((10597059).toString(16).toUpperCase()).includes(decimalSubmit));
  });

  it('keep the SMSC scope of an id apart from the id, which is normalised and read in both bases', () => {
    assert.equal(scopedCarrierId('10.0.0.1:2775', ' 00A1F '), '10.0.0.1:2775|a1f');
    assert.equal(scopedCarrierId(undefined, '00A1F'), 'a1f');
    assert.deepEqual(carrierIdKeys('mtl|A1F'), ['mtl|a1f', 'mtl|2591']);
    assert.ok(!carrierIdKeys('mtl|A1F').includes(scopedCarrierId('backup', 'a1f')), 'two SMSCs, two ids');
  });
});
