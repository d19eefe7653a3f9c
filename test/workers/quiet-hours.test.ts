import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_QUIET_HOURS } from '../../src/domain/broadcasts/quiet-hours.js';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastMessages, fanOutDone, waitFor } from '../helpers/broadcasts.js';
import { testSandbox } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MONTREAL = '15145550111';
const VANCOUVER = '16045550122';
/** Toll-free: no zone from its area code, so the account's (Halifax here). */
const TOLL_FREE = '18665550133';
const CHOSEN_SENDER = '15149540002';

/**
 * Quiet hours 21:00–08:00 in each recipient's local time, driven by a test clock: the broadcast's
 * SMS are queued at the fan-out with their release as due time and leave when the clock reaches
 * it, zone by zone; a single send at night leaves at once.
 */
describe('quiet hours: a broadcast across time zones, released at 08:00 local', () => {
  let server: TestServer;
  const sms = testSandbox();
  // 05:00 UTC: 00:00 in Montréal, 21:00 (the evening before) in Vancouver, 01:00 in Halifax.
  let clock = Date.parse('2026-12-03T05:00:00Z');

  before(async () => {
    server = await startTestServer({ now: () => clock, sms });
  });
  after(() => server.close());

  const submittedTo = (): string[] => sms.submitted.map((s) => s.to);
  /** Lets the dispatcher (1 s idle poll, real time) look at least twice at the current clock. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2500));

  it('holds every recipient at night and releases each at 08:00 in its zone; a single send is not held', async () => {
    const db = server.platform.store.db;
    const accounts = server.platform.ctx.accounts;
    const account = await server.createAccount({ senders: ['15149540001', CHOSEN_SENDER] });
    await accounts.setQuietHours(account.id, DEFAULT_QUIET_HOURS, 'America/Halifax');
    const members = [];
    for (const number of [MONTREAL, VANCOUVER, TOLL_FREE])
      members.push(await makeContact(db, account.id, { number }));
    await makeGroup(db, account.id, 'Partout', members);

    // A single send at 21:00 in Vancouver leaves at once.
    const single = await server.call(
      'send',
      { to: '16045550199', message: 'Code 1234' },
      { key: account.key },
    );
    assert.equal(single.status, 200, JSON.stringify(single.body));
    await waitFor('the single send', () => submittedTo().includes('16045550199'));

    const added = await server.call(
      'post_broadcast',
      { name: 'Matin', from_groups: 'Partout', fr_message: 'Bon matin', from: CHOSEN_SENDER },
      { key: account.key },
    );
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const id = added.body.broadcast.id as number;
    assert.deepEqual(
      (await server.call('start_broadcast', { broadcast: String(id) }, { key: account.key })).body,
      {
        status: true,
      },
    );
    await fanOutDone(db, id);
    const rows = await broadcastMessages(db, id);
    assert.deepEqual(
      rows.map((m) => [
        m.to_number,
        m.status,
        new Date(Number(m.next_attempt_at)).toISOString(),
        m.from_number,
      ]),
      [
        [MONTREAL, 'queued', '2026-12-03T13:00:00.000Z', CHOSEN_SENDER],
        [VANCOUVER, 'queued', '2026-12-03T16:00:00.000Z', CHOSEN_SENDER],
        [TOLL_FREE, 'queued', '2026-12-03T12:00:00.000Z', CHOSEN_SENDER],
      ],
    );

    clock = Date.parse('2026-12-03T11:59:59Z');
    await settle();
    assert.deepEqual(submittedTo(), ['16045550199'], 'nothing before the first window ends');

    clock = Date.parse('2026-12-03T12:00:00Z'); // 08:00 in Halifax
    await waitFor('the Halifax release', () => submittedTo().includes(TOLL_FREE));
    await settle();
    assert.deepEqual(submittedTo(), ['16045550199', TOLL_FREE]);

    clock = Date.parse('2026-12-03T13:00:00Z'); // 08:00 in Montréal
    await waitFor('the Montréal release', () => submittedTo().includes(MONTREAL));
    await settle();
    assert.deepEqual(submittedTo(), ['16045550199', TOLL_FREE, MONTREAL]);

    clock = Date.parse('2026-12-03T16:00:00Z'); // 08:00 in Vancouver
    await waitFor('the Vancouver release', () => submittedTo().includes(VANCOUVER));
    assert.deepEqual(submittedTo(), ['16045550199', TOLL_FREE, MONTREAL, VANCOUVER]);
    assert.deepEqual(
      sms.submitted.slice(1).map((s) => s.from),
      [CHOSEN_SENDER, CHOSEN_SENDER, CHOSEN_SENDER],
      'the broadcast’s chosen sender, not the account’s first',
    );
  });

  it('queues a broadcast of an account without quiet hours for now', async () => {
    const db = server.platform.store.db;
    const account = await server.createAccount({ senders: ['15149540003'] });
    const contact = await makeContact(db, account.id, { number: '15145550144' });
    await makeGroup(db, account.id, 'Nuit', [contact]);
    clock = Date.parse('2026-12-04T05:00:00Z'); // midnight in Montréal
    const added = await server.call(
      'post_broadcast',
      { name: 'Nuit', from_groups: 'Nuit', fr_message: 'x' },
      { key: account.key },
    );
    const id = added.body.broadcast.id as number;
    await server.call('start_broadcast', { broadcast: String(id) }, { key: account.key });
    await fanOutDone(db, id);
    const [row] = await broadcastMessages(db, id);
    assert.equal(Number(row?.next_attempt_at), clock);
  });
});

describe('quiet hours: a contact’s own time zone wins over its area code', () => {
  let server: TestServer;
  const sms = testSandbox();
  // 05:00 UTC: 00:00 in Montréal, 21:00 (the evening before) in Vancouver.
  let clock = Date.parse('2026-12-03T05:00:00Z');
  before(async () => {
    server = await startTestServer({ now: () => clock, sms });
  });
  after(() => server.close());

  const submittedTo = (): string[] => sms.submitted.map((s) => s.to);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 2500));
  const AT_HOME = '15145550161';
  const MOVED = '15145550162';

  it('holds a 514 contact who lives in Vancouver until 08:00 there, the other until 08:00 in Montréal', async () => {
    const db = server.platform.store.db;
    const account = await server.createAccount({ senders: ['15149540011'] });
    await server.platform.ctx.accounts.setQuietHours(account.id, DEFAULT_QUIET_HOURS, 'America/Toronto');
    const ids = [];
    const contacts: Record<string, string>[] = [
      { number: AT_HOME },
      { number: MOVED, timezone: 'America/Vancouver' },
    ];
    for (const params of contacts) {
      const added = await server.call('post_contact', params, { key: account.key });
      assert.equal(added.status, 200, JSON.stringify(added.body));
      ids.push(added.body.contact[0].id as number);
    }
    await makeGroup(db, account.id, 'Abonnés', ids);
    const added = await server.call(
      'post_broadcast',
      { name: 'Matin', from_groups: 'Abonnés', fr_message: 'Bon matin' },
      { key: account.key },
    );
    const id = added.body.broadcast.id as number;
    await server.call('start_broadcast', { broadcast: String(id) }, { key: account.key });
    await fanOutDone(db, id);
    const rows = await broadcastMessages(db, id);
    assert.deepEqual(
      rows.map((m) => [m.to_number, m.status, new Date(Number(m.next_attempt_at)).toISOString()]),
      [
        [AT_HOME, 'queued', '2026-12-03T13:00:00.000Z'],
        [MOVED, 'queued', '2026-12-03T16:00:00.000Z'],
      ],
    );

    clock = Date.parse('2026-12-03T13:00:00Z'); // 08:00 in Montréal, 05:00 in Vancouver
    await waitFor('the Montréal release', () => submittedTo().includes(AT_HOME));
    await settle();
    assert.deepEqual(submittedTo(), [AT_HOME], 'the contact in Vancouver still sleeps');

    clock = Date.parse('2026-12-03T16:00:00Z'); // 08:00 in Vancouver
    await waitFor('the Vancouver release', () => submittedTo().includes(MOVED));
    assert.deepEqual(submittedTo(), [AT_HOME, MOVED]);
  });

  it('never holds a verification code: send_verification by SMS at night leaves at once', async () => {
    const account = await server.createAccount({ senders: ['15149540012'] });
    await server.platform.ctx.accounts.setQuietHours(account.id, DEFAULT_QUIET_HOURS, 'America/Toronto');
    const night = await server.call(
      'post_contact',
      { number: '15145550163', timezone: 'America/Vancouver' },
      { key: account.key },
    );
    assert.equal(night.status, 200);
    clock = Date.parse('2026-12-04T07:00:00Z'); // 02:00 in Montréal, 23:00 in Vancouver
    const sent = await server.call(
      'send_verification',
      { to: '15145550163', code: '482913', request_id: 'nuit-1' },
      { key: account.key },
    );
    assert.deepEqual(sent.body, { status: true, request_id: 'nuit-1' });
    await waitFor('the verification SMS', () => submittedTo().includes('15145550163'));
    const code = sms.submitted.find((s) => s.to === '15145550163');
    assert.deepEqual([code?.from, code?.text], ['15149540012', 'Votre code de vérification est 482913']);
  });
});

describe('quiet hours: BROADCAST_IGNORE_QUIET_HOURS=1 (drills and child-process tests)', () => {
  it('holds nothing, whatever the account says', async () => {
    const clock = Date.parse('2026-12-03T05:00:00Z'); // midnight in Montréal
    const server = await startTestServer({
      now: () => clock,
      holdOutbound: true,
      env: { BROADCAST_IGNORE_QUIET_HOURS: '1' },
    });
    try {
      const db = server.platform.store.db;
      await server.platform.ctx.accounts.setQuietHours(
        server.account.id,
        DEFAULT_QUIET_HOURS,
        'America/Toronto',
      );
      await makeGroup(db, server.account.id, 'Nuit', [
        await makeContact(db, server.account.id, { number: MONTREAL }),
      ]);
      const added = await server.call('post_broadcast', {
        name: 'Nuit',
        from_groups: 'Nuit',
        fr_message: 'x',
      });
      const id = added.body.broadcast.id as number;
      await server.call('start_broadcast', { broadcast: String(id) });
      await fanOutDone(db, id);
      const [row] = await broadcastMessages(db, id);
      assert.equal(Number(row?.next_attempt_at), clock);
    } finally {
      await server.close();
    }
  });
});
