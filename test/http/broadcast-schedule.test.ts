import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatUtc } from '../../src/domain/common/dates.js';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/** post_broadcast's extensions launch_timezone and from, and the refusal of a past launch_date. */
describe('post_broadcast: launch_timezone, a past launch_date, from (extensions)', () => {
  let server: TestServer;
  // No worker: a broadcast given a launch in the past stays pending for the assertions.
  before(async () => {
    server = await startTestServer({ role: 'api' });
    const db = server.platform.store.db;
    await makeGroup(db, server.account.id, 'Auditeurs', [await makeContact(db, server.account.id)]);
  });
  after(() => server.close());

  const post = (params: Record<string, string>) =>
    server.call('post_broadcast', {
      name: 'Matin',
      from_groups: 'Auditeurs',
      fr_message: 'Bonjour',
      ...params,
    });
  const detail = async (id: number) => (await server.call('get_broadcast', { broadcast: String(id) })).body;

  it('reads launch_date in launch_timezone and shows both back (UTC date, the zone)', async () => {
    const added = await post({ launch_date: '2031-07-01 09:00:00', launch_timezone: 'America/Vancouver' });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const id = added.body.broadcast.id as number;
    const body = await detail(id);
    assert.equal(body.broadcast.launch_date, '2031-07-01 16:00:00');
    assert.equal(body.broadcast.launch_timezone, 'America/Vancouver');
    const item = (await server.call('get_broadcasts')).body.broadcasts.find(
      (b: { id: string }) => b.id === String(id),
    );
    assert.equal(item.launch_timezone, 'America/Vancouver');
    // Without a zone: UTC, and no launch_timezone field.
    const utc = await post({ launch_date: '2031-07-01 09:00:00' });
    const plain = await detail(utc.body.broadcast.id as number);
    assert.equal(plain.broadcast.launch_date, '2031-07-01 09:00:00');
    assert.equal('launch_timezone' in plain.broadcast, false);
    assert.equal('from' in plain.broadcast, false);
  });

  it('applies the DST rule: a skipped time is the transition, a repeated one its first occurrence', async () => {
    const spring = await post({ launch_date: '2031-03-09 02:30:00', launch_timezone: 'America/Toronto' });
    assert.equal(
      (await detail(spring.body.broadcast.id as number)).broadcast.launch_date,
      '2031-03-09 07:00:00',
    );
    const autumn = await post({ launch_date: '2031-11-02 01:30:00', launch_timezone: 'America/Toronto' });
    assert.equal(
      (await detail(autumn.body.broadcast.id as number)).broadcast.launch_date,
      '2031-11-02 05:30:00',
    );
  });

  it('refuses an unknown zone, and a zone without a date', async () => {
    const unknown = await post({ launch_date: '2031-07-01 09:00:00', launch_timezone: 'Mars/Olympus_Mons' });
    assert.deepEqual(
      [unknown.status, unknown.body],
      [400, { status: false, error: 'Invalid timezone: Mars/Olympus_Mons' }],
    );
    const alone = await post({ launch_timezone: 'America/Toronto' });
    assert.deepEqual(
      [alone.status, alone.body],
      [400, { status: false, error: 'Invalid broadcast information' }],
    );
  });

  it('refuses a launch_date in the past, creating nothing', async () => {
    const before = (await server.call('get_broadcasts')).body.broadcasts.length;
    const past: Record<string, string>[] = [
      { launch_date: '2020-01-01 00:00:00' },
      { launch_date: formatUtc(Date.now() - 3600_000) },
      // UTC−7 h read in Montréal (UTC−5 or −4): two or three hours ago, whatever the season.
      { launch_date: formatUtc(Date.now() - 7 * 3600_000), launch_timezone: 'America/Toronto' },
    ];
    for (const params of past) {
      const refused = await post(params);
      assert.deepEqual(
        [refused.status, refused.body],
        [400, { status: false, error: 'launch_date is in the past' }],
        JSON.stringify(params),
      );
    }
    assert.equal((await server.call('get_broadcasts')).body.broadcasts.length, before);
    // "Now" from a client whose clock lags a few seconds: taken.
    assert.equal((await post({ launch_date: formatUtc(Date.now() - 5000) })).status, 200);
  });

  it('lets a modification resend the launch_date a pending broadcast already has, even once passed', async () => {
    const added = await post({ launch_date: '2031-01-01 00:00:00' });
    const id = String(added.body.broadcast.id);
    // As if the scheduler had been down since: the row's launch passed.
    await server.platform.store.db
      .updateTable('broadcasts')
      .set({ launch_date: Date.UTC(2020, 0, 1) })
      .where('id', '=', Number(id))
      .execute();
    const resent = await server.call('post_broadcast', {
      broadcast: id,
      name: 'Renommé',
      launch_date: '2020-01-01 00:00:00',
    });
    assert.deepEqual([resent.status, resent.body], [200, { status: true, broadcast: { id: Number(id) } }]);
    assert.equal((await server.call('post_broadcast', { broadcast: id, fr_message: 'Salut' })).status, 200);
    const moved = await server.call('post_broadcast', { broadcast: id, launch_date: '2020-01-02 00:00:00' });
    assert.deepEqual(
      [moved.status, moved.body],
      [400, { status: false, error: 'launch_date is in the past' }],
    );
    const kept = await detail(Number(id));
    assert.equal(kept.broadcast.name, 'Renommé');
    assert.equal(kept.broadcast.launch_date, '2020-01-01 00:00:00');
  });

  it('takes `from` among the account’s sender numbers and refuses any other as send does', async () => {
    const other = await server.createAccount({ senders: ['15145559876'] });
    const sendRefusal = await server.call('send', { to: '15145550100', message: 'x', from: '15145559876' });
    for (const from of ['15145559876', '15145550000', 'CKOI']) {
      const refused = await post({ from });
      assert.deepEqual([refused.status, refused.body], [400, sendRefusal.body], from);
    }
    assert.deepEqual(sendRefusal.body, { status: false, error: 'from is not one of your sender numbers' });
    assert.ok(other.id);
    const chosen = await post({ from: '+15149541234' });
    assert.equal(chosen.status, 200);
    const id = chosen.body.broadcast.id as number;
    assert.equal((await detail(id)).broadcast.from, '15149541234');
    // Sent empty on a modification: back to the account's first number.
    await server.call('post_broadcast', { broadcast: String(id), from: '' });
    assert.equal('from' in (await detail(id)).broadcast, false);
  });
});
