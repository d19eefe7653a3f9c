import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { KEY_CACHE_MS } from '../../src/http/auth.js';
import { testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SENDER = '15149541234';
const at = (utc: string) => Date.parse(`${utc.replace(' ', 'T')}Z`);

describe('get_feed (contract §3.1)', () => {
  let server: TestServer;
  let clock = at('2013-09-09 04:43:12');
  const ids: Record<string, number> = {};

  /** An inbound SMS as the carrier would deliver it, received at `utc`. */
  async function receive(from: string, text: string, utc: string, to = SENDER): Promise<number> {
    const result = await server.platform.ctx.inbound.receive({
      from,
      to,
      text,
      partCount: 1,
      receivedAt: at(utc),
    });
    assert.ok(result.routed);
    return result.messageId;
  }

  before(async () => {
    server = await startTestServer({
      now: () => clock,
      sms: testSandbox({
        outcome: (sms) =>
          sms.to === '15145550002'
            ? { kind: 'receipt', stat: 'UNDELIV', err: '300' }
            : sms.to === '15145550003'
              ? { kind: 'reject' }
              : sms.to === '15145550004'
                ? { kind: 'silent' }
                : { kind: 'receipt', stat: 'DELIVRD', err: '000' },
      }),
    });
    // The source's example, received out of order (msg 7 before 4 in the source's own listing).
    ids.meteo = await receive('15145555555', 'Meteo', '2013-09-09 03:26:18');
    ids.dj = await receive('15145555555', 'Dj', '2013-09-09 03:34:52');
    ids.late = await receive('14505555555', 'Salut chanson de olivier dion', '2013-09-09 04:32:39');
    ids.early = await receive('18195555555', 'Demande special damien ', '2013-09-09 03:40:19');
    // Outbound ones, accepted at the clock's time.
    const send = async (to: string, message: string) =>
      (await server.call('send', { to, message })).body.msg_id;
    ids.mt = await send('18195555555', 'Meteo');
    clock += 1000;
    ids.undeliv = await send('15145550002', 'Bonjour');
    clock += 1000;
    ids.reject = await send('15145550003', 'Bonjour');
    clock += 1000;
    ids.silent = await send('15145550004', 'Bonjour');
    const db = server.platform.store.db;
    await waitFor('outcomes', async () => {
      const rows = await db.selectFrom('messages').select('status').where('direction', '=', 'mt').execute();
      return rows.filter((r) => r.status === 'delivered' || r.status === 'failed').length === 3 &&
        rows.filter((r) => r.status === 'sent').length === 1
        ? true
        : undefined;
    });
  });
  after(() => server.close());

  it('answers the source’s UTC request: an array of mo messages from date_start, oldest first', async () => {
    const { status, body } = await server.call('get_feed', { date_start: '2013-09-09 03:26:00' });
    assert.equal(status, 200);
    assert.deepEqual(body, [
      {
        msg_id: ids.meteo,
        direction: 'mo',
        from: '15145555555',
        to: SENDER,
        message: 'Meteo',
        datetime: '2013-09-09 03:26:18',
        part_count: 1,
      },
      {
        msg_id: ids.dj,
        direction: 'mo',
        from: '15145555555',
        to: SENDER,
        message: 'Dj',
        datetime: '2013-09-09 03:34:52',
        part_count: 1,
      },
      {
        msg_id: ids.early,
        direction: 'mo',
        from: '18195555555',
        to: SENDER,
        message: 'Demande special damien ',
        datetime: '2013-09-09 03:40:19',
        part_count: 1,
      },
      {
        msg_id: ids.late,
        direction: 'mo',
        from: '14505555555',
        to: SENDER,
        message: 'Salut chanson de olivier dion',
        datetime: '2013-09-09 04:32:39',
        part_count: 1,
      },
    ]);
    for (const message of body) {
      assert.deepEqual(Object.keys(message), [
        'msg_id',
        'direction',
        'from',
        'to',
        'message',
        'datetime',
        'part_count',
      ]);
    }
  });

  it('reads date_start in pref_timezone and writes every datetime in it (23:26 Montréal = 03:26 UTC)', async () => {
    const { body } = await server.call('get_feed', {
      date_start: '2013-09-08 23:26:00',
      direction: 'mo',
      pref_timezone: 'America/Montreal',
    });
    assert.deepEqual(
      body.map((m: { msg_id: number; datetime: string }) => [m.msg_id, m.datetime]),
      [
        [ids.meteo, '2013-09-08 23:26:18'],
        [ids.dj, '2013-09-08 23:34:52'],
        [ids.early, '2013-09-08 23:40:19'],
        [ids.late, '2013-09-09 00:32:39'],
      ],
    );
  });

  it('includes a message exactly at date_start (a poller re-sending its last time misses nothing)', async () => {
    const { body } = await server.call('get_feed', { date_start: '2013-09-09 03:40:19' });
    assert.deepEqual(
      body.map((m: { msg_id: number }) => m.msg_id),
      [ids.early, ids.late],
    );
    assert.deepEqual((await server.call('get_feed', { date_start: '2013-09-09 04:32:40' })).body, []);
  });

  it('shows mt messages with status_mt, detailed for an account with detailed statuses', async () => {
    const { body } = await server.call('get_feed', { date_start: '2013-09-09 00:00:00', direction: 'mt' });
    assert.deepEqual(
      body.map((m: { msg_id: number; status_mt: string }) => [m.msg_id, m.status_mt]),
      [
        [ids.mt, 'DELIVRD_000'],
        [ids.undeliv, 'UNDELIV_300'],
        [ids.reject, 'failed'], // refused at submit: no receipt, so no detailed status
        [ids.silent, 'sent'],
      ],
    );
    assert.deepEqual(body[0], {
      msg_id: ids.mt,
      direction: 'mt',
      from: SENDER,
      to: '18195555555',
      message: 'Meteo',
      datetime: '2013-09-09 04:43:12',
      part_count: 1,
      status_mt: 'DELIVRD_000',
    });
  });

  it('shows queued|sent|delivered|failed to an account without detailed statuses', async () => {
    const db = server.platform.store.db;
    await db
      .updateTable('accounts')
      .set({ detailed_status: 0 })
      .where('id', '=', server.account.id)
      .execute();
    const keyCache = () => new Promise((resolve) => setTimeout(resolve, KEY_CACHE_MS + 50)); // the account is cached with its key
    await keyCache();
    try {
      const { body } = await server.call('get_feed', { date_start: '2013-09-09 00:00:00', direction: 'mt' });
      assert.deepEqual(
        body.map((m: { status_mt: string }) => m.status_mt),
        ['delivered', 'failed', 'failed', 'sent'],
      );
    } finally {
      await db
        .updateTable('accounts')
        .set({ detailed_status: 1 })
        .where('id', '=', server.account.id)
        .execute();
      await keyCache();
    }
  });

  it('gives both directions with direction=all, and pages losslessly with since_id and limit', async () => {
    const all = (await server.call('get_feed', { date_start: '2013-09-09 00:00:00', direction: 'all' })).body;
    assert.deepEqual(
      all.map((m: { msg_id: number }) => m.msg_id),
      [ids.meteo, ids.dj, ids.early, ids.late, ids.mt, ids.undeliv, ids.reject, ids.silent],
    );
    const page = await server.call('get_feed', {
      date_start: '2013-09-09 00:00:00',
      direction: 'all',
      limit: '3',
    });
    assert.deepEqual(
      page.body.map((m: { msg_id: number }) => m.msg_id),
      [ids.meteo, ids.dj, ids.early],
    );
    const since = await server.call('get_feed', {
      date_start: '2013-09-09 00:00:00',
      direction: 'mt',
      since_id: String(ids.undeliv),
    });
    assert.deepEqual(
      since.body.map((m: { msg_id: number }) => m.msg_id),
      [ids.reject, ids.silent],
    );
    const clamped = await server.call('get_feed', { date_start: '2013-09-09 00:00:00', limit: '50000' });
    assert.equal(clamped.body.length, 4);
  });

  it('shows an account only its own messages', async () => {
    const other = await server.createAccount({ senders: ['15149549999'] });
    await receive('15145555555', 'Autre compte', '2013-09-09 03:30:00', '15149549999');
    const theirs = await server.call('get_feed', { date_start: '2013-09-09 00:00:00' }, { key: other.key });
    assert.deepEqual(
      theirs.body.map((m: { message: string }) => m.message),
      ['Autre compte'],
    );
    const ours = await server.call('get_feed', { date_start: '2013-09-09 00:00:00' });
    assert.equal(ours.body.length, 4);
  });

  it('accepts GET and the default direction mo', async () => {
    const { status, body } = await server.call(
      'get_feed',
      { date_start: '2013-09-09 04:00:00' },
      { method: 'GET' },
    );
    assert.equal(status, 200);
    assert.deepEqual(
      body.map((m: { msg_id: number }) => m.msg_id),
      [ids.late],
    );
  });

  it('refuses bad parameters with the contract’s texts', async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, 'date_start parameter is missing'],
      [{ date_start: '' }, 'date_start parameter is missing'],
      [{ date_start: '09/09/2013' }, 'Invalid date format, expected YYYY-MM-DD HH:MM:SS'],
      [{ date_start: '2013-02-30 00:00:00' }, 'Invalid date format, expected YYYY-MM-DD HH:MM:SS'],
      [{ date_start: '2013-09-09 25:00:00' }, 'Invalid date format, expected YYYY-MM-DD HH:MM:SS'],
      [{ date_start: '2013-09-09 03:26:00', pref_timezone: 'Montreal' }, 'Invalid timezone: Montreal'],
      [{ date_start: '2013-09-09 03:26:00', direction: 'in' }, 'direction must be mo or mt'],
      [{ date_start: '2013-09-09 03:26:00', since_id: 'x' }, 'since_id must be a whole number'],
      [{ date_start: '2013-09-09 03:26:00', limit: '0' }, 'limit must be a whole number from 1 to 10000'],
    ];
    for (const [params, error] of cases) {
      const { status, body } = await server.call('get_feed', params);
      assert.equal(status, 400, JSON.stringify(params));
      assert.deepEqual(body, { status: false, error });
    }
  });
});

describe('get_feed across daylight-saving changes (America/Montreal)', () => {
  let server: TestServer;
  const ids: number[] = [];
  before(async () => {
    server = await startTestServer({ sms: testSandbox() });
    // Spring 2024: 02:00 EST jumps to 03:00 EDT (07:00 UTC). Autumn: 02:00 EDT back to 01:00 EST (06:00 UTC).
    for (const utc of [
      '2024-03-10 06:59:30',
      '2024-03-10 07:00:30',
      '2024-11-03 05:30:00',
      '2024-11-03 06:30:00',
      '2024-11-03 07:00:00',
    ]) {
      const result = await server.platform.ctx.inbound.receive({
        from: '15145555555',
        to: SENDER,
        text: utc,
        partCount: 1,
        receivedAt: at(utc),
      });
      assert.ok(result.routed);
      ids.push(result.messageId);
    }
  });
  after(() => server.close());

  const feed = async (date_start: string) =>
    (await server.call('get_feed', { date_start, pref_timezone: 'America/Montreal' })).body.map(
      (m: { msg_id: number; datetime: string }) => [m.msg_id, m.datetime],
    );

  it('writes winter time before the spring change and summer time after it', async () => {
    assert.deepEqual((await feed('2024-03-10 01:00:00')).slice(0, 2), [
      [ids[0], '2024-03-10 01:59:30'],
      [ids[1], '2024-03-10 03:00:30'],
    ]);
  });

  it('starts a date_start in the spring gap at the change, skipping nothing after it', async () => {
    assert.deepEqual((await feed('2024-03-10 02:30:00'))[0], [ids[1], '2024-03-10 03:00:30']);
    assert.deepEqual((await feed('2024-03-10 01:59:31'))[0], [ids[1], '2024-03-10 03:00:30']);
  });

  it('writes the autumn hour twice and starts an ambiguous date_start at its first occurrence', async () => {
    assert.deepEqual(await feed('2024-11-03 01:30:00'), [
      [ids[2], '2024-11-03 01:30:00'],
      [ids[3], '2024-11-03 01:30:00'],
      [ids[4], '2024-11-03 02:00:00'],
    ]);
    assert.deepEqual(await feed('2024-11-03 02:00:00'), [[ids[4], '2024-11-03 02:00:00']]);
  });
});
