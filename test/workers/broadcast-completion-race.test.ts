import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { BroadcastCompletion } from '../../src/domain/broadcasts/broadcast-completion.js';
import { BroadcastQueueRepo } from '../../src/store/broadcasts/broadcast-queue-repo.js';
import { openStore, type Store } from '../../src/store/database.js';
import { toStoreTransaction } from '../../src/store/transaction.js';
import { TEST_STORE } from '../helpers/database.js';
import { insertOutbound } from '../helpers/messages.js';
import { tempStore } from '../helpers/store.js';

describe(
  'a broadcast whose last two messages settle on two processes at once',
  { skip: TEST_STORE === 'sqlite' && 'SQLite serialises every write; this race exists on PostgreSQL only' },
  () => {
    let temp: Awaited<ReturnType<typeof tempStore>>;
    let store: Store;
    let other: Store;
    let accountId: number;

    before(async () => {
      temp = await tempStore();
      ({ store, accountId } = temp);
      other = openStore(temp.url);
    });
    after(async () => {
      await other.close();
      await temp.close();
    });

    it('is completed by the second transaction, which waits for the first and sees both', async () => {
      const now = Date.now();
      // Each process's completion service, as its onFinal listener runs it inside the settling transaction.
      const completion = (on: Store) =>
        new BroadcastCompletion({
          store: new BroadcastQueueRepo(on.db, on.dialect),
          log: pino({ level: 'silent' }),
          now: () => now,
        });
      const completes = async (on: Store, tx: Parameters<typeof toStoreTransaction>[0]) =>
        (await completion(on).completeIfDone([broadcastId], toStoreTransaction(tx))).length === 1;
      const { id: broadcastId } = await store.db
        .insertInto('broadcasts')
        .values({
          account_id: accountId,
          name: 'Race',
          status: 'in_progress',
          fanout_done: 1,
          sms_total: 2,
          email_total: 0,
          fanout_cursor: 0,
          created_at: now,
          started_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const [first, second] = await insertOutbound(store.db, accountId, ['1514555001', '1514555002'], {
        broadcast_id: broadcastId,
        priority: 1,
      });
      assert.ok(first !== undefined && second !== undefined);

      let releaseFirst = (): void => {};
      const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
      let firstChecked = (): void => {};
      const firstHasChecked = new Promise<void>((resolve) => (firstChecked = resolve));
      // Process A settles the first message and checks (the second is still pending), then holds
      // its transaction open while process B settles the second one and checks.
      const a = store.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('messages')
          .set({ status: 'delivered', done_at: now })
          .where('id', '=', first)
          .execute();
        const completed = await completes(store, trx);
        firstChecked();
        await firstMayCommit;
        return completed;
      });
      await firstHasChecked;
      const b = other.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('messages')
          .set({ status: 'delivered', done_at: now })
          .where('id', '=', second)
          .execute();
        return completes(other, trx);
      });
      // B is either waiting for A's lock or (without it) has already decided; let A commit.
      await new Promise((resolve) => setTimeout(resolve, 300));
      releaseFirst();
      assert.deepEqual(await Promise.all([a, b]), [false, true]);
      const row = await store.db
        .selectFrom('broadcasts')
        .select('status')
        .where('id', '=', broadcastId)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'completed');
    });
  },
);
