import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { listBindSlots } from '../../src/store/carriers/smpp-binds-repo.js';
import { startSmscSim, type SmscSim } from '../../src/transport/smsc-sim/smsc-sim.js';
import { waitFor } from '../helpers/broadcasts.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../helpers/database.js';
import { callApi, prepareAccount, spawnApi, spawnWorker, type RunningProcess } from '../helpers/processes.js';

const MESSAGES = 300;

describe(
  'SMPP binds spread over worker processes within max_binds',
  {
    skip:
      TEST_STORE === 'sqlite' && 'several worker processes share one database on PostgreSQL only (PG pass)',
  },
  () => {
    let dir: string;
    let database: TestDatabase;
    let store: Store;
    let key: string;
    let sim: SmscSim;
    let api: RunningProcess & { url: string };
    const workers: RunningProcess[] = [];
    let maxBound = 0;
    let sampler: NodeJS.Timeout;

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vudumobile-binds-'));
      database = await createTestDatabase(dir);
      ({ store, key } = await prepareAccount(database.url));
      sim = await startSmscSim({ receiptDelayMs: 10, keepPdus: false });
      // Sampled all along: the carrier must never see more than max_binds sessions at once.
      sampler = setInterval(() => (maxBound = Math.max(maxBound, sim.boundSessions)), 5);
    });
    after(async () => {
      clearInterval(sampler);
      await Promise.all([...workers, ...(api ? [api] : [])].map((p) => p.stop()));
      await store.close();
      await sim.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it('binds 2 of 3 workers, the third stands by without claiming, and takes over a killed holder', async () => {
      const env = {
        DATABASE_URL: database.url,
        DATA_DIR: dir,
        SMPP_URL: `smpp://test:secret@127.0.0.1:${sim.port}?max_binds=2&enquire_link=1000`,
        SMPP_BIND_LEASE_MS: '1500',
        DISPATCH_LEASE_MS: '5000',
      };
      api = await spawnApi(env);
      workers.push(...(await Promise.all([1, 2, 3].map(() => spawnWorker(env)))));
      const connector = `127.0.0.1:${sim.port}`;
      const holders = await waitFor(
        'two bind slots held',
        async () => {
          const slots = await listBindSlots(store.db, connector);
          return sim.boundSessions === 2 && slots.length === 2 ? slots.map((s) => s.holder) : undefined;
        },
        20_000,
      );
      const holds = (worker: RunningProcess, list: readonly string[]) =>
        list.some((holder) => holder.split('/')[1] === String(worker.pid));
      const standby = workers.filter((w) => !holds(w, holders));
      assert.equal(standby.length, 1, `one worker stands by: ${holders.join(', ')}`);

      // Every message is sent through a bound worker at the first attempt: the standby one, which
      // cannot bind, claims none (a claim there would wait for a bind, fail after 30 s and retry).
      for (let start = 0; start < MESSAGES; start += 50) {
        await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            const to = `1514${String(7_000_000 + start + i)}`;
            const sent = await callApi(api.url, key, 'send', { to, message: `slot test ${start + i}` });
            assert.equal(sent.status, 200, JSON.stringify(sent.body));
          }),
        );
      }
      await waitFor(
        'every message delivered',
        async () => {
          const row = await store.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'delivered')
            .executeTakeFirstOrThrow();
          return Number(row.n) === MESSAGES;
        },
        25_000,
      );
      const attempts = await store.db.selectFrom('messages').select('attempts').distinct().execute();
      assert.deepEqual(
        attempts.map((a) => Number(a.attempts)),
        [1],
      );

      // A holder dies: its slot is free after the lease and the standby worker binds in its place.
      const victim = workers.find((w) => holds(w, holders));
      assert.ok(victim);
      await victim.stop('SIGKILL');
      const [spare] = standby;
      assert.ok(spare);
      await waitFor(
        'the standby worker took the slot over',
        async () => {
          const slots = await listBindSlots(store.db, connector);
          return (
            sim.boundSessions === 2 &&
            holds(
              spare,
              slots.map((s) => s.holder),
            )
          );
        },
        20_000,
      );
      assert.equal(maxBound, 2, 'never more binds than max_binds');
      for (const worker of workers.filter((w) => w !== victim))
        assert.equal(await worker.stop(), 0, worker.tail());
    });
  },
);
