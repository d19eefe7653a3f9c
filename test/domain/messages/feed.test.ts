import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFeedQuery, renderStatusMt } from '../../../src/domain/messages/feed.js';

describe('status_mt', () => {
  it('writes the four documented states; a claimed message is still queued to the client', () => {
    const plain = (status: string) => renderStatusMt({ status, detailed_status: null }, true);
    assert.deepEqual(['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'].map(plain), [
      'queued',
      'queued',
      'sent',
      'delivered',
      'failed',
      'failed',
    ]);
  });

  it('writes the receipt’s <STAT>_<ERR> once one arrived, for accounts with detailed statuses only', () => {
    const row = { status: 'failed', detailed_status: 'UNDELIV_300' };
    assert.equal(renderStatusMt(row, true), 'UNDELIV_300');
    assert.equal(renderStatusMt(row, false), 'failed');
  });
});

describe('get_feed parameters', () => {
  it('defaults to UTC, mo and the 10,000 maximum, and reads date_start in the zone given', () => {
    assert.deepEqual(parseFeedQuery({ date_start: '2013-09-09 03:26:00' }), {
      startAt: Date.parse('2013-09-09T03:26:00Z'),
      timeZone: 'UTC',
      direction: 'mo',
      sinceId: undefined,
      limit: 10_000,
    });
    const montreal = parseFeedQuery({
      date_start: '2013-09-08 23:26:00',
      pref_timezone: 'America/Montreal',
      direction: 'MT',
      since_id: '41',
      limit: '20000',
    });
    assert.equal(montreal.startAt, Date.parse('2013-09-09T03:26:00Z'));
    assert.deepEqual([montreal.direction, montreal.sinceId, montreal.limit], ['mt', 41, 10_000]);
    assert.equal(parseFeedQuery({ date_start: '2013-09-09 03:26:00', direction: '' }).direction, 'mo');
  });
});
