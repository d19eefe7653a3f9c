import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/store/database.js';
import { RECORD_EVERY } from '../../src/workers/dispatcher.js';
import { bulkInsertContacts } from '../helpers/address-book.js';
import { waitFor } from '../helpers/broadcasts.js';
import { createTestDatabase, TEST_STORE, type TestDatabase } from '../helpers/database.js';
import {
  callApi,
  prepareAccount,
  spawnApi,
  spawnSim,
  spawnWorker,
  type RunningProcess,
  type SimProcess,
} from '../helpers/processes.js';

const SINGLE_SENDS = 20_000;
const BROADCAST_CONTACTS = 30_000;
const TOTAL = SINGLE_SENDS + BROADCAST_CONTACTS;
/** The dispatcher's settings in every worker (env), and the connector's window (SMPP_URL). */
const BATCH_SIZE = 500;
const CONCURRENCY = 64;
const WINDOW = 20;
/** Each worker process binds the connector once (no max_binds). */
const BINDS_PER_WORKER = 1;
/**
 * What the killed worker can have had accepted by the SMSC without recording it, hence what may be
 * sent twice once its lease lapses and another worker claims those messages again:
 *   - submit_sm awaiting their answer: at most WINDOW × BINDS_PER_WORKER;
 *   - answered submits whose outcome is not committed yet: outcomes are written every RECORD_EVERY
 *     (those pending, and the groups being written), all within the one claim in progress, since
 *     dispatch() records a claim's outcomes before it claims again (the CONCURRENCY submitters only
 *     work inside that claim).
 * Both lie within the claim, so: min(DISPATCH_BATCH_SIZE, WINDOW × binds + ⌈DISPATCH_BATCH_SIZE /
 * RECORD_EVERY⌉ × RECORD_EVERY) submits, one per message here (every text is a single part).
 */
const DUPLICATE_BOUND = Math.min(
  BATCH_SIZE,
  WINDOW * BINDS_PER_WORKER + Math.ceil(BATCH_SIZE / RECORD_EVERY) * RECORD_EVERY,
);

describe(
  'three worker processes on one PostgreSQL database, one killed while submitting',
  {
    skip:
      TEST_STORE === 'sqlite' && 'several worker processes share one database on PostgreSQL only (PG pass)',
  },
  () => {
    let dir: string;
    let database: TestDatabase;
    let store: Store;
    let accountId: number;
    let key: string;
    let sim: SimProcess;
    let api: RunningProcess & { url: string };
    const workers: RunningProcess[] = [];

    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'vudumobile-scale-'));
      database = await createTestDatabase(dir);
      ({ store, accountId, key } = await prepareAccount(database.url));
      sim = await spawnSim(dir, ['--receipt-delay', '200']);
    });
    after(async () => {
      await Promise.all([...workers, ...(api ? [api] : []), ...(sim ? [sim] : [])].map((p) => p.stop()));
      await store.close();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    });

    it(`sends ${TOTAL} messages, each accepted by the SMSC, duplicates only from the killed worker (≤ ${DUPLICATE_BOUND})`, async () => {
      const env = (label: string) => ({
        DATABASE_URL: database.url,
        DATA_DIR: dir,
        // Each process binds with its own system_type: the simulator tells who had each copy accepted.
        SMPP_URL: `smpp://test:secret@127.0.0.1:${sim.port}?window=${WINDOW}&system_type=${label}`,
        DISPATCH_BATCH_SIZE: String(BATCH_SIZE),
        DISPATCH_CONCURRENCY: String(CONCURRENCY),
        DISPATCH_LEASE_MS: '5000',
      });
      api = await spawnApi(env('api'));
      const labels = ['w1', 'w2', 'w3'];
      workers.push(...(await Promise.all(labels.map((label) => spawnWorker(env(label))))));

      await bulkInsertContacts(store.db, accountId, BROADCAST_CONTACTS, 2_000_000);
      const posted = await callApi(api.url, key, 'post_broadcast', {
        name: 'Scale',
        from_groups: 'Tous',
        fr_message: 'Bonjour _NAME_',
        en_message: 'Hello _NAME_',
      });
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      const broadcastId = String((posted.body.broadcast as { id: number }).id);
      const started = await callApi(api.url, key, 'start_broadcast', { broadcast: broadcastId });
      assert.deepEqual(started.body, { status: true });

      // Single sends, 32 at a time, to numbers no contact has; the kill happens while they go on.
      let next = 0;
      const sender = async (): Promise<void> => {
        while (next < SINGLE_SENDS) {
          const i = next++;
          const to = `1514${3_000_000 + i}`;
          const sent = await callApi(api.url, key, 'send', { to, message: `Single ${i}` });
          assert.equal(sent.status, 200, JSON.stringify(sent.body));
        }
      };
      const sending = Promise.all(Array.from({ length: 32 }, sender));

      const victimLabel = 'w2';
      const victim = workers[1];
      assert.ok(victim);
      // Kill once a good part is through, at a moment the victim's count is still rising.
      let seen = 0;
      await waitFor(
        'the victim submitting, a third of the way',
        async () => {
          const { stats, acceptedBy } = await sim.readStats();
          const mine = acceptedBy[victimLabel] ?? 0;
          const rising = mine > seen && seen > 0;
          seen = mine;
          return stats.accepted >= TOTAL / 3 && rising;
        },
        60_000,
      );
      await victim.stop('SIGKILL');
      await sending;

      await waitFor(
        `all ${TOTAL} messages in a final state`,
        async () => {
          const row = await store.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', 'in', ['delivered', 'failed'])
            .executeTakeFirstOrThrow();
          return Number(row.n) === TOTAL;
        },
        150_000,
      ).catch(async (error: unknown) => {
        const states = await store.db
          .selectFrom('messages')
          .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
          .groupBy('status')
          .execute();
        throw new Error(`${String(error)}: ${JSON.stringify(states)}\n${workers[0]?.tail()}`);
      });

      const statuses = await store.db
        .selectFrom('messages')
        .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      assert.deepEqual(
        statuses.map((s) => [s.status, Number(s.n)]),
        [['delivered', TOTAL]],
      );
      const { stats, duplicates } = await sim.readStats();
      // Every one of the distinct messages (one destination each) was accepted at least once…
      assert.equal(stats.distinctMessages, TOTAL);
      // …and the copies beyond are within the bound, each first accepted through the killed worker.
      const extra = stats.accepted - TOTAL;
      assert.equal(
        extra,
        duplicates.reduce((sum, d) => sum + d.acceptedBy.length - 1, 0),
      );
      const who = new Map<string, number>();
      for (const d of duplicates) who.set(d.acceptedBy.join('>'), (who.get(d.acceptedBy.join('>')) ?? 0) + 1);
      assert.ok(
        extra <= DUPLICATE_BOUND,
        `${extra} duplicates > bound ${DUPLICATE_BOUND}: ${JSON.stringify([...who])}\n${workers
          .map((w) =>
            w
              .warnings()
              .filter((l) => !/SANDBOX/.test(l))
              .join('\n'),
          )
          .join('\n---\n')}`,
      );
      for (const duplicate of duplicates) {
        assert.equal(duplicate.acceptedBy[0], victimLabel, JSON.stringify(duplicate));
        assert.ok(!duplicate.acceptedBy.slice(1).includes(victimLabel), JSON.stringify(duplicate));
      }
      const broadcast = await store.db
        .selectFrom('broadcasts')
        .select(['status', 'sms_total'])
        .where('id', '=', Number(broadcastId))
        .executeTakeFirstOrThrow();
      assert.deepEqual([broadcast.status, Number(broadcast.sms_total)], ['completed', BROADCAST_CONTACTS]);
      for (const worker of workers.filter((w) => w !== victim))
        assert.equal(await worker.stop(), 0, worker.tail());
      console.log(`scale kill test: ${stats.accepted} accepted for ${TOTAL} messages, ${extra} duplicates`);
    });
  },
);
