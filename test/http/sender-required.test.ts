import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { startTestServer, type TestServer, type TestAccount } from '../helpers/server.js';

/**
 * Contract §3.1: an `mt` message's `from` is a string of digits. An account without a sender number
 * used to send with `"from": ""`; now send, start_broadcast, test_broadcast and an SMS
 * send_verification refuse with an error
 * that names the operator's command, and nothing is queued.
 */
const NO_SENDER = {
  status: false,
  error: 'This account has no sender number: the operator adds one with vudumobile account sender add',
};

describe('an account without a sender number sends nothing', () => {
  let server: TestServer;
  let bare: TestAccount;
  let ann: number;

  before(async () => {
    server = await startTestServer({ holdOutbound: true });
    bare = await server.createAccount({ senders: [] });
    const db = server.platform.store.db;
    ann = await makeContact(db, bare.id, { number: '15145550401', email: 'ann@example.com', name: 'Ann' });
    await makeGroup(db, bare.id, 'Fans', [ann]);
  });
  after(() => server.close());

  const call = (endpoint: string, params: Record<string, string>) =>
    server.call(endpoint, params, { key: bare.key });
  const queued = async () =>
    (
      await server.platform.store.db
        .selectFrom('messages')
        .select('id')
        .where('account_id', '=', bare.id)
        .execute()
    ).length;

  it('send: 409, nothing queued', async () => {
    const response = await call('send', { to: '5145550402', message: 'Bonjour' });
    assert.deepEqual(response.body, NO_SENDER);
    assert.equal(response.status, 409);
    assert.equal(await queued(), 0);
  });

  it('start_broadcast of an SMS broadcast: 409, the broadcast stays pending', async () => {
    const added = await call('post_broadcast', { name: 'B', from_groups: 'Fans', fr_message: 'Salut' });
    const id = String(added.body.broadcast.id);
    const response = await call('start_broadcast', { broadcast: id });
    assert.deepEqual(response.body, NO_SENDER);
    assert.equal(response.status, 409);
    const detail = await call('get_broadcast', { broadcast: id });
    assert.equal(detail.body.broadcast.broadcast_status, 'pending');
    assert.equal(await queued(), 0);
  });

  it('test_broadcast of an SMS text: 409', async () => {
    const added = await call('post_broadcast', { name: 'T', from_groups: 'Fans', fr_message: 'Salut' });
    const response = await call('test_broadcast', {
      broadcast: String(added.body.broadcast.id),
      contact: String(ann),
    });
    assert.deepEqual(response.body, NO_SENDER);
    assert.equal(await queued(), 0);
  });

  it('send_verification by SMS: 409, nothing queued', async () => {
    const response = await call('send_verification', { to: '5145550403', code: '123456' });
    assert.deepEqual(response.body, NO_SENDER);
    assert.equal(await queued(), 0);
  });

  it('an email-only broadcast needs no sender number', async () => {
    const added = await call('post_broadcast', {
      name: 'E',
      from_groups: 'Fans',
      fr_subject: 'Sujet',
      fr_email: 'Bonjour',
    });
    const response = await call('start_broadcast', { broadcast: String(added.body.broadcast.id) });
    assert.deepEqual(response.body, { status: true });
  });

  it('an account with a number sends from it', async () => {
    const response = await server.call('send', { to: '5145550402', message: 'Bonjour' });
    assert.equal(response.status, 200);
    const row = await server.platform.store.db
      .selectFrom('messages')
      .select('from_number')
      .where('id', '=', response.body.msg_id)
      .executeTakeFirstOrThrow();
    assert.equal(row.from_number, '15149541234');
  });
});
