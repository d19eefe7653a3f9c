import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { BroadcastQueueRepo } from '../../src/store/broadcasts/broadcast-queue-repo.js';
import { openStore, type Store } from '../../src/store/database.js';
import { createBroadcastFanOut } from '../../src/main.js';
import { bulkInsertContacts } from '../helpers/address-book.js';
import { fanOutDone } from '../helpers/broadcasts.js';
import { TEST_STORE } from '../helpers/database.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const CONTACTS = 1_500;

describe(
  'broadcast fan-out by several workers on one database',
  {
    skip:
      TEST_STORE === 'sqlite' && 'several worker processes share one database on PostgreSQL only (PG pass)',
  },
  () => {
    let server: TestServer;
    const stores: Store[] = [];
    before(async () => {
      // An API process only: every fan-out worker of the test is one of ours.
      server = await startTestServer({ role: 'api' });
      await bulkInsertContacts(server.platform.store.db, server.account.id, CONTACTS);
    });
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      await server.close();
    });

    function repo(): BroadcastQueueRepo {
      const store = openStore(server.platform.ctx.config.databaseUrl);
      stores.push(store);
      return new BroadcastQueueRepo(store.db);
    }

    it('takes over a dead claim after its lease; racing workers queue each contact exactly once', async () => {
      const posted = await server.call('post_broadcast', {
        name: 'Race',
        from_groups: 'Tous',
        fr_message: 'Bonjour',
      });
      const id = posted.body.broadcast.id as number;
      assert.deepEqual((await server.call('start_broadcast', { broadcast: String(id) })).body, {
        status: true,
      });
      // A worker claims it and dies at once: nobody may touch it for its 500 ms lease.
      const dead = await repo().claimFanOut(Date.now(), 500);
      assert.equal(dead?.broadcastId, id);
      // Three workers, each in its own pool, with batches of 25 and a lease so short that they
      // also take the fan-out from one another mid-way: the cursor check must keep it exact.
      const workers = [1, 2, 3].map(() =>
        createBroadcastFanOut(repo(), pino({ level: 'silent' }), Date.now, {
          batchSize: 25,
          ratePerSecond: null,
          leaseMs: 30,
          idleMs: 10,
        }),
      );
      for (const worker of workers) worker.start();
      try {
        await fanOutDone(server.platform.store.db, id, 60_000);
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
      const rows = await server.platform.store.db
        .selectFrom('messages')
        .select(['contact_id'])
        .where('broadcast_id', '=', id)
        .execute();
      assert.equal(rows.length, CONTACTS);
      assert.equal(new Set(rows.map((r) => r.contact_id)).size, CONTACTS);
    });
  },
);
