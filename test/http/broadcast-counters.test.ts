import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import {
  broadcastEmails,
  broadcastMessages,
  fanOutDone,
  recordOutcome,
  waitFor,
  type MessageOutcome,
} from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * Counters and completion as outcomes arrive. The dispatcher and the receipt handler are another
 * area: here outcomes are recorded on the rows and emitted through MessageEvents in the same
 * transaction, as they do (recordOutcome), so the completion listener runs as in production.
 */
describe('broadcast counters and completion', () => {
  let server: TestServer;
  let serial = 0;

  before(async () => {
    // No dispatcher: it would send and settle these messages itself, about a second after the
    // fan-out, under the outcomes the tests record.
    server = await startTestServer({ holdOutbound: true });
  });
  after(() => server.close());

  const db = () => server.platform.store.db;
  const record = (outcome: Omit<MessageOutcome, 'at'>) =>
    recordOutcome(server.platform, { at: Date.now(), ...outcome });
  const detail = async (id: number, key?: string) =>
    (await server.call('get_broadcast', { broadcast: String(id) }, { key })).body;

  async function broadcastTo(
    accountId: number,
    key: string | undefined,
    count: number,
    params: Record<string, string> = { fr_message: 'Bonjour _NAME_' },
    withEmail = false,
  ): Promise<number> {
    const members = [];
    for (let i = 0; i < count; i++) {
      members.push(
        await makeContact(db(), accountId, {
          name: `C${i}`,
          email: withEmail ? `c${(serial += 1)}@example.com` : null,
        }),
      );
    }
    const group = `G${Date.now()}${Math.random()}`;
    await makeGroup(db(), accountId, group, members);
    const added = await server.call(
      'post_broadcast',
      { name: 'Count', from_groups: group, ...params },
      { key },
    );
    const id = added.body.broadcast.id as number;
    assert.deepEqual((await server.call('start_broadcast', { broadcast: String(id) }, { key })).body, {
      status: true,
    });
    await fanOutDone(db(), id);
    return id;
  }

  it('counts sent, delivered and failed exactly, and completes when the last SMS settles', async () => {
    const id = await broadcastTo(server.account.id, undefined, 5);
    const [m1, m2, m3, m4, m5] = (await broadcastMessages(db(), id)).map((m) => m.id) as [
      number,
      number,
      number,
      number,
      number,
    ];
    for (const messageId of [m1, m2, m3, m4]) await record({ messageId, status: 'sent' });
    await record({ messageId: m2, status: 'delivered', detailedStatus: 'DELIVRD_000' });
    await record({ messageId: m3, status: 'delivered', detailedStatus: 'ACCEPTD_000' });
    await record({ messageId: m4, status: 'failed', detailedStatus: 'UNDELIV_300' });
    // A transport rejection: never handed to the carrier, so not sent, but failed.
    await record({ messageId: m5, status: 'failed', error: 'ESME_RINVDSTADR' });

    // A late 'sent' (the submit's answer after the receipt) does not undo a final state.
    await record({ messageId: m2, status: 'sent' });
    const running = await detail(id);
    assert.deepEqual(
      [
        running.broadcast.number_total,
        running.broadcast.number_sent,
        running.broadcast.number_delivered,
        running.broadcast.number_failed,
      ],
      ['5', '4', '2', '2'],
    );
    assert.equal(running.broadcast.broadcast_status, 'in_progress');
    assert.equal(running.broadcast.end_date, null);

    await record({ messageId: m1, status: 'failed', detailedStatus: 'EXPIRED_102' });
    const done = await detail(id);
    assert.deepEqual(
      [
        done.broadcast.number_total,
        done.broadcast.number_sent,
        done.broadcast.number_delivered,
        done.broadcast.number_failed,
      ],
      ['5', '4', '2', '3'],
    );
    assert.equal(done.broadcast.broadcast_status, 'completed');
    assert.match(done.broadcast.end_date, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    assert.deepEqual(
      done.list.map((row: { status_mt: string }) => row.status_mt),
      ['EXPIRED_102', 'DELIVRD_000', 'ACCEPTD_000', 'UNDELIV_300', 'failed'],
    );
    assert.deepEqual(
      done.list.map((row: { delivered_at: string | null }) => row.delivered_at !== null),
      [false, true, true, false, false],
    );
    const rows = await broadcastMessages(db(), id);
    assert.ok(rows.every((m) => m.done_at !== null));
    assert.equal(rows[4]?.sent_at, null);
    assert.equal(rows[4]?.error, 'ESME_RINVDSTADR');
  });

  it('writes plain status_mt for an account without detailed status', async () => {
    const plain = await server.createAccount({ senders: ['15149540000'] });
    await db().updateTable('accounts').set({ detailed_status: 0 }).where('id', '=', plain.id).execute();
    const id = await broadcastTo(plain.id, plain.key, 3);
    const [a, b] = (await broadcastMessages(db(), id)).map((m) => m.id) as [number, number];
    await record({ messageId: a, status: 'delivered', detailedStatus: 'DELIVRD_000' });
    await record({ messageId: b, status: 'sent' });
    const body = await detail(id, plain.key);
    assert.deepEqual(
      body.list.map((row: { status_mt: string }) => row.status_mt),
      ['delivered', 'sent', 'queued'],
    );
    assert.equal(body.list[0].number, '15149540000');
    assert.equal(body.broadcast.broadcast_status, 'in_progress');
  });

  it('counts emails and waits for them too; the sweep completes rows settled without the hook', async () => {
    const id = await broadcastTo(
      server.account.id,
      undefined,
      3,
      { fr_message: 'Salut', fr_subject: 'Sujet', fr_email: 'Texte' },
      true,
    );
    for (const m of await broadcastMessages(db(), id)) {
      await record({ messageId: m.id, status: 'delivered', detailedStatus: 'DELIVRD_000' });
    }
    const waiting = await detail(id);
    assert.equal(waiting.broadcast.broadcast_status, 'in_progress', 'emails still queued');
    assert.deepEqual(
      [waiting.broadcast.email_total, waiting.broadcast.email_sent, waiting.broadcast.email_failed],
      ['3', '0', '0'],
    );
    // As the email dispatcher records its outcomes: straight on the rows.
    const [e1, e2, e3] = (await broadcastEmails(db(), id)).map((e) => e.id) as [number, number, number];
    await db()
      .updateTable('emails')
      .set({ status: 'sent', sent_at: Date.now() })
      .where('id', 'in', [e1, e2])
      .execute();
    await db()
      .updateTable('emails')
      .set({ status: 'failed', error: '550 no such user' })
      .where('id', '=', e3)
      .execute();
    const completed = await waitFor('completion by the sweep', async () => {
      const body = await detail(id);
      return body.broadcast.broadcast_status === 'completed' ? body : undefined;
    });
    assert.deepEqual(
      [completed.broadcast.email_total, completed.broadcast.email_sent, completed.broadcast.email_failed],
      ['3', '2', '1'],
    );
    assert.equal(completed.broadcast.number_delivered, '3');
    assert.notEqual(completed.broadcast.end_date, null);
  });

  it('completes at once a broadcast with nothing to wait for', async () => {
    const id = await broadcastTo(server.account.id, undefined, 2, { fr_message: `${'ç'.repeat(669)}_NAME_` });
    const body = await waitFor('completion', async () => {
      const b = await detail(id);
      return b.broadcast.broadcast_status === 'completed' ? b : undefined;
    });
    assert.equal(body.broadcast.number_failed, '2');
    assert.equal(body.broadcast.number_total, '2');
    assert.notEqual(body.broadcast.end_date, null);
  });

  it('counts an email-only broadcast in the email fields only', async () => {
    const id = await broadcastTo(server.account.id, undefined, 2, { en_subject: 'S', en_email: 'E' }, true);
    const body = await detail(id);
    assert.deepEqual(
      [body.broadcast.number_total, body.broadcast.email_total, body.broadcast.message],
      ['0', '2', ''],
    );
    assert.deepEqual(body.list, []);
    assert.equal((await broadcastMessages(db(), id)).length, 0);
  });
});
