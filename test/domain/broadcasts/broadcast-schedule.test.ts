import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBroadcastSender, parseLaunch } from '../../../src/domain/broadcasts/broadcast-schedule.js';
import type { Broadcast } from '../../../src/domain/broadcasts/broadcasts.js';
import { DomainError } from '../../../src/domain/errors.js';
import { makeTexts } from '../../helpers/broadcasts.js';

const NOW = Date.parse('2031-01-15T12:00:00Z');

const pending = (launchDate: number | null): Broadcast => ({
  id: 1,
  accountId: 1,
  name: 'b',
  texts: makeTexts({ frMessage: 'x' }),
  status: 'pending',
  launchDate,
  launchTimeZone: null,
  fromNumber: null,
  endDate: null,
  groupNames: [],
  smsTotal: 0,
  emailTotal: 0,
});

const refusal = (id: string) => (error: unknown) => error instanceof DomainError && error.id === id;

describe('launch_date and launch_timezone', () => {
  it('reads launch_date in the zone, DST-correct', () => {
    assert.deepEqual(
      parseLaunch({ launch_date: '2031-07-01 09:00:00', launch_timezone: 'america/montreal' }, null, NOW),
      {
        launchDate: Date.parse('2031-07-01T13:00:00Z'),
        // The runtime's canonical name (tzdata links Montréal to Toronto).
        launchTimeZone: 'America/Toronto',
      },
    );
    assert.equal(
      parseLaunch({ launch_date: '2031-12-01 09:00:00', launch_timezone: 'America/Montreal' }, null, NOW)
        .launchDate,
      Date.parse('2031-12-01T14:00:00Z'),
    );
    // UTC when no zone is given, stored as null.
    assert.deepEqual(parseLaunch({ launch_date: '2031-07-01 09:00:00' }, null, NOW), {
      launchDate: Date.parse('2031-07-01T09:00:00Z'),
      launchTimeZone: null,
    });
  });

  it('takes the transition for a time the spring skips, the first occurrence of one the autumn repeats', () => {
    const zone = 'America/Toronto';
    // 2031-03-09 02:30 does not exist in Toronto: the clocks go from 01:59:59 EST to 03:00 EDT.
    assert.equal(
      parseLaunch({ launch_date: '2031-03-09 02:30:00', launch_timezone: zone }, null, NOW).launchDate,
      Date.parse('2031-03-09T07:00:00Z'),
    );
    // 2031-11-02 01:30 happens twice: first in EDT (05:30 UTC), then in EST (06:30 UTC).
    assert.equal(
      parseLaunch({ launch_date: '2031-11-02 01:30:00', launch_timezone: zone }, null, NOW).launchDate,
      Date.parse('2031-11-02T05:30:00Z'),
    );
  });

  it('refuses an unknown zone, and a zone without a date', () => {
    assert.throws(
      () => parseLaunch({ launch_date: '2031-07-01 09:00:00', launch_timezone: 'Mars/Olympus' }, null, NOW),
      refusal('invalid_timezone'),
    );
    assert.throws(
      () => parseLaunch({ launch_timezone: 'America/Montreal' }, null, NOW),
      refusal('invalid_broadcast'),
    );
  });

  it('refuses a launch in the past, beyond a minute’s grace', () => {
    assert.throws(
      () => parseLaunch({ launch_date: '2031-01-15 11:58:59' }, null, NOW),
      refusal('launch_date_in_past'),
    );
    assert.equal(parseLaunch({ launch_date: '2031-01-15 11:59:30' }, null, NOW).launchDate, NOW - 30_000);
    // In a zone: 06:00 in Montréal is 11:00 UTC, an hour ago.
    assert.throws(
      () =>
        parseLaunch({ launch_date: '2031-01-15 06:00:00', launch_timezone: 'America/Montreal' }, null, NOW),
      refusal('launch_date_in_past'),
    );
  });

  it('lets a modification send back the launch it already has, even once passed', () => {
    const old = Date.parse('2031-01-01T00:00:00Z');
    assert.equal(parseLaunch({ launch_date: '2031-01-01 00:00:00' }, pending(old), NOW).launchDate, old);
    assert.equal(parseLaunch({}, pending(old), NOW).launchDate, old);
    assert.throws(
      () => parseLaunch({ launch_date: '2031-01-02 00:00:00' }, pending(old), NOW),
      refusal('launch_date_in_past'),
    );
    assert.equal(parseLaunch({ launch_date: '' }, pending(old), NOW).launchDate, null);
  });
});

describe('from (the broadcast’s sender)', () => {
  it('reads digits, keeps the current one when absent, clears when empty', () => {
    assert.equal(parseBroadcastSender('+15149541234', null), '15149541234');
    assert.equal(
      parseBroadcastSender(undefined, { ...pending(null), fromNumber: '15149541234' }),
      '15149541234',
    );
    assert.equal(parseBroadcastSender('', { ...pending(null), fromNumber: '15149541234' }), null);
    assert.throws(() => parseBroadcastSender('514-954-1234', null), refusal('unknown_sender'));
  });
});
