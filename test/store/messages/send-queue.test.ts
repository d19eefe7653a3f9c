import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../../src/store/database.js';
import { outboundMessageRow } from '../../../src/store/messages/message-rows.js';
import { SendQueue } from '../../../src/store/messages/send-queue.js';
import { TEST_STORE } from '../../helpers/database.js';
import { tempStore } from '../../helpers/store.js';

describe(
  'send: two transactions racing for one idempotency key',
  { skip: TEST_STORE === 'sqlite' && 'SQLite serialises every write; this race exists on PostgreSQL only' },
  () => {
    let temp: Awaited<ReturnType<typeof tempStore>>;
    let store: Store;
    before(async () => {
      temp = await tempStore();
      store = temp.store;
    });
    after(() => temp.close());

    it('answers the earlier message when the other transaction commits the key first', async () => {
      const now = Date.now();
      const message = {
        accountId: temp.accountId,
        from: '15149541234',
        to: '15145550107',
        body: 'x',
        partCount: 1,
        encoding: 'GSM-7' as const,
        contactId: null,
        priority: 0,
        idempotencyKey: 'race-1',
        acceptedAt: now,
      };
      const queue = new SendQueue(store.db, () => {});
      let earlierId = 0;
      let answer: Promise<unknown> | undefined;
      // The other transaction inserts the key and holds it uncommitted: the send reads the key as
      // unused, and its insert waits on the unique index until the other commits.
      await store.db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('messages')
          .values(outboundMessageRow(message))
          .returning('id')
          .executeTakeFirstOrThrow();
        earlierId = row.id;
        answer = queue.enqueue({ ...message, from: undefined, idempotencyKey: 'race-1' });
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      const outcome = await answer;
      assert.deepEqual(outcome, { kind: 'replayed', id: earlierId, partCount: 1, encoding: 'GSM-7' });
      const rows = await store.db
        .selectFrom('messages')
        .select('id')
        .where('idempotency_key', '=', 'race-1')
        .execute();
      assert.deepEqual(
        rows.map((r) => r.id),
        [earlierId],
      );
    });
  },
);
