import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_QUIET_HOURS,
  formatClock,
  inWindow,
  parseClock,
  QuietHours,
} from '../../../src/domain/broadcasts/quiet-hours.js';

const MONTREAL = '15145550101';
const VANCOUVER = '16045550101';
const TOLL_FREE = '18665550101';
const at = (iso: string): number => Date.parse(iso);

describe('quiet hours', () => {
  const quiet = new QuietHours(DEFAULT_QUIET_HOURS, 'America/Halifax');

  it('reads HH:MM and the window, which wraps past midnight', () => {
    assert.equal(parseClock('21:00'), 1260);
    assert.equal(parseClock('8:05'), 485);
    assert.equal(parseClock('24:00'), null);
    assert.equal(parseClock('21h'), null);
    assert.equal(formatClock(480), '08:00');
    assert.equal(inWindow(DEFAULT_QUIET_HOURS, 21 * 60), true);
    assert.equal(inWindow(DEFAULT_QUIET_HOURS, 7 * 60 + 59), true);
    assert.equal(inWindow(DEFAULT_QUIET_HOURS, 8 * 60), false);
    assert.equal(inWindow({ startMinute: 720, endMinute: 780 }, 750), true);
    assert.equal(inWindow({ startMinute: 720, endMinute: 780 }, 800), false);
  });

  it('releases each recipient at 08:00 in the zone of its area code, else the account’s', () => {
    // 05:00 UTC: 00:00 in Montréal, 21:00 (the evening before) in Vancouver, 01:00 in Halifax.
    const now = at('2026-12-03T05:00:00Z');
    assert.equal(quiet.releaseAt(MONTREAL, now), at('2026-12-03T13:00:00Z'));
    assert.equal(quiet.releaseAt(VANCOUVER, now), at('2026-12-03T16:00:00Z'));
    assert.equal(quiet.releaseAt(TOLL_FREE, now), at('2026-12-03T12:00:00Z'));
  });

  it('reads a contact’s own zone before its area code’s; a zone the runtime does not know is passed over', () => {
    const now = at('2026-12-03T05:00:00Z');
    assert.equal(quiet.zoneOf(MONTREAL, 'America/Vancouver'), 'America/Vancouver');
    assert.equal(quiet.releaseAt(MONTREAL, now, 'America/Vancouver'), at('2026-12-03T16:00:00Z'));
    assert.equal(quiet.releaseAt(TOLL_FREE, now, 'America/Vancouver'), at('2026-12-03T16:00:00Z'));
    assert.equal(
      quiet.dueAt(MONTREAL, now + 500, now, 'America/Vancouver'),
      at('2026-12-03T16:00:00Z') + 500,
    );
    assert.equal(quiet.releaseAt(MONTREAL, now, null), at('2026-12-03T13:00:00Z'));
    assert.equal(quiet.zoneOf(MONTREAL, 'Mars/Olympus'), 'America/Toronto');
    assert.equal(quiet.zoneOf(TOLL_FREE, 'Mars/Olympus'), 'America/Halifax');
  });

  it('lets a message leave at once outside the window, and holds one from its very start', () => {
    const noonInMontreal = at('2026-12-03T17:00:00Z');
    assert.equal(quiet.releaseAt(MONTREAL, noonInMontreal), noonInMontreal);
    // 21:00 Montréal: held until tomorrow 08:00.
    assert.equal(quiet.releaseAt(MONTREAL, at('2026-12-04T02:00:00Z')), at('2026-12-04T13:00:00Z'));
    // 08:00 sharp: free.
    assert.equal(quiet.releaseAt(MONTREAL, at('2026-12-03T13:00:00Z')), at('2026-12-03T13:00:00Z'));
  });

  it('releases at 08:00 local across a DST change (EST before, EDT after)', () => {
    // 2026-03-08 is the spring-forward night in Montréal: 23:00 EST the evening before → 08:00 EDT.
    assert.equal(quiet.releaseAt(MONTREAL, at('2026-03-08T04:00:00Z')), at('2026-03-08T12:00:00Z'));
    // 2026-11-01: fall back; 00:30 EDT → 08:00 EST.
    assert.equal(quiet.releaseAt(MONTREAL, at('2026-11-01T04:30:00Z')), at('2026-11-01T13:00:00Z'));
  });

  it('keeps the pacing of held messages from their release', () => {
    const now = at('2026-12-03T05:00:00Z');
    assert.equal(quiet.dueAt(MONTREAL, now + 500, now), at('2026-12-03T13:00:00Z') + 500);
    const noon = at('2026-12-03T17:00:00Z');
    assert.equal(quiet.dueAt(MONTREAL, noon + 500, noon), noon + 500);
  });

  it('costs little for 100,000 recipients', () => {
    const now = at('2026-12-03T05:00:00Z');
    const numbers = [MONTREAL, VANCOUVER, TOLL_FREE, '14185550101', '17805550101'];
    const fresh = new QuietHours(DEFAULT_QUIET_HOURS, 'America/Toronto');
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) fresh.dueAt(numbers[i % numbers.length] ?? MONTREAL, now + i * 10, now);
    assert.ok(performance.now() - started < 1500, 'a map lookup or two per message');
  });
});
