import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { completeBroadcastIfDone } from '../../src/store/broadcast-queue-repo.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../helpers/database.js';
import { prepareAccount } from '../helpers/processes.js';

describe(
  'a broadcast whose last two messages settle on two processes at once',
  { skip: TEST_STORE === 'sqlite' && 'SQLite serialises every write; this race exists on PostgreSQL only' },
  () => {
    let dir: string;
    let database: TestDatabase;
    let store: Store;
    let other: Store;
    let accountId: number;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vudumobile-completion-'));
      database = await createTestDatabase(dir);
      ({ store, accountId } = await prepareAccount(database.url));
      other = openStore(database.url);
    });
    after(async () => {
      await Promise.all([store.close(), other.close()]);
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('is completed by the second transaction, which waits for the first and sees both', async () => {
      const now = Date.now();
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
      const [first, second] = (
        await store.db
          .insertInto('messages')
          .values(
            [1, 2].map((i) => ({
              account_id: accountId,
              direction: 'mt' as const,
              from_number: '15149541234',
              to_number: `151455500${i}`,
              body: 'x',
              part_count: 1,
              encoding: 'GSM-7',
              status: 'sent',
              broadcast_id: broadcastId,
              priority: 1,
              attempts: 1,
              next_attempt_at: now,
              created_at: now,
              sent_at: now,
            })),
          )
          .returning('id')
          .execute()
      ).map((r) => r.id);
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
        const completed = await completeBroadcastIfDone(trx, broadcastId, now);
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
        return completeBroadcastIfDone(trx, broadcastId, now);
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
