import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../../src/store/database.js';
import { openStore } from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import {
  acquireBindSlot,
  listBindSlots,
  releaseBindSlot,
  renewBindSlot,
} from '../../../src/store/carriers/smpp-binds-repo.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';

describe('SMPP bind slots (max_binds) in the store', () => {
  let dir: string;
  let database: TestDatabase;
  let store: Store;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vudumobile-binds-'));
    database = await createTestDatabase(dir);
    store = openStore(database.url);
    await migrateToLatest(store);
  });
  after(async () => {
    await store.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const take = (holder: string, now: number, connector = 'c1') =>
    acquireBindSlot(store.db, { connector, maxBinds: 2, holder, now, leaseMs: 1000 });

  it('hands out at most max_binds slots, takes over a lapsed one, and a renewal tells who lost it', async () => {
    const a = await take('a', 10_000);
    const b = await take('b', 10_000);
    assert.deepEqual([a?.slot, b?.slot], [0, 1]);
    assert.equal(await take('c', 10_500), undefined, 'both slots are leased');
    // The same holder asking again keeps its slot rather than taking a second one.
    assert.equal((await take('a', 10_500))?.slot, 0);
    assert.ok(a && (await renewBindSlot(store.db, a, 'a', 12_000)));
    // b stopped renewing (died): after its lease, c takes slot 1 and b's renewal fails.
    const c = await take('c', 11_600);
    assert.equal(c?.slot, 1);
    assert.ok(b);
    assert.equal(await renewBindSlot(store.db, b, 'b', 13_000), undefined);
    assert.deepEqual(
      (await listBindSlots(store.db, 'c1')).map((s) => [s.slot, s.holder]),
      [
        [0, 'a'],
        [1, 'c'],
      ],
    );
    // A clean stop frees the slot at once; the connectors are counted apart.
    assert.ok(c);
    await releaseBindSlot(store.db, c, 'c');
    assert.equal((await take('d', 11_700))?.slot, 1);
    assert.equal((await take('e', 11_700, 'c2'))?.slot, 0);
  });

  it('gives one slot to exactly one of many processes racing for it', async () => {
    const racers = Array.from({ length: 8 }, (_, i) =>
      acquireBindSlot(store.db, {
        connector: 'race',
        maxBinds: 1,
        holder: `r${i}`,
        now: 50_000,
        leaseMs: 1000,
      }),
    );
    const won = (await Promise.all(racers)).filter((slot) => slot !== undefined);
    assert.equal(won.length, 1);
  });
});
