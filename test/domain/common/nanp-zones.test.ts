import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NANP_ZONES, zoneOfNanpNumber } from '../../../src/domain/common/nanp-zones.js';
import { resolveTimeZone } from '../../../src/domain/common/timezone.js';

describe('NANP area code → time zone', () => {
  it('names only zones the runtime knows', () => {
    for (const [npa, zone] of NANP_ZONES)
      assert.equal(resolveTimeZone(zone) !== null, true, `${npa} ${zone}`);
  });

  it('covers every Canadian geographic area code', () => {
    // CNA's list of geographic NPAs (2026), overlays included.
    const canada = [
      204, 226, 236, 249, 250, 257, 263, 289, 306, 343, 354, 365, 367, 368, 382, 403, 416, 418, 428, 431, 437,
      438, 450, 468, 474, 506, 514, 519, 548, 579, 581, 584, 587, 604, 613, 639, 647, 672, 683, 705, 709, 742,
      753, 778, 780, 782, 807, 819, 825, 867, 873, 879, 902, 905, 942,
    ];
    assert.deepEqual(
      canada.filter((npa) => !NANP_ZONES.has(npa)),
      [],
    );
  });

  it('reads the zone of a number in international digits', () => {
    assert.equal(zoneOfNanpNumber('15145550101'), 'America/Toronto');
    assert.equal(zoneOfNanpNumber('16045550101'), 'America/Vancouver');
    assert.equal(zoneOfNanpNumber('17095550101'), 'America/St_Johns');
    assert.equal(zoneOfNanpNumber('13065550101'), 'America/Regina');
    assert.equal(zoneOfNanpNumber('12125550101'), 'America/New_York');
    assert.equal(zoneOfNanpNumber('16025550101'), 'America/Phoenix');
    // Split codes take the majority zone (documented in nanp-zones.ts).
    assert.equal(zoneOfNanpNumber('18075550101'), 'America/Toronto');
    assert.equal(zoneOfNanpNumber('18505550101'), 'America/Chicago');
  });

  it('knows no zone for toll-free, non-NANP or short numbers', () => {
    assert.equal(zoneOfNanpNumber('18005550101'), null);
    assert.equal(zoneOfNanpNumber('33612345678'), null);
    assert.equal(zoneOfNanpNumber('5145550101'), null);
    assert.equal(zoneOfNanpNumber('55555'), null);
  });
});
