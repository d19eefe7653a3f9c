import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUtc, parseDateTime } from '../../../src/domain/common/dates.js';
import {
  localToUtc,
  resolveTimeZone,
  ZonedFormatter,
  zoneOffsetMs,
} from '../../../src/domain/common/timezone.js';

const MONTREAL = 'America/Montreal';

function toUtc(local: string, zone: string): string {
  const parsed = parseDateTime(local);
  assert.ok(parsed, local);
  return formatUtc(localToUtc(parsed, zone));
}
const inZone = (utc: string, zone: string) =>
  new ZonedFormatter(zone).format(Date.parse(`${utc.replace(' ', 'T')}Z`));

describe('wall-clock time in an IANA zone', () => {
  it('reads the source’s example: 23:26 in Montréal is 03:26 UTC the next day, and back', () => {
    assert.equal(toUtc('2013-09-08 23:26:00', MONTREAL), '2013-09-09 03:26:00');
    assert.equal(inZone('2013-09-09 03:26:18', MONTREAL), '2013-09-08 23:26:18');
  });

  it('uses winter and summer offsets on each side of the spring change (10 March 2024)', () => {
    assert.equal(toUtc('2024-03-10 01:59:59', MONTREAL), '2024-03-10 06:59:59'); // EST, -5
    assert.equal(toUtc('2024-03-10 03:00:00', MONTREAL), '2024-03-10 07:00:00'); // EDT, -4
    assert.equal(inZone('2024-03-10 06:59:59', MONTREAL), '2024-03-10 01:59:59');
    assert.equal(inZone('2024-03-10 07:00:00', MONTREAL), '2024-03-10 03:00:00');
  });

  it('maps a time in the spring gap (02:30 never happens) to the change itself: nothing is skipped', () => {
    assert.equal(toUtc('2024-03-10 02:00:00', MONTREAL), '2024-03-10 07:00:00');
    assert.equal(toUtc('2024-03-10 02:30:00', MONTREAL), '2024-03-10 07:00:00');
    assert.equal(toUtc('2024-03-10 02:59:59', MONTREAL), '2024-03-10 07:00:00');
  });

  it('maps a time of the autumn overlap (01:30 happens twice) to its first occurrence', () => {
    assert.equal(toUtc('2024-11-03 01:30:00', MONTREAL), '2024-11-03 05:30:00'); // EDT
    assert.equal(toUtc('2024-11-03 00:59:59', MONTREAL), '2024-11-03 04:59:59');
    assert.equal(toUtc('2024-11-03 02:00:00', MONTREAL), '2024-11-03 07:00:00'); // EST
    assert.equal(inZone('2024-11-03 05:30:00', MONTREAL), '2024-11-03 01:30:00');
    assert.equal(inZone('2024-11-03 06:30:00', MONTREAL), '2024-11-03 01:30:00');
    assert.equal(inZone('2024-11-03 06:59:59', MONTREAL), '2024-11-03 01:59:59');
    assert.equal(inZone('2024-11-03 07:00:00', MONTREAL), '2024-11-03 02:00:00');
  });

  it('handles other zones: half-hour offsets, half-hour changes, southern summers', () => {
    assert.equal(toUtc('2024-07-01 12:00:00', 'Asia/Kolkata'), '2024-07-01 06:30:00');
    assert.equal(toUtc('2024-10-06 02:15:00', 'Australia/Lord_Howe'), '2024-10-05 15:30:00');
    assert.equal(inZone('2024-01-15 12:00:00', 'Australia/Sydney'), '2024-01-15 23:00:00');
    assert.equal(toUtc('2024-03-31 02:30:00', 'Europe/Paris'), '2024-03-31 01:00:00');
  });

  it('formats a run of instants across a change with the right offset for each', () => {
    const formatter = new ZonedFormatter(MONTREAL);
    const start = Date.parse('2024-11-03T05:00:00Z');
    const written = [0, 30, 59, 60, 61, 90, 120].map((minutes) => formatter.format(start + minutes * 60_000));
    assert.deepEqual(written, [
      '2024-11-03 01:00:00',
      '2024-11-03 01:30:00',
      '2024-11-03 01:59:00',
      '2024-11-03 01:00:00',
      '2024-11-03 01:01:00',
      '2024-11-03 01:30:00',
      '2024-11-03 02:00:00',
    ]);
  });

  it('knows the zones the runtime knows, by their canonical name', () => {
    assert.equal(resolveTimeZone('America/Montreal') !== null, true);
    assert.equal(resolveTimeZone('utc'), 'UTC');
    assert.equal(resolveTimeZone('Mars/Olympus_Mons'), null);
    assert.equal(resolveTimeZone(''), null);
    assert.equal(zoneOffsetMs('UTC', Date.now()), 0);
    assert.equal(zoneOffsetMs(MONTREAL, Date.parse('2024-01-01T00:00:00Z')), -5 * 3600_000);
  });
});
