import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * get_usage (extension): known traffic written straight into the tables, counted per Montréal day
 * (UTC−5 in winter). What the carrier bills: each part submitted (a failure after submission was
 * billed; one refused, queued or cancelled before it was not), parts received, emails sent.
 */
const utc = (iso: string) => Date.parse(`${iso}Z`);
const QUEUE_FIELDS = { attempts: 1, next_attempt_at: 0 };

describe('get_usage', () => {
  let server: TestServer;
  let broadcast: number;

  before(async () => {
    server = await startTestServer({ holdOutbound: true });
    const db = server.platform.store.db;
    const account = server.account.id;
    const other = await server.createAccount();
    const added = await server.call('post_broadcast', {
      name: 'Concours',
      from_groups: 'Tous',
      fr_message: 'x',
    });
    broadcast = Number(added.body.broadcast.id);
    const mt = (o: {
      status: string;
      sentAt: number | null;
      parts?: number;
      broadcastId?: number;
      accountId?: number;
    }) => ({
      account_id: o.accountId ?? account,
      direction: 'mt' as const,
      from_number: '15149541234',
      to_number: '15145550501',
      body: 'x',
      part_count: o.parts ?? 1,
      encoding: 'GSM-7',
      status: o.status,
      broadcast_id: o.broadcastId ?? null,
      created_at: (o.sentAt ?? utc('2026-12-01T12:00:00')) - 60_000,
      sent_at: o.sentAt,
      ...QUEUE_FIELDS,
      priority: 0,
    });
    await db
      .insertInto('messages')
      .values([
        // 23:30 in Montréal on Nov 30 (04:30 UTC on Dec 1): a single send of 2 parts.
        mt({ status: 'delivered', sentAt: utc('2026-12-01T04:30:00'), parts: 2 }),
        // The broadcast, on Dec 1 at 10:00 Montréal: three billed, three never submitted.
        mt({ status: 'delivered', sentAt: utc('2026-12-01T15:00:00'), broadcastId: broadcast }),
        mt({ status: 'sent', sentAt: utc('2026-12-01T15:00:01'), broadcastId: broadcast }),
        mt({ status: 'failed', sentAt: utc('2026-12-01T15:00:02'), broadcastId: broadcast }),
        mt({ status: 'failed', sentAt: null, broadcastId: broadcast }),
        mt({ status: 'queued', sentAt: null, broadcastId: broadcast }),
        mt({ status: 'cancelled', sentAt: null, broadcastId: broadcast }),
        // 00:30 Montréal on Dec 3: after the range.
        mt({ status: 'delivered', sentAt: utc('2026-12-03T05:30:00') }),
        // Another account's, in the range.
        mt({ status: 'delivered', sentAt: utc('2026-12-01T15:00:00'), accountId: other.id, parts: 5 }),
        {
          account_id: account,
          direction: 'mo',
          from_number: '15145550501',
          to_number: '15149541234',
          body: 'Demande spéciale',
          part_count: 3,
          encoding: 'GSM-7',
          status: 'received',
          broadcast_id: null,
          created_at: utc('2026-12-02T16:00:00'),
          sent_at: null,
          ...QUEUE_FIELDS,
          priority: 0,
        },
      ])
      .execute();
    const email = (
      kind: string,
      status: string,
      sentAt: number | null,
      broadcastId: number | null = null,
    ) => ({
      account_id: account,
      kind,
      from_address: 'radio@example.com',
      to_address: 'ann@example.com',
      subject: 's',
      body: 'b',
      format: 'text',
      status,
      broadcast_id: broadcastId,
      created_at: utc('2026-12-01T14:00:00'),
      sent_at: sentAt,
      ...QUEUE_FIELDS,
    });
    await db
      .insertInto('emails')
      .values([
        email('api', 'sent', utc('2026-12-01T15:00:00')),
        email('broadcast', 'sent', utc('2026-12-01T15:00:00'), broadcast),
        email('broadcast', 'failed', null, broadcast),
        email('import_report', 'sent', utc('2026-12-01T15:00:00')),
      ])
      .execute();
  });
  after(() => server.close());

  const range = { from_date: '2026-11-30', to_date: '2026-12-02', pref_timezone: 'America/Montreal' };
  const zero = { mt_messages: 0, mt_parts: 0, mo_messages: 0, mo_parts: 0, emails: 0 };

  it('counts per local day, every day of the range', async () => {
    const response = await server.call('get_usage', range);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, {
      status: true,
      period: 'day',
      from_date: '2026-11-30',
      to_date: '2026-12-02',
      // The zone's canonical IANA name, as get_feed resolves it.
      pref_timezone: 'America/Toronto',
      usage: [
        { period: '2026-11-30', ...zero, mt_messages: 1, mt_parts: 2 },
        { period: '2026-12-01', ...zero, mt_messages: 3, mt_parts: 3, emails: 2 },
        { period: '2026-12-02', ...zero, mo_messages: 1, mo_parts: 3 },
      ],
      totals: { mt_messages: 4, mt_parts: 5, mo_messages: 1, mo_parts: 3, emails: 2 },
    });
  });

  it('per month, and in UTC by default', async () => {
    const months = await server.call('get_usage', { ...range, period: 'month' });
    assert.deepEqual(months.body.usage, [
      { period: '2026-11', ...zero, mt_messages: 1, mt_parts: 2 },
      { period: '2026-12', ...zero, mt_messages: 3, mt_parts: 3, mo_messages: 1, mo_parts: 3, emails: 2 },
    ]);
    // In UTC the single send falls on Dec 1, and the Dec 3 one is in a range ending Dec 3.
    const inUtc = await server.call('get_usage', { from_date: '2026-12-01', to_date: '2026-12-03' });
    assert.deepEqual(
      inUtc.body.usage.map((r: { period: string; mt_parts: number }) => [r.period, r.mt_parts]),
      [
        ['2026-12-01', 5],
        ['2026-12-02', 0],
        ['2026-12-03', 1],
      ],
    );
  });

  it('by broadcast: single sends, inbound and API email under a null broadcast', async () => {
    const response = await server.call('get_usage', { ...range, by: 'broadcast' });
    assert.deepEqual(response.body.usage, [
      { period: '2026-11-30', broadcast: null, ...zero, mt_messages: 1, mt_parts: 2 },
      { period: '2026-12-01', broadcast: null, ...zero, emails: 1 },
      { period: '2026-12-01', broadcast: String(broadcast), ...zero, mt_messages: 3, mt_parts: 3, emails: 1 },
      { period: '2026-12-02', broadcast: null, ...zero, mo_messages: 1, mo_parts: 3 },
    ]);
  });

  it('answers CSV with format=csv', async () => {
    const response = await fetch(`${server.url}/api/get_usage`, {
      method: 'POST',
      headers: {
        'VUDUMOBILE-API-KEY': server.account.key,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ ...range, by: 'broadcast', format: 'csv' }).toString(),
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.equal(
      response.headers.get('content-disposition'),
      'attachment; filename="usage-2026-11-30-2026-12-02.csv"',
    );
    assert.equal(
      await response.text(),
      [
        'period,broadcast,mt_messages,mt_parts,mo_messages,mo_parts,emails',
        '2026-11-30,,1,2,0,0,0',
        '2026-12-01,,0,0,0,0,1',
        `2026-12-01,${broadcast},3,3,0,0,1`,
        '2026-12-02,,0,0,1,3,0',
        '',
      ].join('\r\n'),
    );
  });

  it('answers its errors', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'from_date parameter is missing'],
      [{ from_date: '2026-13-01' }, 'from_date must be a date YYYY-MM-DD'],
      [{ from_date: '2026-12-01', to_date: '2026-12-01 10:00:00' }, 'to_date must be a date YYYY-MM-DD'],
      [
        { from_date: '2026-12-02', to_date: '2026-12-01' },
        'to_date must be on or after from_date, at most 732 days in all',
      ],
      [
        { from_date: '2024-01-01', to_date: '2026-12-01' },
        'to_date must be on or after from_date, at most 732 days in all',
      ],
      [{ ...range, period: 'week' }, 'period must be day or month'],
      [{ ...range, by: 'contact' }, 'by must be broadcast'],
      [{ ...range, format: 'xml' }, 'format must be json or csv'],
      [{ ...range, pref_timezone: 'Mars/Olympus' }, 'Invalid timezone: Mars/Olympus'],
    ];
    for (const [params, error] of cases) {
      const response = await server.call('get_usage', params);
      assert.deepEqual(response.body, { status: false, error }, JSON.stringify(params));
      assert.equal(response.status, 400);
    }
  });
});
