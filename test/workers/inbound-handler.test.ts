import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { messageRow } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('inbound SMS (MO)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const db = () => server.platform.store.db;
  const receive = (from: string, to: string, text: string, partCount = 1) =>
    server.platform.ctx.inbound.receive({
      from,
      to,
      text,
      partCount,
      receivedAt: Date.parse('2024-05-01T12:00:00Z'),
    });

  it('stores a message for the account whose sender number it was sent to, linked to the contact', async () => {
    const contact = await server.call('post_contact', { number: '15145555555', name: 'Auditeur' });
    const result = await receive('+1 514 555 5555', '+15149541234', 'Météo, ça va?');
    assert.ok(result.routed);
    assert.equal(result.accountId, server.account.id);
    assert.equal(result.contactId, contact.body.contact[0].id);
    const row = await messageRow(db(), result.messageId);
    assert.deepEqual(
      [row.direction, row.from_number, row.to_number, row.body, row.status, row.encoding, row.part_count],
      ['mo', '15145555555', '15149541234', 'Météo, ça va?', 'received', 'UCS-2', 1],
    );
    const feed = await server.call('get_feed', { date_start: '2024-05-01 12:00:00' });
    assert.deepEqual(feed.body, [
      {
        msg_id: result.messageId,
        direction: 'mo',
        from: '15145555555',
        to: '15149541234',
        message: 'Météo, ça va?',
        datetime: '2024-05-01 12:00:00',
        part_count: 1,
      },
    ]);
  });

  it('stores a message from an unknown number without a contact, with its reassembled part count', async () => {
    const result = await receive('15145550999', '15149541234', 'x'.repeat(300), 2);
    assert.ok(result.routed);
    assert.equal(result.contactId, null);
    assert.equal((await messageRow(db(), result.messageId)).part_count, 2);
  });

  it('keeps a message to a number no account sends from, and shows it in no feed', async () => {
    const result = await receive('15145555555', '15140000000', 'Perdu?');
    assert.equal(result.routed, false);
    assert.ok(!result.routed);
    const kept = await db()
      .selectFrom('unrouted_inbound')
      .selectAll()
      .where('id', '=', result.unroutedId)
      .executeTakeFirstOrThrow();
    assert.deepEqual([kept.from_number, kept.to_number, kept.body], ['15145555555', '15140000000', 'Perdu?']);
    const feed = await server.call('get_feed', { date_start: '2000-01-01 00:00:00', direction: 'all' });
    assert.ok(!feed.body.some((m: { message: string }) => m.message === 'Perdu?'));
  });
});
