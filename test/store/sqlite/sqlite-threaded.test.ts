import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { Store } from '../../../src/store/database.js';
import {
  lastStatement,
  optimisticReads,
  relaxedDurability,
} from '../../../src/store/sqlite/write-priority.js';
import { uniqueConstraintName } from '../../../src/store/unique-violation.js';
import { TEST_STORE } from '../../helpers/database.js';
import { tempStore } from '../../helpers/store.js';

/** The SQLite store: writes on a writer thread, plain reads on the main thread (sqlite-threaded.ts). */
describe('the threaded SQLite store', { skip: TEST_STORE !== 'sqlite' && 'SQLite only' }, () => {
  let store: Store;
  let close: () => Promise<void>;
  let accountId: number;
  before(async () => {
    ({ store, accountId, close } = await tempStore());
  });
  after(() => close());

  const contactCount = async (number: string) =>
    (await store.db.selectFrom('contacts').select('id').where('number', '=', number).execute()).length;
  const contact = (number: string) => ({
    account_id: accountId,
    number,
    email: null,
    name: '',
    description: '',
    language: 'fr',
    user_id: 0,
    is_blocked: 0,
    created_at: 0,
  });

  it('shows a committed write to the next read, and an open transaction’s writes only inside it', async () => {
    await store.db.insertInto('contacts').values(contact('15145550001')).execute();
    assert.equal(await contactCount('15145550001'), 1);
    await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('contacts').values(contact('15145550002')).execute();
      const inside = await trx
        .selectFrom('contacts')
        .select('id')
        .where('number', '=', '15145550002')
        .execute();
      assert.equal(inside.length, 1);
      assert.equal(await contactCount('15145550002'), 0, 'not visible outside before the commit');
    });
    assert.equal(await contactCount('15145550002'), 1);
  });

  it('commits at synchronous=FULL, except the writes marked relaxed, and only those', async () => {
    // `pragma synchronous` is no SELECT: it runs on the writer thread, as a write would.
    const synchronous = async (): Promise<number> =>
      Number(Object.values((await sql<object>`pragma synchronous`.execute(store.db)).rows[0] ?? {})[0]);
    assert.equal(await synchronous(), 2, 'FULL by default');
    assert.equal(await relaxedDurability(synchronous), 1, 'NORMAL when relaxed');
    assert.equal(await synchronous(), 2, 'FULL again at once');
    const inside = await relaxedDurability(() =>
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('contacts').values(contact('15145550009')).execute();
        return Number(Object.values((await sql<object>`pragma synchronous`.execute(trx)).rows[0] ?? {})[0]);
      }),
    );
    assert.equal(inside, 1, 'a transaction keeps the setting it began with');
    assert.equal(await contactCount('15145550009'), 1);
    assert.equal(await synchronous(), 2);
  });

  it('commits and rolls back a transaction that ran no statement', async () => {
    assert.equal(await store.db.transaction().execute(async () => 'nothing'), 'nothing');
    await assert.rejects(
      store.db.transaction().execute(async () => {
        throw new Error('nothing either');
      }),
      /nothing either/,
    );
    await store.db.insertInto('contacts').values(contact('15145550010')).execute();
    assert.equal(await contactCount('15145550010'), 1, 'the write lock was released');
  });

  it('rolls a failed transaction back', async () => {
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await trx.insertInto('contacts').values(contact('15145550003')).execute();
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal(await contactCount('15145550003'), 0);
  });

  it('reports constraint failures with SQLite’s code, as the unique-violation mapping expects', async () => {
    const error = await store.db
      .insertInto('contacts')
      .values(contact('15145550001'))
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(error instanceof Error);
    assert.equal((error as Error & { code?: string }).code, 'SQLITE_CONSTRAINT_UNIQUE');
    assert.match(uniqueConstraintName(error) ?? '', /contacts\.account_id, contacts\.number/);
  });

  it('returns blobs as Buffers from either connection', async () => {
    const { id } = await store.db
      .insertInto('imports')
      .values({
        account_id: accountId,
        report_email: 'a@b.ca',
        overwrite: 0,
        group_id: null,
        status: 'pending',
        encoding: 'utf8',
        delimiter: ',',
        byte_size: 3,
        checkpoint_line: 1,
        rows_read: 0,
        created: 0,
        updated: 0,
        skipped: 0,
        rejected: 0,
        error: null,
        lease_until: null,
        report_sent_at: null,
        created_at: 0,
        finished_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const data = Buffer.from([0, 1, 2, 255]);
    await store.db.insertInto('import_chunks').values({ import_id: id, seq: 0, data }).execute();
    const read = await store.db
      .selectFrom('import_chunks')
      .select('data')
      .where('import_id', '=', id)
      .executeTakeFirstOrThrow();
    assert.ok(Buffer.isBuffer(read.data));
    assert.deepEqual([...read.data], [0, 1, 2, 255]);
    const written = await store.db
      .updateTable('import_chunks')
      .set({ seq: 1 })
      .where('import_id', '=', id)
      .returning('data')
      .executeTakeFirstOrThrow();
    assert.ok(Buffer.isBuffer(written.data));
    assert.deepEqual([...written.data], [0, 1, 2, 255]);
  });

  it('runs concurrent transactions one after the other (read-modify-write stays exact)', async () => {
    await store.db.updateTable('accounts').set({ detailed_status: 0 }).where('id', '=', accountId).execute();
    await Promise.all(
      Array.from({ length: 25 }, () =>
        store.db.transaction().execute(async (trx) => {
          const row = await trx
            .selectFrom('accounts')
            .select('detailed_status')
            .where('id', '=', accountId)
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('accounts')
            .set({ detailed_status: row.detailed_status + 1 })
            .where('id', '=', accountId)
            .execute();
        }),
      ),
    );
    const row = await store.db
      .selectFrom('accounts')
      .select('detailed_status')
      .where('id', '=', accountId)
      .executeTakeFirstOrThrow();
    assert.equal(row.detailed_status, 25);
  });

  it('keeps the event loop turning while a long write runs', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    await sql`
      with recursive n(i) as (select 1 union all select i + 1 from n where i < 300000)
      insert into unrouted_inbound (from_number, to_number, body, part_count, received_at)
      select '1', '2', printf('%.100c', 'x'), 1, i from n`.execute(store.db);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // The timer fired through the write (a synchronous write would have held it to one tick).
    assert.ok(ticks >= Math.floor(elapsed / 5 / 4), `${ticks} ticks in ${elapsed.toFixed(0)} ms`);
    assert.ok(elapsed > 20, 'the write took long enough to tell');
  });

  it('commits with a lastStatement: one round trip, done when its promise settles', async () => {
    const seenOutside = await store.db.transaction().execute(async (trx) => {
      await trx.insertInto('contacts').values(contact('15145550020')).execute();
      await lastStatement(() => trx.insertInto('contacts').values(contact('15145550021')).execute());
      // Kysely has not asked for the COMMIT yet: the writer thread ran it with the statement.
      return [await contactCount('15145550020'), await contactCount('15145550021')];
    });
    assert.deepEqual(seenOutside, [1, 1]);
    // The first statement of a transaction brings BEGIN and COMMIT both.
    await store.db
      .transaction()
      .execute((trx) =>
        lastStatement(() => trx.insertInto('contacts').values(contact('15145550022')).execute()),
      );
    assert.equal(await contactCount('15145550022'), 1);
  });

  it('rolls the whole transaction back when its lastStatement fails, and refuses a statement after it', async () => {
    const failed = await store.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('contacts').values(contact('15145550023')).execute();
        await lastStatement(() => trx.insertInto('contacts').values(contact('15145550001')).execute());
      })
      .catch((e: unknown) => e);
    assert.equal((failed as { code?: string }).code, 'SQLITE_CONSTRAINT_UNIQUE');
    assert.equal(await contactCount('15145550023'), 0, 'the earlier insert was rolled back');
    await assert.rejects(
      store.db.transaction().execute(async (trx) => {
        await lastStatement(() => trx.insertInto('contacts').values(contact('15145550024')).execute());
        await trx.insertInto('contacts').values(contact('15145550025')).execute();
      }),
      /ran its last statement already/,
    );
    assert.equal(await contactCount('15145550025'), 0);
    await store.db.insertInto('contacts').values(contact('15145550026')).execute();
    assert.equal(await contactCount('15145550026'), 1, 'the write lock was released');
  });

  it('reads on the main thread before the first write of an optimistic transaction, then on the writer', async () => {
    // query_only is ON on the reader connection only: it tells which connection answered.
    const queryOnly = async (db: typeof store.db): Promise<number> =>
      Number(
        (
          await db
            .selectFrom(sql<{ query_only: number }>`pragma_query_only()`.as('p'))
            .select('query_only')
            .executeTakeFirstOrThrow()
        ).query_only,
      );
    const seen = await optimisticReads(() =>
      store.db.transaction().execute(async (trx) => {
        const before = await queryOnly(trx);
        await trx.insertInto('contacts').values(contact('15145550027')).execute();
        return [before, await queryOnly(trx)];
      }),
    );
    assert.deepEqual(seen, [1, 0]);
    const plain = await store.db.transaction().execute((trx) => queryOnly(trx));
    assert.equal(plain, 0, 'without optimisticReads a transaction reads on the writer');
    // Only the first transaction begun under the mark: later work in the same context did not ask.
    const firstThenLater = await optimisticReads(async () => [
      await store.db.transaction().execute((trx) => queryOnly(trx)),
      await store.db.transaction().execute((trx) => queryOnly(trx)),
    ]);
    assert.deepEqual(firstThenLater, [1, 0]);
  });

  it('streams plain selects from the reader', async () => {
    const numbers: string[] = [];
    for await (const row of store.db.selectFrom('contacts').select('number').orderBy('number').stream()) {
      numbers.push(row.number ?? '');
    }
    assert.deepEqual(numbers.slice(0, 2), ['15145550001', '15145550002']);
  });
});
