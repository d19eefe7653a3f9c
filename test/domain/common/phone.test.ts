import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { normalisePhone } from '../../../src/domain/common/phone.js';

/** The national reading first, then the international one: what normalisePhone did before its fast path. */
function nationalFirst(digits: string, country: CountryCode): string | null {
  for (const candidate of [digits, `+${digits}`]) {
    const parsed = parsePhoneNumberFromString(candidate, country);
    if (parsed?.isValid()) return parsed.number.slice(1);
  }
  return null;
}

describe('normalisePhone', () => {
  it('reads NANP numbers with or without the 1 and the +, formatted or not', () => {
    assert.equal(normalisePhone('15145550123', 'CA'), '15145550123');
    assert.equal(normalisePhone('5145550123', 'CA'), '15145550123');
    assert.equal(normalisePhone('+1 (514) 555-0123', 'FR'), '15145550123');
    assert.equal(normalisePhone('1 (212) 555-0123', 'CA'), '12125550123');
    assert.equal(normalisePhone('15145550123', 'FR'), '15145550123');
    assert.equal(normalisePhone('0612345678', 'FR'), '33612345678');
  });

  it('refuses what is not a valid number', () => {
    assert.equal(normalisePhone('1514555555', 'CA'), null);
    assert.equal(normalisePhone('11115550123', 'CA'), null);
    assert.equal(normalisePhone('abc', 'CA'), null);
  });

  it('gives, for 1 + 10 digits in a NANP country, what the national reading first gives', () => {
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % below;
    };
    const countries: CountryCode[] = ['CA', 'US', 'JM', 'PR', 'DO', 'BS'];
    for (let npa = 100; npa <= 999; npa++) {
      const digits = `1${npa}${String(random(1000)).padStart(3, '0')}${String(random(10000)).padStart(4, '0')}`;
      const country = countries[npa % countries.length] ?? 'CA';
      assert.equal(
        normalisePhone(digits, country),
        nationalFirst(digits, country),
        `${digits} in ${country}`,
      );
    }
  });
});
