import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup, systemGroupId } from '../helpers/address-book.js';
import { ITEM_KEYS } from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const INVALID = { status: false, error: 'Invalid broadcast information' };
const NOT_FOUND = { status: false, error: 'broadcast not found' };

describe('post_broadcast, get_broadcast, get_broadcasts (§7)', () => {
  let server: TestServer;
  let marketingId: number;
  let tousId: number;

  before(async () => {
    server = await startTestServer();
    const db = server.platform.store.db;
    const ann = await makeContact(db, server.account.id, { name: 'Ann' });
    marketingId = await makeGroup(db, server.account.id, 'Marketing', [ann]);
    await makeGroup(db, server.account.id, 'Clients VIP', [ann]);
    tousId = await systemGroupId(db, server.account.id, 'all');
  });
  after(() => server.close());

  const add = (params: Record<string, string>) => server.call('post_broadcast', params);
  const get = async (id: number) => (await server.call('get_broadcast', { broadcast: String(id) })).body;
  const base = { name: 'Promo', from_groups: 'Marketing', fr_message: 'Bonjour _NAME_' };

  it('adds a broadcast and answers its id as a number', async () => {
    const response = await add(base);
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body), ['status', 'broadcast']);
    assert.equal(response.body.status, true);
    assert.equal(typeof response.body.broadcast.id, 'number');
    assert.deepEqual(response.body.broadcast, { id: response.body.broadcast.id });
  });

  it('shows a pending broadcast with every documented field, texts beside `broadcast`', async () => {
    const { body } = await add({
      name: 'Full',
      from_groups: `${marketingId}, tous`,
      fr_message: 'Bonjour _NAME_',
      en_message: 'Hello _NAME_',
      fr_subject: 'Sujet',
      en_subject: 'Subject',
      fr_email: 'Courriel FR',
      en_email: 'Email EN',
      launch_date: '2030-01-01 12:00:00',
    });
    const id = body.broadcast.id as number;
    const detail = await get(id);
    assert.deepEqual(detail, {
      status: true,
      broadcast: {
        id: String(id),
        number_sent: '0',
        number_failed: '0',
        number_delivered: '0',
        number_total: '0',
        launch_date: '2030-01-01 12:00:00',
        end_date: null,
        name: 'Full',
        message: 'Bonjour _NAME_',
        broadcast_status: 'pending',
        from_groups: ['Marketing', 'Tous'],
        email_total: '0',
        email_sent: '0',
        email_failed: '0',
      },
      list: null,
      fr_message: 'Bonjour _NAME_',
      en_message: 'Hello _NAME_',
      fr_email: 'Courriel FR',
      en_email: 'Email EN',
      fr_subject: 'Sujet',
      en_subject: 'Subject',
    });
    assert.deepEqual(Object.keys(detail), [
      'status',
      'broadcast',
      'list',
      'fr_message',
      'en_message',
      'fr_email',
      'en_email',
      'fr_subject',
      'en_subject',
    ]);

    const listed = (await server.call('get_broadcasts')).body.broadcasts.find(
      (b: { id: string }) => b.id === String(id),
    );
    assert.deepEqual(Object.keys(listed), [
      ...ITEM_KEYS,
      'fr_message',
      'en_message',
      'fr_email',
      'en_email',
      'fr_subject',
      'en_subject',
      'email_total',
      'email_sent',
      'email_failed',
    ]);
    assert.deepEqual(listed, {
      ...detail.broadcast,
      list: null,
      fr_message: 'Bonjour _NAME_',
      en_message: 'Hello _NAME_',
      fr_email: 'Courriel FR',
      en_email: 'Email EN',
      fr_subject: 'Sujet',
      en_subject: 'Subject',
    });
  });

  it('omits texts never set, and `message` falls back to the en text', async () => {
    const { body } = await add({ name: 'EN only', from_groups: 'Marketing', en_message: 'Hello' });
    const detail = await get(body.broadcast.id);
    assert.equal(detail.broadcast.message, 'Hello');
    assert.deepEqual(Object.keys(detail), ['status', 'broadcast', 'list', 'en_message']);
  });

  it('refuses incomplete or invalid information with the one documented error, creating nothing', async () => {
    const before = (await server.call('get_broadcasts')).body.broadcasts.length;
    const cases: Record<string, string>[] = [
      { from_groups: 'Marketing', fr_message: 'x' },
      { name: '   ', from_groups: 'Marketing', fr_message: 'x' },
      { name: 'n', fr_message: 'x' },
      { name: 'n', from_groups: ' , ', fr_message: 'x' },
      { name: 'n', from_groups: 'Marketing' },
      { name: 'n', from_groups: 'Marketing', fr_message: '', en_message: '' },
      { name: 'n', from_groups: 'Nope', fr_message: 'x' },
      { name: 'n', from_groups: 'Marketing,999999', fr_message: 'x' },
      { name: 'n', from_groups: 'Marketing', fr_message: 'x', launch_date: '2030-13-01 00:00:00' },
      { name: 'n', from_groups: 'Marketing', fr_message: 'x', launch_date: 'tomorrow' },
      // An email text alone is not enough for an email-only broadcast: it needs a subject.
      { name: 'n', from_groups: 'Marketing', fr_email: 'x' },
      // Over 10 parts before any merge field.
      { name: 'n', from_groups: 'Marketing', fr_message: 'a'.repeat(1531) },
    ];
    for (const params of cases) {
      const response = await add(params);
      assert.equal(response.status, 400, JSON.stringify(params));
      assert.deepEqual(response.body, INVALID, JSON.stringify(params));
    }
    assert.equal((await server.call('get_broadcasts')).body.broadcasts.length, before);
  });

  it('does not resolve another account’s group', async () => {
    const other = await server.createAccount();
    const response = await server.call('post_broadcast', { ...base }, { key: other.key });
    assert.deepEqual(response.body, INVALID);
  });

  it('accepts an email-only broadcast (extension) and groups by id, name in any case, or both', async () => {
    const response = await add({
      name: 'Mail',
      from_groups: `clients vip,${tousId},MARKETING`,
      fr_subject: 'Nouvelles',
      fr_email: 'Bonjour',
    });
    assert.equal(response.status, 200);
    const detail = await get(response.body.broadcast.id);
    assert.deepEqual(detail.broadcast.from_groups, ['Clients VIP', 'Tous', 'Marketing']);
    assert.equal(detail.broadcast.message, '');
    assert.equal(detail.fr_message, undefined);
  });

  it('modifies only the parameters sent, accepting rom_groups and clearing a text sent empty', async () => {
    const { body } = await add({ ...base, en_message: 'Hello', fr_subject: 'S', fr_email: 'E' });
    const id = String(body.broadcast.id);
    const response = await add({ broadcast: id, name: 'Renamed', rom_groups: 'Tous', en_message: '' });
    assert.deepEqual(response.body, { status: true, broadcast: { id: body.broadcast.id } });
    const detail = await get(body.broadcast.id);
    assert.equal(detail.broadcast.name, 'Renamed');
    assert.deepEqual(detail.broadcast.from_groups, ['Tous']);
    assert.equal(detail.fr_message, 'Bonjour _NAME_');
    assert.equal(detail.en_message, undefined);
    assert.equal(detail.fr_subject, 'S');
    assert.equal(detail.fr_email, 'E');

    await add({
      broadcast: id,
      launch_date: '2031-02-03 04:05:06',
      from_groups: 'Marketing',
      rom_groups: 'Tous',
    });
    const scheduled = await get(body.broadcast.id);
    assert.equal(scheduled.broadcast.launch_date, '2031-02-03 04:05:06');
    assert.deepEqual(scheduled.broadcast.from_groups, ['Marketing'], 'from_groups wins over rom_groups');
    await add({ broadcast: id, launch_date: '' });
    assert.equal((await get(body.broadcast.id)).broadcast.launch_date, null);
  });

  it('refuses a modification that leaves it invalid, and changes nothing', async () => {
    const { body } = await add(base);
    const id = String(body.broadcast.id);
    for (const params of [
      { broadcast: id, fr_message: '' },
      { broadcast: id, name: '' },
      { broadcast: id, from_groups: '' },
      { broadcast: id, from_groups: 'Nope' },
      { broadcast: id, launch_date: '2030-02-30 00:00:00' },
    ] as Record<string, string>[]) {
      assert.deepEqual((await add(params)).body, INVALID, JSON.stringify(params));
    }
    const detail = await get(body.broadcast.id);
    assert.equal(detail.broadcast.name, 'Promo');
    assert.equal(detail.fr_message, 'Bonjour _NAME_');
    assert.deepEqual(detail.broadcast.from_groups, ['Marketing']);
  });

  it('answers broadcast not found for an unknown, malformed or foreign id', async () => {
    const { body } = await add(base);
    const other = await server.createAccount();
    for (const [id, key] of [
      ['999999', undefined],
      ['abc', undefined],
      ['0', undefined],
      [String(body.broadcast.id), other.key],
    ] as const) {
      const modify = await server.call('post_broadcast', { broadcast: id, name: 'x' }, { key });
      assert.equal(modify.status, 404);
      assert.deepEqual(modify.body, NOT_FOUND);
      const fetched = await server.call('get_broadcast', { broadcast: id }, { key });
      assert.equal(fetched.status, 404);
      assert.deepEqual(fetched.body, NOT_FOUND);
    }
  });

  it('refuses to modify a started broadcast', async () => {
    const { body } = await add(base);
    const id = String(body.broadcast.id);
    assert.deepEqual((await server.call('start_broadcast', { broadcast: id })).body, { status: true });
    const response = await add({ broadcast: id, name: 'Too late' });
    assert.equal(response.status, 409);
    assert.deepEqual(response.body, {
      status: false,
      error: 'broadcast has already been sent or is currently being processed',
    });
    assert.equal((await get(body.broadcast.id)).broadcast.name, 'Promo');
  });

  it('requires the broadcast parameter on get_broadcast', async () => {
    for (const params of [{}, { broadcast: '' }] as Record<string, string>[]) {
      const response = await server.call('get_broadcast', params);
      assert.equal(response.status, 400);
      assert.deepEqual(response.body, { status: false, error: 'broadcast identifier parameter is missing' });
    }
  });

  it('lists newest first, only the account’s own, also over GET', async () => {
    const first = (await add({ ...base, name: 'First' })).body.broadcast.id as number;
    const second = (await add({ ...base, name: 'Second' })).body.broadcast.id as number;
    const response = await server.call('get_broadcasts', {}, { method: 'GET' });
    assert.equal(response.status, 200);
    assert.deepEqual(Object.keys(response.body), ['status', 'broadcasts']);
    const ids = response.body.broadcasts.map((b: { id: string }) => Number(b.id));
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => b - a),
    );
    assert.equal(ids[0], second);
    assert.ok(ids.includes(first));
    const other = await server.createAccount();
    assert.deepEqual((await server.call('get_broadcasts', {}, { key: other.key })).body, {
      status: true,
      broadcasts: [],
    });
  });

  it('accepts a JSON body too', async () => {
    const response = await fetch(`${server.url}/api/post_broadcast`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'VUDUMOBILE-API-KEY': server.account.key },
      body: JSON.stringify(base),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { broadcast: { id: number } };
    assert.equal(typeof body.broadcast.id, 'number');
  });
});
