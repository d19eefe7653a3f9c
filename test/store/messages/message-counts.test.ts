import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { MessageHistoryService } from '../../../src/domain/messages/message-history-service.js';
import { KyselyMessageHistory } from '../../../src/store/messages/history-repo.js';
import { foldMessageCounts } from '../../../src/store/postgres/message-counts-fold.js';
import { insertOutbound } from '../../helpers/messages.js';
import { tempStore } from '../../helpers/store.js';

type Temp = Awaited<ReturnType<typeof tempStore>>;

/** What message_counts must hold: the messages themselves, counted by feed status and slot. */
async function countedFromMessages(temp: Temp) {
  const rows = await sql<{ slot: number; status: string; total: number }>`
    select created_at - created_at % 900000 as slot,
      case when direction = 'mo' then 'received' when status in ('queued', 'sending') then 'queued'
        when status = 'cancelled' then 'failed' else status end as status,
      count(*) as total
    from messages where account_id = ${temp.accountId} group by 1, 2`.execute(temp.store.db);
  return rows.rows.map((r) => `${Number(r.slot)} ${r.status} ${Number(r.total)}`).sort();
}

async function countedByTriggers(temp: Temp) {
  const rows = await new KyselyMessageHistory(temp.store.db).countBySlot(temp.accountId, 0);
  return rows.map((r) => `${r.slot} ${r.status} ${r.total}`).sort();
}

describe('message_counts (migration 014): kept by triggers in the writing statement', () => {
  let temp: Temp;
  before(async () => {
    temp = await tempStore();
  });
  after(() => temp.close());

  test('inserts and every status move, in batches as the hot paths write them, count exactly', async () => {
    const db = temp.store.db;
    const base = Date.parse('2026-11-30T10:00:00Z');
    const numbers = Array.from({ length: 40 }, (_, i) => `1514555${String(i).padStart(4, '0')}`);
    const ids = await insertOutbound(db, temp.accountId, numbers, { status: 'queued', created_at: base });
    const later = await insertOutbound(db, temp.accountId, numbers.slice(0, 10), {
      status: 'queued',
      created_at: base + 3_600_000 + 5,
    });
    await db
      .insertInto('messages')
      .values({
        account_id: temp.accountId,
        direction: 'mo',
        from_number: '15145550000',
        to_number: '15149541234',
        body: 'Allô',
        part_count: 1,
        encoding: 'GSM-7',
        status: 'received',
        priority: 0,
        attempts: 0,
        next_attempt_at: 0,
        created_at: base + 60_000,
      })
      .execute();
    // Claimed (still queued to the feed), sent, then receipts; a cancel; a retry back to queued.
    await db.updateTable('messages').set({ status: 'sending' }).where('id', 'in', ids.slice(0, 30)).execute();
    await db.updateTable('messages').set({ status: 'sent' }).where('id', 'in', ids.slice(0, 30)).execute();
    await db
      .updateTable('messages')
      .set({ status: 'delivered' })
      .where('id', 'in', ids.slice(0, 20))
      .execute();
    await db.updateTable('messages').set({ status: 'failed' }).where('id', 'in', ids.slice(20, 25)).execute();
    await db.updateTable('messages').set({ status: 'queued' }).where('id', 'in', ids.slice(25, 28)).execute();
    await db
      .updateTable('messages')
      .set({ status: 'cancelled' })
      .where('id', 'in', later.slice(0, 4))
      .execute();
    // A lease renewal: no counted status changes.
    await db.updateTable('messages').set({ lease_until: base }).where('id', 'in', ids).execute();
    assert.deepEqual(await countedByTriggers(temp), await countedFromMessages(temp));

    const history = new MessageHistoryService({
      store: new KyselyMessageHistory(db),
      now: () => base + 2 * 3_600_000,
    });
    const figures = await history.dashboard(temp.accountId, 'America/Toronto');
    assert.deepEqual(
      { ...figures.today, startAt: 0 },
      {
        startAt: 0,
        received: 1,
        sent: 50,
        pending: 50 - 20 - 9,
        delivered: 20,
        failed: 9,
        deliveryRate: 20 / 29,
      },
    );

    if (temp.store.dialect === 'postgres') {
      const before = await countedByTriggers(temp);
      const removed = await foldMessageCounts(db);
      assert.ok(removed > 0, 'deltas folded');
      assert.deepEqual(await countedByTriggers(temp), before);
      const rows = await db
        .selectFrom('message_counts')
        .select(sql<number>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), before.length, 'one row per key');
    }
  });
});
