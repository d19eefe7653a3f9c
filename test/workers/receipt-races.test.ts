import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { normaliseCarrierId } from '../../src/domain/sms/carrier-id.js';
import { openStore, type Store } from '../../src/store/database.js';
import { insertUnmatchedReceipts } from '../../src/store/messages/receipts-repo.js';
import { MessageEvents } from '../../src/domain/messages/message-events.js';
import { createReceiptHandler } from '../../src/outbound-wiring.js';
import type { ReceiptHandler } from '../../src/workers/receipt-handler.js';
import { TEST_STORE } from '../helpers/database.js';
import { insertOutbound } from '../helpers/messages.js';
import { tempStore } from '../helpers/store.js';

/**
 * Receipts handled by two worker processes on one database: each handler here has its own store
 * (its own connection pool), as two processes would.
 */
describe(
  'receipts on several workers at once',
  { skip: TEST_STORE === 'sqlite' && 'SQLite serialises every write; these races exist on PostgreSQL only' },
  () => {
    let temp: Awaited<ReturnType<typeof tempStore>>;
    let store: Store;
    let accountId: number;
    const others: Store[] = [];

    before(async () => {
      temp = await tempStore();
      ({ store, accountId } = temp);
    });
    after(async () => {
      await Promise.all(others.map((s) => s.close()));
      await temp.close();
    });

    function handler(): ReceiptHandler {
      const own = openStore(temp.url);
      others.push(own);
      return createReceiptHandler({
        store: own,
        events: new MessageEvents(),
        log: pino({ level: 'silent' }),
        now: Date.now,
        receiptRetries: 0,
      });
    }

    /** `count` messages of `parts` parts, submitted (`sent`), carrier ids `<prefix><message>-<part>` in hex. */
    async function sentMessages(count: number, parts: number, prefix: number): Promise<number[]> {
      const now = Date.now();
      const numbers = Array.from({ length: count }, (_, i) => `1514777${String(i).padStart(4, '0')}`);
      const ids = await insertOutbound(store.db, accountId, numbers, { part_count: parts });
      await store.db
        .insertInto('message_parts')
        .values(
          ids.flatMap((id, i) =>
            Array.from({ length: parts }, (_, seq) => ({
              message_id: id,
              seq,
              carrier_id: carrierId(prefix, i, seq),
              carrier_key: normaliseCarrierId(carrierId(prefix, i, seq)),
              status: 'sent',
              stat: null,
              err: null,
              submitted_at: now,
              done_at: null,
            })),
          ),
        )
        .execute();
      return ids;
    }

    const carrierId = (prefix: number, i: number, seq: number) =>
      (prefix * 1_000_000 + i * 10 + seq).toString(16).toUpperCase();

    async function statuses(ids: readonly number[]): Promise<Record<string, number>> {
      const rows = await store.db
        .selectFrom('messages')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .where('id', 'in', ids)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    }

    it('settles a two-part message whose two receipts reach two processes at the same moment', async () => {
      const ids = await sentMessages(200, 2, 1);
      const [a, b] = [handler(), handler()];
      const receipt = (i: number, seq: number) => ({
        carrierId: carrierId(1, i, seq),
        stat: 'DELIVRD',
        err: '000',
      });
      // Part 0 of every message to one process, part 1 to the other, all at once.
      await Promise.all([
        ...ids.map((_, i) => a.handle(receipt(i, 0))),
        ...ids.map((_, i) => b.handle(receipt(i, 1))),
      ]);
      assert.deepEqual(await statuses(ids), { delivered: ids.length });
    });

    it('shares a backlog of unmatched receipts between concurrent sweeps, each applied once', async () => {
      const count = 2_500; // more than one page of a sweep
      const ids = await sentMessages(count, 1, 2);
      await insertUnmatchedReceipts(
        store.db,
        ids.map((_, i) => ({ carrierId: carrierId(2, i, 0), stat: 'DELIVRD', err: '000' })),
        Date.now(),
      );
      const [a, b] = [handler(), handler()];
      const [fromA, fromB] = await Promise.all([a.sweepUnmatched(), b.sweepUnmatched()]);
      assert.equal(fromA + fromB, count, `${fromA} + ${fromB}`);
      assert.deepEqual(await statuses(ids), { delivered: count });
      const left = await store.db
        .selectFrom('unmatched_receipts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(left.n), 0);
    });
  },
);
