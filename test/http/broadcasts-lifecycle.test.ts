import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastEmails, broadcastMessages, fanOutDone, recordOutcome } from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const MISSING = { status: false, error: 'broadcast identifier parameter is missing' };
const NOT_FOUND = { status: false, error: 'broadcast not found' };

describe('start_broadcast, delete_broadcast, test_broadcast (§7)', () => {
  let server: TestServer;
  let ann: number;
  let bob: number;

  before(async () => {
    // Nothing is dispatched here: these tests look at what is queued and at the counters, which a
    // live dispatcher would move under them (sandbox sends and receipts) at its own pace.
    server = await startTestServer({ holdOutbound: true });
    const db = server.platform.store.db;
    ann = await makeContact(db, server.account.id, {
      number: '15145550101',
      email: 'ann@example.com',
      name: 'Ann',
      language: 'en',
    });
    bob = await makeContact(db, server.account.id, { number: '15145550102', name: 'Bob', language: 'fr' });
    const blocked = await makeContact(db, server.account.id, { number: '15145550103', isBlocked: true });
    await makeGroup(db, server.account.id, 'Team', [ann, bob]);
    await makeGroup(db, server.account.id, 'Only blocked', [blocked]);
    await makeGroup(db, server.account.id, 'Empty');
  });
  after(() => server.close());

  const db = () => server.platform.store.db;
  const add = async (params: Record<string, string> = {}): Promise<string> => {
    const response = await server.call('post_broadcast', {
      name: 'B',
      from_groups: 'Team',
      fr_message: 'Salut _NAME_',
      en_message: 'Hi _NAME_',
      ...params,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return String(response.body.broadcast.id);
  };
  const detail = async (id: string) => (await server.call('get_broadcast', { broadcast: id })).body;

  describe('start_broadcast', () => {
    it('starts: in_progress, launch_date set, number_total counted, list an array', async () => {
      const id = await add();
      const response = await server.call('start_broadcast', { broadcast: id });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { status: true });
      const started = await detail(id);
      assert.equal(started.broadcast.broadcast_status, 'in_progress');
      assert.match(started.broadcast.launch_date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      assert.equal(started.broadcast.end_date, null);
      assert.equal(started.broadcast.number_total, '2');
      assert.ok(Array.isArray(started.list));
    });

    it('answers the documented errors', async () => {
      for (const params of [{}, { broadcast: '' }] as Record<string, string>[]) {
        const response = await server.call('start_broadcast', params);
        assert.equal(response.status, 400);
        assert.deepEqual(response.body, MISSING);
      }
      for (const broadcast of ['424242', 'x1']) {
        const response = await server.call('start_broadcast', { broadcast });
        assert.equal(response.status, 404);
        assert.deepEqual(response.body, NOT_FOUND);
      }
      const id = await add();
      await server.call('start_broadcast', { broadcast: id });
      const again = await server.call('start_broadcast', { broadcast: id });
      assert.equal(again.status, 409);
      assert.deepEqual(again.body, { status: false, error: 'broadcast has already been sent or started' });
    });

    it('refuses a broadcast whose members are all blocked, or none, and leaves it pending', async () => {
      for (const group of ['Only blocked', 'Empty', 'Blocked']) {
        const id = await add({ from_groups: group });
        const response = await server.call('start_broadcast', { broadcast: id });
        assert.equal(response.status, 409, group);
        assert.deepEqual(response.body, { status: false, error: 'broadcast has no valid recipients' });
        const after = await detail(id);
        assert.equal(after.broadcast.broadcast_status, 'pending');
        assert.equal(after.broadcast.launch_date, null);
        assert.equal(after.list, null);
        const snapshot = await db()
          .selectFrom('broadcast_recipients')
          .select('id')
          .where('broadcast_id', '=', Number(id))
          .execute();
        assert.deepEqual(snapshot, [], 'the refused start is rolled back');
      }
    });

    it('counts an SMS-only broadcast to a contact with only an email as having no recipient', async () => {
      const mailOnly = await makeContact(db(), server.account.id, { number: null, email: 'm@example.com' });
      await makeGroup(db(), server.account.id, 'Mail only', [mailOnly]);
      const id = await add({ from_groups: 'Mail only' });
      const response = await server.call('start_broadcast', { broadcast: id });
      assert.deepEqual(response.body, { status: false, error: 'broadcast has no valid recipients' });
    });
  });

  describe('delete_broadcast', () => {
    it('deletes a pending broadcast', async () => {
      const id = await add();
      assert.deepEqual((await server.call('delete_broadcast', { broadcast: id })).body, { status: true });
      assert.deepEqual(await detail(id), NOT_FOUND);
      const listed = (await server.call('get_broadcasts')).body.broadcasts.map((b: { id: string }) => b.id);
      assert.ok(!listed.includes(id));
      const again = await server.call('delete_broadcast', { broadcast: id });
      assert.equal(again.status, 404);
      assert.deepEqual(again.body, NOT_FOUND);
    });

    it('answers the documented errors', async () => {
      assert.deepEqual((await server.call('delete_broadcast', {})).body, MISSING);
      assert.equal((await server.call('delete_broadcast', {})).status, 400);
      assert.deepEqual((await server.call('delete_broadcast', { broadcast: '777777' })).body, NOT_FOUND);
      const id = await add();
      const other = await server.createAccount();
      const foreign = await server.call('delete_broadcast', { broadcast: id }, { key: other.key });
      assert.deepEqual(foreign.body, NOT_FOUND);
      assert.equal((await detail(id)).broadcast.broadcast_status, 'pending');
    });

    it('stops what is still queued of a started broadcast; what was sent stays', async () => {
      const id = await add({ fr_subject: 'S', en_subject: 'S', fr_email: 'E', en_email: 'E' });
      await server.call('start_broadcast', { broadcast: id });
      await fanOutDone(db(), Number(id));
      const [first] = await broadcastMessages(db(), Number(id));
      assert.ok(first);
      await recordOutcome(server.platform, {
        messageId: first.id,
        status: 'sent',
        at: Date.now(),
      });
      assert.deepEqual((await server.call('delete_broadcast', { broadcast: id })).body, { status: true });
      const statuses = (await broadcastMessages(db(), Number(id))).map((m) => m.status);
      assert.deepEqual(statuses, ['sent', 'cancelled']);
      assert.deepEqual(
        (await broadcastEmails(db(), Number(id))).map((e) => e.status),
        ['cancelled'],
      );
    });
  });

  describe('test_broadcast', () => {
    it('queues exactly one rendered message to that contact and changes no counter', async () => {
      const id = await add();
      await server.call('start_broadcast', { broadcast: id });
      await fanOutDone(db(), Number(id));
      const before = await detail(id);
      const countBefore = await db().selectFrom('messages').select('id').execute();
      const response = await server.call('test_broadcast', { broadcast: id, contact: '15145550101' });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, { status: true });
      const added = await db()
        .selectFrom('messages')
        .selectAll()
        .where('id', '>', Math.max(0, ...countBefore.map((m) => m.id)))
        .execute();
      assert.equal(added.length, 1);
      assert.equal(added[0]?.to_number, '15145550101');
      assert.equal(added[0]?.body, 'Hi Ann');
      assert.equal(added[0]?.broadcast_id, null);
      assert.equal(added[0]?.contact_id, ann);
      assert.equal(added[0]?.priority, 0);
      assert.equal(added[0]?.status, 'queued');
      assert.equal(added[0]?.from_number, '15149541234');
      assert.deepEqual(await detail(id), before);
    });

    it('finds the contact by national number, email or id, on a pending broadcast too', async () => {
      const id = await add({ fr_subject: 'Sujet _NAME_', fr_email: 'Courriel <_NAME_>' });
      for (const contact of ['(514) 555-0102', String(bob), 'ANN@example.com']) {
        const response = await server.call('test_broadcast', { broadcast: id, contact });
        assert.deepEqual(response.body, { status: true }, contact);
      }
      assert.equal((await detail(id)).broadcast.broadcast_status, 'pending');
      const email = await db()
        .selectFrom('emails')
        .selectAll()
        .where('kind', '=', 'broadcast_test')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      assert.equal(email.to_address, 'ann@example.com');
      assert.equal(email.subject, 'Sujet Ann');
      assert.equal(email.body, 'Courriel &lt;Ann&gt;');
      assert.equal(email.broadcast_id, null);
    });

    it('answers the documented errors', async () => {
      const id = await add();
      for (const params of [
        {},
        { broadcast: id },
        { contact: '15145550101' },
        { broadcast: '', contact: 'x' },
      ] as Record<string, string>[]) {
        const response = await server.call('test_broadcast', params);
        assert.equal(response.status, 400);
        assert.deepEqual(response.body, { status: false, error: 'Contact and broadcast required' });
      }
      const unknown = await server.call('test_broadcast', { broadcast: '999999', contact: '15145550101' });
      assert.equal(unknown.status, 404);
      assert.deepEqual(unknown.body, NOT_FOUND);
      for (const contact of ['15145559999', 'nobody@example.com', '999999']) {
        const response = await server.call('test_broadcast', { broadcast: id, contact });
        assert.equal(response.status, 404, contact);
        assert.deepEqual(response.body, { status: false, error: 'contact not found' });
      }
    });

    it('refuses a blocked contact as send does', async () => {
      const id = await add();
      const response = await server.call('test_broadcast', { broadcast: id, contact: '15145550103' });
      assert.equal(response.status, 403);
      assert.deepEqual(response.body, { status: false, error: 'recipient is blocked' });
    });
  });
});
