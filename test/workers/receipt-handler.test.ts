import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { MessageEvents, type MessageStatusEvent } from '../../src/domain/messages/message-events.js';
import { createReceiptHandler } from '../../src/outbound-wiring.js';
import { ReceiptHandler } from '../../src/workers/receipt-handler.js';
import { messageRow, partRows, testSandbox, waitFor } from '../helpers/messages.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { tempStore } from '../helpers/store.js';

/** Receipts are handed in by hand here: the sandbox accepts parts and stays silent. */
describe('delivery receipts (contract §6)', () => {
  let server: TestServer;
  let receipts: ReceiptHandler;
  const finals: MessageStatusEvent[] = [];
  before(async () => {
    server = await startTestServer({ sms: testSandbox({ outcome: { kind: 'silent' } }) });
    const handler = server.platform.workers.find((w) => w instanceof ReceiptHandler);
    assert.ok(handler instanceof ReceiptHandler);
    receipts = handler;
    server.platform.ctx.messageEvents.onFinal(async (events) => void finals.push(...events));
  });
  after(() => server.close());

  const db = () => server.platform.store.db;

  /** Sends and waits until the carrier accepted every part; returns the id and the carrier ids. */
  async function sent(to: string, message: string): Promise<{ id: number; carrierIds: string[] }> {
    const { body } = await server.call('send', { to, message });
    const parts = await waitFor('sent', async () => {
      const rows = await partRows(db(), body.msg_id);
      return rows.length === body.part_count ? rows : undefined;
    });
    assert.equal((await messageRow(db(), body.msg_id)).status, 'sent');
    return { id: body.msg_id, carrierIds: parts.map((p) => p.carrier_id ?? '') };
  }
  const decimal = (hex: string) => BigInt(`0x${hex}`).toString(10);

  it('delivers a message on DELIVRD, matching the decimal id of a hex carrier id', async () => {
    const { id, carrierIds } = await sent('15145550401', 'Bonjour');
    await receipts.handle({ carrierId: decimal(carrierIds[0] ?? ''), stat: 'DELIVRD', err: '000' });
    const row = await messageRow(db(), id);
    assert.equal(row.status, 'delivered');
    assert.equal(row.detailed_status, 'DELIVRD_000');
    const [part] = await partRows(db(), id);
    assert.deepEqual([part?.status, part?.stat, part?.err], ['delivered', 'DELIVRD', '000']);
    assert.equal(finals.find((e) => e.messageId === id)?.detailedStatus, 'DELIVRD_000');
  });

  it('accepts the id in other forms: lower case, zero-padded, padded decimal', async () => {
    for (const form of [
      (h: string) => h.toLowerCase(),
      (h: string) => `00${h}`,
      (h: string) => `0${decimal(h)}`,
    ]) {
      const { id, carrierIds } = await sent('15145550402', 'Bonjour');
      await receipts.handle({ carrierId: form(carrierIds[0] ?? ''), stat: 'ACCEPTD', err: '0' });
      assert.equal((await messageRow(db(), id)).detailed_status, 'ACCEPTD_000');
      assert.equal((await messageRow(db(), id)).status, 'delivered');
    }
  });

  it('delivers a multi-part message only when every part is delivered', async () => {
    const { id, carrierIds } = await sent('15145550403', 'x'.repeat(400)); // three parts
    assert.equal(carrierIds.length, 3);
    await receipts.handle({ carrierId: carrierIds[0] ?? '', stat: 'DELIVRD', err: '000' });
    await receipts.handle({ carrierId: carrierIds[2] ?? '', stat: 'DELIVRD', err: '000' });
    let row = await messageRow(db(), id);
    assert.deepEqual([row.status, row.detailed_status], ['sent', null]);
    await receipts.handle({ carrierId: carrierIds[1] ?? '', stat: 'DELIVRD', err: '000' });
    row = await messageRow(db(), id);
    assert.deepEqual([row.status, row.detailed_status], ['delivered', 'DELIVRD_000']);
  });

  it('fails a message on a failed part, and later receipts do not move it', async () => {
    const { id, carrierIds } = await sent('15145550404', 'x'.repeat(200));
    await Promise.all([
      receipts.handle({ carrierId: carrierIds[0] ?? '', stat: 'EXPIRED', err: '102' }),
      receipts.handle({ carrierId: carrierIds[1] ?? '', stat: 'ENROUTE', err: '000' }),
    ]);
    let row = await messageRow(db(), id);
    assert.deepEqual([row.status, row.detailed_status], ['failed', 'EXPIRED_102']);
    await receipts.handle({ carrierId: carrierIds[1] ?? '', stat: 'DELIVRD', err: '000' });
    await receipts.handle({ carrierId: carrierIds[0] ?? '', stat: 'DELIVRD', err: '000' }); // a duplicate
    row = await messageRow(db(), id);
    assert.deepEqual([row.status, row.detailed_status], ['failed', 'EXPIRED_102']);
    assert.equal(finals.filter((e) => e.messageId === id).length, 1);
  });

  it('reads every failing state: UNDELIV, UNKNOWN, REJECTD', async () => {
    for (const [stat, err] of [
      ['UNDELIV', '300'],
      ['UNKNOWN', '399'],
      ['REJECTD', '104'],
    ]) {
      const { id, carrierIds } = await sent('15145550405', 'Bonjour');
      await receipts.handle({ carrierId: carrierIds[0] ?? '', stat: stat ?? '', err: err ?? '' });
      const row = await messageRow(db(), id);
      assert.deepEqual([row.status, row.detailed_status], ['failed', `${stat}_${err}`]);
    }
    const feed = await server.call('get_feed', { date_start: '2000-01-01 00:00:00', direction: 'mt' });
    const statuses = feed.body.map((m: { status_mt: string }) => m.status_mt);
    for (const expected of ['UNDELIV_300', 'UNKNOWN_399', 'REJECTD_104'])
      assert.ok(statuses.includes(expected));
  });

  it('puts the number on the suppression list for a "Supprimer ce destinataire" code, and send refuses it', async () => {
    for (const [number, err, suppressed] of [
      ['15145550411', '201', true],
      ['15145550412', '304', true],
      ['15145550413', '300', false],
    ] as const) {
      const { carrierIds } = await sent(number, 'Bonjour');
      await receipts.handle({ carrierId: carrierIds[0] ?? '', stat: 'UNDELIV', err });
      const entry = await db()
        .selectFrom('suppressions')
        .selectAll()
        .where('account_id', '=', server.account.id)
        .where('number', '=', number)
        .executeTakeFirst();
      assert.equal(entry?.reason, suppressed ? `UNDELIV_${err}` : undefined, number);
      const again = await server.call('send', { to: number, message: 'encore' });
      assert.equal(again.status, suppressed ? 403 : 200, number);
    }
  });

  it('keeps a receipt that beats the record of its submit and applies it once the part exists', async () => {
    await receipts.handle({ carrierId: '7FFFFFF1', stat: 'DELIVRD', err: '000' });
    const waiting = await db()
      .selectFrom('unmatched_receipts')
      .selectAll()
      .where('carrier_id', '=', '7FFFFFF1')
      .execute();
    assert.equal(waiting.length, 1);
    const { id } = await sent('15145550406', 'Bonjour');
    // The carrier "answers the submit" with the id the receipt already quoted.
    await db()
      .updateTable('message_parts')
      .set({ carrier_id: '7FFFFFF1', carrier_key: '7ffffff1' })
      .where('message_id', '=', id)
      .execute();
    // This handler also sweeps on its own tick (woken when the part was recorded), which may take the
    // receipt before this call does: whichever sweep applies it, it is applied once.
    const appliedHere = await receipts.sweepUnmatched();
    assert.ok(appliedHere <= 1);
    await waitFor('delivered', async () => (await messageRow(db(), id)).status === 'delivered');
    assert.equal(finals.filter((e) => e.messageId === id).length, 1);
    assert.equal((await db().selectFrom('unmatched_receipts').selectAll().execute()).length, 0);
  });
});

describe('unmatched receipts a week old', () => {
  it('are forgotten by a sweep, looked for at most once a minute', async () => {
    const { store, close } = await tempStore();
    try {
      let offset = 0;
      const handler = createReceiptHandler({
        store,
        events: new MessageEvents(),
        log: pino({ level: 'silent' }),
        now: () => Date.now() + offset,
        receiptRetries: 0,
      });
      const WEEK = 7 * 24 * 60 * 60 * 1000;
      const keep = async (carrierId: string, age: number) =>
        store.db
          .insertInto('unmatched_receipts')
          .values({
            carrier_id: carrierId,
            stat: 'DELIVRD',
            err: '000',
            done_at: null,
            received_at: Date.now() - age,
          })
          .execute();
      const left = async () =>
        (
          await store.db.selectFrom('unmatched_receipts').select('carrier_id').orderBy('carrier_id').execute()
        ).map((r) => r.carrier_id);
      await keep('A1', WEEK + 60_000);
      await keep('B2', 60_000);
      await handler.sweepUnmatched();
      assert.deepEqual(await left(), ['B2']);
      await keep('C3', WEEK + 60_000);
      await handler.sweepUnmatched();
      assert.deepEqual(await left(), ['B2', 'C3'], 'not looked for again within the minute');
      offset = 61_000;
      await handler.sweepUnmatched();
      assert.deepEqual(await left(), ['B2']);
    } finally {
      await close();
    }
  });
});

describe('delivery receipts: "Réessayer plus tard" with RECEIPT_RETRY_ATTEMPTS', () => {
  let server: TestServer;
  let offset = 0;
  const attempts = new Map<number, number>();
  before(async () => {
    server = await startTestServer({
      now: () => Date.now() + offset,
      env: { RECEIPT_RETRY_ATTEMPTS: '1' },
      sms: testSandbox({
        outcome: (sms) => {
          const attempt = (attempts.get(sms.messageId) ?? 0) + 1;
          attempts.set(sms.messageId, attempt);
          if (sms.to === '15145550421') return { kind: 'receipt', stat: 'EXPIRED', err: '102' };
          return attempt === 1
            ? { kind: 'receipt', stat: 'UNDELIV', err: '305' }
            : { kind: 'receipt', stat: 'DELIVRD', err: '000' };
        },
      }),
    });
  });
  after(() => server.close());

  const row = (id: number) => messageRow(server.platform.store.db, id);

  it('sends the message again later, once, then it is delivered', async () => {
    const { body } = await server.call('send', { to: '15145550420', message: 'Bonjour' });
    const requeued = await waitFor('requeued', async () => {
      const r = await row(body.msg_id);
      return r.status === 'queued' && r.attempts === 1 ? r : undefined;
    });
    assert.ok(requeued.next_attempt_at > Date.now() + offset + 30_000, 'retried later, not at once');
    offset += 10 * 60_000; // ten minutes pass
    server.platform.ctx.messageEvents.notifyQueued();
    await waitFor('delivered', async () => (await row(body.msg_id)).status === 'delivered');
    assert.equal(attempts.get(body.msg_id), 2);
    // The carrier billed both submissions: get_usage counts both parts, and the message once.
    const twoDaysAgo = new Date(Date.now() + offset - 2 * 86_400_000).toISOString().slice(0, 10);
    const usage = await server.call('get_usage', { from_date: twoDaysAgo });
    assert.equal(usage.status, 200, JSON.stringify(usage.body));
    assert.deepEqual([usage.body.totals.mt_messages, usage.body.totals.mt_parts], [1, 2]);
  });

  it('fails when the retries are used up', async () => {
    const { body } = await server.call('send', { to: '15145550421', message: 'Bonjour' });
    await waitFor('requeued', async () => {
      const r = await row(body.msg_id);
      return r.status === 'queued' && r.attempts === 1;
    });
    offset += 10 * 60_000;
    server.platform.ctx.messageEvents.notifyQueued();
    const failed = await waitFor('failed', async () => {
      const r = await row(body.msg_id);
      return r.status === 'failed' ? r : undefined;
    });
    assert.equal(failed.detailed_status, 'EXPIRED_102');
    assert.equal(attempts.get(body.msg_id), 2);
  });
});
