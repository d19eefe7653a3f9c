import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { messageRow, testSandbox } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('send (contract §3.2)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ sms: testSandbox({ outcome: { kind: 'silent' } }) });
  });
  after(() => server.close());

  const db = () => server.platform.store.db;

  it('answers the source’s example with a numeric msg_id, part_count and encoding, after the row is stored', async () => {
    const { status, headers, body } = await server.call('send', {
      to: '15145555555',
      message: 'test message',
    });
    assert.equal(status, 200);
    assert.equal(headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(Object.keys(body), ['status', 'msg_id', 'part_count', 'encoding']);
    assert.equal(body.status, true);
    assert.equal(typeof body.msg_id, 'number');
    assert.deepEqual({ ...body, msg_id: 0 }, { status: true, msg_id: 0, part_count: 1, encoding: 'GSM-7' });
    const row = await messageRow(db(), body.msg_id);
    assert.equal(row.direction, 'mt');
    assert.equal(row.to_number, '15145555555');
    assert.equal(row.from_number, '15149541234'); // the account's first sender number
    assert.equal(row.body, 'test message');
    assert.equal(row.priority, 0);
    assert.ok(['queued', 'sending', 'sent'].includes(row.status));
  });

  it('normalises the number, counts parts and picks the alphabet', async () => {
    const long = await server.call('send', { to: '(514) 555-0199', message: 'a'.repeat(161) });
    assert.deepEqual(
      { ...long.body, msg_id: 0 },
      { status: true, msg_id: 0, part_count: 2, encoding: 'GSM-7' },
    );
    assert.equal((await messageRow(db(), long.body.msg_id)).to_number, '15145550199');
    const special = await server.call('send', { to: '+1 514 555 0199', message: 'ça marche' });
    assert.deepEqual(
      { ...special.body, msg_id: 0 },
      { status: true, msg_id: 0, part_count: 1, encoding: 'UCS-2' },
    );
    // A decomposed "é" (e + combining accent) is sent as the GSM-7 character it is.
    const decomposed = await server.call('send', { to: '15145550199', message: 'Cafe\u0301' });
    assert.equal(decomposed.body.encoding, 'GSM-7');
    assert.equal((await messageRow(db(), decomposed.body.msg_id)).body, 'Café');
  });

  it('gives every send its own msg_id, also under concurrency, and stores each', async () => {
    const answers = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        server.call('send', { to: '15145550101', message: `concurrent ${i}` }),
      ),
    );
    const ids = answers.map((a) => a.body.msg_id);
    assert.equal(new Set(ids).size, 120);
    const rows = await db().selectFrom('messages').select(['id', 'body']).where('id', 'in', ids).execute();
    assert.equal(rows.length, 120);
    for (const [i, answer] of answers.entries()) {
      assert.equal(rows.find((r) => r.id === answer.body.msg_id)?.body, `concurrent ${i}`);
    }
  });

  it('accepts GET with a query string', async () => {
    const { status, body } = await server.call(
      'send',
      { to: '15145550102', message: 'par GET' },
      { method: 'GET' },
    );
    assert.equal(status, 200);
    assert.equal((await messageRow(db(), body.msg_id)).body, 'par GET');
  });

  it('refuses missing and invalid parameters with the contract’s texts, storing nothing', async () => {
    const before = await countMessages();
    const cases: [Record<string, string>, string][] = [
      [{ message: 'x' }, 'to parameter is missing'],
      [{ to: '', message: 'x' }, 'to parameter is missing'],
      [{ to: '15145550102' }, 'message parameter is missing'],
      [{ to: '15145550102', message: '' }, 'message parameter is missing'],
      [{ to: '1514555555', message: 'x' }, 'to is not a valid phone number'], // the source's own typo
      [{ to: 'abc', message: 'x' }, 'to is not a valid phone number'],
      [{ to: '15145550102', message: 'a'.repeat(1531) }, 'message is too long (maximum 10 parts)'],
      [{ to: '15145550102', message: 'ç'.repeat(671) }, 'message is too long (maximum 10 parts)'],
      [{ to: '15145550102', message: 'a'.repeat(20_000) }, 'message is too long (maximum 10 parts)'],
      [{ to: '15145550102', message: 'x', from: '15145559999' }, 'from is not one of your sender numbers'],
      [{ to: '15145550102', message: 'x', from: 'nope' }, 'from is not one of your sender numbers'],
    ];
    for (const [params, error] of cases) {
      const { status, body } = await server.call('send', params);
      assert.equal(status, 400, JSON.stringify(params));
      assert.deepEqual(body, { status: false, error });
    }
    assert.equal(await countMessages(), before);
    // 10 parts exactly is fine.
    assert.equal(
      (await server.call('send', { to: '15145550102', message: 'a'.repeat(1530) })).body.part_count,
      10,
    );
  });

  it('sends from another of the account’s numbers when asked', async () => {
    const account = await server.createAccount({ senders: ['15149540001', '15149540002', '55555'] });
    const key = { key: account.key };
    const first = await server.call('send', { to: '15145550103', message: 'x' }, key);
    assert.equal((await messageRow(db(), first.body.msg_id)).from_number, '15149540001');
    const second = await server.call(
      'send',
      { to: '15145550103', message: 'x', from: '+1 (514) 954-0002' },
      key,
    );
    assert.equal((await messageRow(db(), second.body.msg_id)).from_number, '15149540002');
    const short = await server.call('send', { to: '15145550103', message: 'x', from: '55555' }, key);
    assert.equal((await messageRow(db(), short.body.msg_id)).from_number, '55555');
    // Another account's number is not one of yours.
    const foreign = await server.call('send', { to: '15145550103', message: 'x', from: '15149541234' }, key);
    assert.deepEqual(foreign.body, { status: false, error: 'from is not one of your sender numbers' });
  });

  it('refuses a blocked contact of the account with 403, and only for that account', async () => {
    const number = '15145550104';
    await server.call('post_contact', { number, name: 'Bloqué' });
    assert.equal(
      (await server.call('add_group_contact', { group: 'Blocked', contact: number })).body.status,
      true,
    );
    const refused = await server.call('send', { to: '(514) 555-0104', message: 'x' });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { status: false, error: 'recipient is blocked' });
    const other = await server.createAccount();
    assert.equal((await server.call('send', { to: number, message: 'x' }, { key: other.key })).status, 200);
    // Unblocked, it goes again, linked to the contact.
    await server.call('delete_group_contact', { group: 'Blocked', contact: number });
    const sent = await server.call('send', { to: number, message: 'x' });
    assert.equal(sent.status, 200);
    assert.notEqual((await messageRow(db(), sent.body.msg_id)).contact_id, null);
  });

  it('refuses a number on the account’s suppression list with 403', async () => {
    await db()
      .insertInto('suppressions')
      .values({
        account_id: server.account.id,
        number: '15145550105',
        reason: 'UNDELIV_201',
        created_at: Date.now(),
      })
      .execute();
    const refused = await server.call('send', { to: '15145550105', message: 'x' });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body, { status: false, error: 'recipient is blocked' });
  });

  it('answers the first msg_id for a repeated idempotency_key and stores nothing more', async () => {
    const first = await server.call('send', {
      to: '15145550106',
      message: 'une fois',
      idempotency_key: 'order-17',
    });
    const before = await countMessages();
    const again = await Promise.all([
      server.call('send', { to: '15145550106', message: 'une fois', idempotency_key: 'order-17' }),
      server.call('send', { to: '15145550106', message: 'une fois', idempotency_key: 'order-17' }),
    ]);
    for (const answer of again) assert.deepEqual(answer.body, first.body);
    assert.equal(await countMessages(), before);
    // Keys are per account, and a new key is a new message.
    const other = await server.createAccount();
    const theirs = await server.call(
      'send',
      { to: '15145550106', message: 'une fois', idempotency_key: 'order-17' },
      { key: other.key },
    );
    assert.notEqual(theirs.body.msg_id, first.body.msg_id);
    const next = await server.call('send', { to: '15145550106', message: 'x', idempotency_key: 'order-18' });
    assert.notEqual(next.body.msg_id, first.body.msg_id);
  });

  it('deduplicates concurrent first uses of one key (they share a transaction or see its commit)', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        server.call('send', { to: '15145550107', message: 'x', idempotency_key: 'burst-1' }),
      ),
    );
    assert.equal(new Set(answers.map((a) => a.body.msg_id)).size, 1);
    const rows = await db()
      .selectFrom('messages')
      .select('id')
      .where('idempotency_key', '=', 'burst-1')
      .execute();
    assert.equal(rows.length, 1);
  });

  async function countMessages(): Promise<number> {
    const row = await db()
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
});

describe('send: the idempotency window', () => {
  let server: TestServer;
  let clock = Date.parse('2024-06-01T12:00:00Z');
  before(async () => {
    server = await startTestServer({ now: () => clock, sms: testSandbox({ outcome: { kind: 'silent' } }) });
  });
  after(() => server.close());

  it('sends again with a key first used more than 24 h ago', async () => {
    const first = await server.call('send', { to: '15145550108', message: 'x', idempotency_key: 'daily' });
    clock += 23 * 3600_000;
    assert.equal(
      (await server.call('send', { to: '15145550108', message: 'x', idempotency_key: 'daily' })).body.msg_id,
      first.body.msg_id,
    );
    clock += 2 * 3600_000;
    const later = await server.call('send', { to: '15145550108', message: 'x', idempotency_key: 'daily' });
    assert.equal(later.status, 200);
    assert.notEqual(later.body.msg_id, first.body.msg_id);
    // The first message is kept; only its key was released.
    const old = await messageRow(server.platform.store.db, first.body.msg_id);
    assert.equal(old.idempotency_key, null);
    assert.equal(
      (await server.call('send', { to: '15145550108', message: 'x', idempotency_key: 'daily' })).body.msg_id,
      later.body.msg_id,
    );
  });
});
