import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastEmails, broadcastMessages, fanOutDone, LIST_ROW_KEYS } from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createBroadcastFanOut } from '../../src/main.js';
import { BroadcastQueueRepo } from '../../src/store/broadcasts/broadcast-queue-repo.js';

describe('broadcast fan-out: recipients, rendering, queued rows', () => {
  let server: TestServer;
  const ids: Record<string, number> = {};

  before(async () => {
    // What the fan-out queued, as it queued it: the dispatchers do not send it meanwhile.
    server = await startTestServer({ holdOutbound: true });
    const db = server.platform.store.db;
    const account = server.account.id;
    ids.ann = await makeContact(db, account, {
      number: '15145550201',
      email: 'ann@example.com',
      name: 'Ann',
      description: 'VIP',
      language: 'en',
    });
    ids.bea = await makeContact(db, account, { number: '15145550202', name: 'Béa', language: 'fr' });
    ids.carl = await makeContact(db, account, { number: '15145550203', name: '', language: 'en' });
    ids.blocked = await makeContact(db, account, { number: '15145550204', name: 'Blocked', isBlocked: true });
    ids.mailOnly = await makeContact(db, account, { number: null, email: 'dan@example.com', name: 'Dan' });
    ids.suppressed = await makeContact(db, account, {
      number: '15145550206',
      email: 'sue@example.com',
      name: 'Sue',
    });
    ids.outside = await makeContact(db, account, { number: '15145550207', name: 'Outside' });
    await db
      .insertInto('suppressions')
      .values({ account_id: account, number: '15145550206', reason: 'UNDELIV_201', created_at: Date.now() })
      .execute();
    // Two overlapping groups: ann and the blocked contact are in both.
    await makeGroup(db, account, 'North', [ids.ann, ids.bea, ids.blocked, ids.mailOnly]);
    await makeGroup(db, account, 'South', [ids.ann, ids.carl, ids.blocked, ids.suppressed]);
  });
  after(() => server.close());

  const db = () => server.platform.store.db;

  async function startAndFanOut(params: Record<string, string>): Promise<number> {
    const added = await server.call('post_broadcast', { name: 'Fan', from_groups: 'North,South', ...params });
    assert.equal(added.status, 200, JSON.stringify(added.body));
    const id = added.body.broadcast.id as number;
    assert.deepEqual((await server.call('start_broadcast', { broadcast: String(id) })).body, {
      status: true,
    });
    await fanOutDone(db(), id);
    return id;
  }

  it('queues one SMS per contact across overlapping groups, none to the blocked or suppressed', async () => {
    const id = await startAndFanOut({ fr_message: 'Bonjour _NAME_ (_NOTES_)', en_message: 'Hi _NAME_!' });
    const messages = await broadcastMessages(db(), id);
    assert.deepEqual(
      messages.map((m) => [m.contact_id, m.to_number, m.body]),
      [
        [ids.ann, '15145550201', 'Hi Ann!'],
        [ids.bea, '15145550202', 'Bonjour Béa ()'],
        [ids.carl, '15145550203', 'Hi !'],
      ],
    );
    for (const m of messages) {
      assert.equal(m.direction, 'mt');
      assert.equal(m.status, 'queued');
      assert.equal(m.priority, 1);
      assert.equal(m.broadcast_id, id);
      assert.equal(m.from_number, '15149541234');
      assert.equal(m.part_count, 1);
      assert.equal(m.account_id, server.account.id);
      assert.ok(m.next_attempt_at <= Date.now());
    }
    assert.deepEqual(
      messages.map((m) => m.encoding),
      ['GSM-7', 'GSM-7', 'GSM-7'],
    );
    assert.deepEqual(await broadcastEmails(db(), id), [], 'no email text, no email');
    const detail = (await server.call('get_broadcast', { broadcast: String(id) })).body;
    assert.equal(detail.broadcast.number_total, '3');
    assert.equal(detail.broadcast.email_total, '0');
    assert.equal(detail.list.length, 3);
    assert.deepEqual(Object.keys(detail.list[0]), LIST_ROW_KEYS);
    assert.deepEqual(detail.list[0], {
      id: String(messages[0]?.id),
      direction: 'mt',
      number: '15149541234',
      user_id: '-1',
      contact: '15145550201',
      message: 'Hi Ann!',
      dt: detail.list[0].dt,
      delivered_at: null,
      status_mt: 'queued',
      replied_at: null,
      user_id_replied: '0',
      deleted: '0',
      is_kw: '0',
      part_count: '1',
      read: '1',
      flag: '0',
    });
    assert.match(detail.list[0].dt, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('falls back to the other language and counts parts per rendered message', async () => {
    const long = 'Ceci est un message assez long pour _NAME_, '.repeat(5);
    const id = await startAndFanOut({ fr_message: long });
    const messages = await broadcastMessages(db(), id);
    const ann = messages.find((m) => m.contact_id === ids.ann);
    const carl = messages.find((m) => m.contact_id === ids.carl);
    assert.equal(
      ann?.body,
      long.replaceAll('_NAME_', 'Ann'),
      'an en contact gets the fr text when there is no en text',
    );
    assert.equal(ann?.part_count, 2);
    assert.equal(carl?.body, long.replaceAll('_NAME_', ''));
    assert.equal(carl?.part_count, 2);
    assert.equal(messages.length, 3);
  });

  it('queues emails to contacts with an address: merged subject, HTML-escaped body', async () => {
    const id = await startAndFanOut({
      en_message: 'Hi _NAME_',
      fr_subject: 'Nouvelles pour _NAME_',
      fr_email: 'Bonjour _NAME_ <_EMAIL_>\n_NOTES_ & merci',
    });
    const emails = await broadcastEmails(db(), id);
    assert.deepEqual(
      emails.map((e) => [e.contact_id, e.to_address, e.subject, e.body]),
      [
        [
          ids.ann,
          'ann@example.com',
          'Nouvelles pour Ann',
          'Bonjour Ann &lt;ann@example.com&gt;<br>\nVIP &amp; merci',
        ],
        [
          ids.mailOnly,
          'dan@example.com',
          'Nouvelles pour Dan',
          'Bonjour Dan &lt;dan@example.com&gt;<br>\n &amp; merci',
        ],
        [
          ids.suppressed,
          'sue@example.com',
          'Nouvelles pour Sue',
          'Bonjour Sue &lt;sue@example.com&gt;<br>\n &amp; merci',
        ],
      ],
    );
    for (const e of emails) {
      assert.equal(e.kind, 'broadcast');
      assert.equal(e.format, 'htm');
      assert.equal(e.status, 'queued');
      assert.equal(e.from_address, 'radio@example.com');
      assert.equal(e.broadcast_id, id);
    }
    const detail = (await server.call('get_broadcast', { broadcast: String(id) })).body;
    assert.equal(detail.broadcast.number_total, '3');
    assert.equal(detail.broadcast.email_total, '3');
    assert.equal(
      (await broadcastMessages(db(), id)).length,
      3,
      'the suppressed number gets the email, no SMS',
    );
  });

  it('uses the contacts as they were at start, even if edited or deleted before their turn', async () => {
    // A server without background workers: the fan-out runs only when this test says so.
    const quiet = await startTestServer({ role: 'api' });
    try {
      const qdb = quiet.platform.store.db;
      const a = await makeContact(qdb, quiet.account.id, {
        number: '15145550301',
        name: 'Ann',
        language: 'en',
      });
      const b = await makeContact(qdb, quiet.account.id, {
        number: '15145550302',
        name: 'Bob',
        language: 'en',
      });
      await makeGroup(qdb, quiet.account.id, 'Pair', [a, b]);
      const added = await quiet.call('post_broadcast', {
        name: 'Snap',
        from_groups: 'Pair',
        en_message: 'Hi _NAME_',
      });
      const id = added.body.broadcast.id as number;
      assert.deepEqual((await quiet.call('start_broadcast', { broadcast: String(id) })).body, {
        status: true,
      });
      await qdb.updateTable('contacts').set({ name: 'Changed' }).where('id', '=', a).execute();
      await qdb.deleteFrom('contacts').where('id', '=', b).execute();
      let nudges = 0;
      const worker = createBroadcastFanOut(
        new BroadcastQueueRepo(quiet.platform.store.db, quiet.platform.store.dialect),
        quiet.platform.ctx.log,
        Date.now,
        {
          batchSize: 1,
          ratePerSecond: null,
          // What wakes the process's dispatchers: once per committed batch.
          onQueued: () => (nudges += 1),
        },
      );
      worker.start();
      try {
        await fanOutDone(qdb, id);
      } finally {
        await worker.stop();
      }
      const rows = await broadcastMessages(qdb, id);
      assert.deepEqual(
        rows.map((m) => [m.contact_id, m.to_number, m.body]),
        [
          [a, '15145550301', 'Hi Ann'],
          [b, '15145550302', 'Hi Bob'],
        ],
      );
      assert.ok(nudges >= 2, `one wake-up per batch of one recipient, got ${nudges}`);
    } finally {
      await quiet.close();
    }
  });

  it('fails the recipient whose merged SMS exceeds 10 parts, with the reason, never queued', async () => {
    const db0 = db();
    const huge = await makeContact(db0, server.account.id, {
      number: '15145550299',
      description: 'x'.repeat(1500),
      name: 'Huge',
    });
    const small = await makeContact(db0, server.account.id, { number: '15145550298', name: 'Small' });
    await makeGroup(db0, server.account.id, 'Sizes', [huge, small]);
    const added = await server.call('post_broadcast', {
      name: 'Sizes',
      from_groups: 'Sizes',
      fr_message: 'Notes: _NOTES_ — end',
    });
    const id = added.body.broadcast.id as number;
    await server.call('start_broadcast', { broadcast: String(id) });
    await fanOutDone(db0, id);
    const rows = await broadcastMessages(db0, id);
    assert.deepEqual(
      rows.map((m) => [m.contact_id, m.status, m.error, m.part_count]),
      [
        [huge, 'failed', 'message is too long (maximum 10 parts)', 23],
        [small, 'queued', null, 1],
      ],
    );
    const detail = (await server.call('get_broadcast', { broadcast: String(id) })).body;
    assert.equal(detail.broadcast.number_failed, '1');
    assert.equal(detail.broadcast.number_sent, '0');
    assert.equal(detail.broadcast.number_total, '2');
  });

  it('drops what a start that died mid-snapshot copied, and waits for a start still running', async () => {
    const db0 = db();
    const added = await server.call('post_broadcast', {
      name: 'Crashed',
      from_groups: 'North',
      fr_message: 'Hi',
    });
    const id = added.body.broadcast.id as number;
    // A start that died after copying: its hold has lapsed, and it copied someone no longer targeted.
    await db0
      .updateTable('broadcasts')
      .set({ lease_until: Date.now() - 1 })
      .where('id', '=', id)
      .execute();
    await db0
      .insertInto('broadcast_recipients')
      .values({
        broadcast_id: id,
        contact_id: ids.outside as number,
        number: '15145550207',
        email: null,
        name: 'Outside',
        description: '',
        language: 'fr',
      })
      .execute();
    assert.deepEqual((await server.call('start_broadcast', { broadcast: String(id) })).body, {
      status: true,
    });
    await fanOutDone(db0, id);
    assert.deepEqual(
      (await broadcastMessages(db0, id)).map((m) => m.contact_id),
      [ids.ann, ids.bea],
      'the group as it is now, nothing left from the dead start',
    );

    // A start still copying (its hold in the future) is not started a second time.
    const other = (
      await server.call('post_broadcast', { name: 'Busy', from_groups: 'North', fr_message: 'Hi' })
    ).body.broadcast.id as number;
    await db0
      .updateTable('broadcasts')
      .set({ lease_until: Date.now() + 60_000 })
      .where('id', '=', other)
      .execute();
    const second = await server.call('start_broadcast', { broadcast: String(other) });
    assert.deepEqual(second.body, { status: false, error: 'broadcast has already been sent or started' });
    assert.equal((await broadcastMessages(db0, other)).length, 0);
  });
});
