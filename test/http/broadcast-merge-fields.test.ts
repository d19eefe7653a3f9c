import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastEmails, broadcastMessages, fanOutDone } from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Contract §7: the merge fields take the contact's values whatever channels the broadcast uses. A
 * conformance run found `_EMAIL_` empty in the SMS of a broadcast without an email text, and
 * `_NUMBER_` empty in an email-only one: the recipients' snapshot kept only the channels' addresses.
 */
describe('broadcast merge fields come from the contact, whatever the channels', () => {
  let server: TestServer;
  let sue: number;

  before(async () => {
    server = await startTestServer({ holdOutbound: true });
    const db = server.platform.store.db;
    const account = server.account.id;
    const ann = await makeContact(db, account, {
      number: '15145550301',
      email: 'ann@example.com',
      name: 'Ann',
      language: 'en',
    });
    // Suppressed: she gets no SMS, but her email still names her number.
    sue = await makeContact(db, account, {
      number: '15145550302',
      email: 'sue@example.com',
      name: 'Sue',
      language: 'en',
    });
    await db
      .insertInto('suppressions')
      .values({ account_id: account, number: '15145550302', reason: 'UNDELIV_201', created_at: Date.now() })
      .execute();
    await makeGroup(db, account, 'Both', [ann, sue]);
  });
  after(() => server.close());

  async function fanOut(params: Record<string, string>): Promise<number> {
    const added = await server.call('post_broadcast', { name: 'Merge', from_groups: 'Both', ...params });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const id = added.body.broadcast.id as number;
    assert.deepEqual((await server.call('start_broadcast', { broadcast: String(id) })).body, {
      status: true,
    });
    await fanOutDone(server.platform.store.db, id);
    return id;
  }

  it('fills _EMAIL_ in the SMS of a broadcast that has no email text', async () => {
    const id = await fanOut({ en_message: 'Hi _NAME_, we write to _EMAIL_ from _NUMBER_' });
    const messages = await broadcastMessages(server.platform.store.db, id);
    assert.deepEqual(
      messages.map((m) => [m.to_number, m.body]),
      [['15145550301', 'Hi Ann, we write to ann@example.com from 15145550301']],
    );
  });

  it('fills _NUMBER_ in an email-only broadcast, also for a suppressed number', async () => {
    const id = await fanOut({
      en_subject: 'For _NUMBER_',
      en_email: 'Your number: _NUMBER_, your email: _EMAIL_',
    });
    const emails = await broadcastEmails(server.platform.store.db, id);
    assert.deepEqual(
      emails.map((e) => [e.to_address, e.subject, e.body]),
      [
        ['ann@example.com', 'For 15145550301', 'Your number: 15145550301, your email: ann@example.com'],
        ['sue@example.com', 'For 15145550302', 'Your number: 15145550302, your email: sue@example.com'],
      ],
    );
  });

  it('test_broadcast fills _NUMBER_ for a suppressed contact’s email', async () => {
    const added = await server.call('post_broadcast', {
      name: 'Test merge',
      from_groups: 'Both',
      en_subject: 'Hi',
      en_email: 'Number _NUMBER_',
    });
    const response = await server.call('test_broadcast', {
      broadcast: String(added.body.broadcast.id),
      contact: String(sue),
    });
    assert.deepEqual(response.body, { status: true });
    const email = await server.platform.store.db
      .selectFrom('emails')
      .select('body')
      .where('to_address', '=', 'sue@example.com')
      .where('broadcast_id', 'is', null)
      .executeTakeFirstOrThrow();
    assert.equal(email.body, 'Number 15145550302');
  });
});
