import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql, type Compilable } from 'kysely';
import type { Store } from '../../src/store/database.js';
import { claimQuery } from '../../src/store/messages/dispatch-repo.js';
import { analyzeStaleTables } from '../../src/store/postgres/pg-statistics.js';
import { inList } from '../../src/store/value-lists.js';
import { tempStore } from '../helpers/store.js';
import { waitFor } from '../helpers/messages.js';

/**
 * The dispatcher's and the receipt handler's statements on a queue that just grew by 20,000 rows
 * (a broadcast): they must walk the index they were written for, not scan or sort the queue. On
 * PostgreSQL that holds once the statistics keeper has analysed the table (a second or so after
 * the change, in a worker process); with the statistics of an empty table, PostgreSQL sorts every
 * queued row at each claim and reads a 250-id update through the status column of another index.
 */
describe('queue statements’ plans on a table that just grew', () => {
  let store: Store;
  let close: () => Promise<void>;
  let accountId: number;
  before(async () => {
    ({ store, accountId, close } = await tempStore());
    // 20,000 messages: queued, held by a dispatcher, sent and delivered, as mid-broadcast.
    await sql`
      insert into messages (account_id, direction, from_number, to_number, body, part_count, encoding, status,
        priority, attempts, next_attempt_at, lease_until, created_at)
      select ${accountId}, 'mt', '15145550000', '15149541234', 'x', 1, 'GSM-7',
        case i % 4 when 0 then 'queued' when 1 then 'sending' when 2 then 'sent' else 'delivered' end,
        1, 0, 1700000000000 + i, case when i % 4 = 1 then 1800000000000 else null end, 1700000000000 + i
      from (${store.dialect === 'postgres' ? sql`select generate_series(1, 20000) as i` : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000) select i from n`}) as n`.execute(
      store.db,
    );
    if (store.dialect === 'postgres') analyzedFirst = await analyzeWhenReported(store);
  });
  after(() => close());
  let analyzedFirst: string[] = [];

  async function plan(query: Compilable): Promise<string> {
    const compiled = query.compile();
    const prefix = store.dialect === 'postgres' ? 'explain' : 'explain query plan';
    const result = await store.db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(`${prefix} ${compiled.sql}`, [...compiled.parameters]),
    );
    return result.rows.map((r) => r['QUERY PLAN'] ?? r.detail ?? '').join(' | ');
  }

  it('claims from the partial queue index, in its order: no sort, no scan of the table', async () => {
    const detail = await plan(
      claimQuery(store.db, store.dialect, { now: 1800000000000, leaseUntil: 1800000060000, limit: 500 }),
    );
    assert.match(detail, /messages_queue/, detail);
    // The queued rows (messages_1 in PostgreSQL's plan) are neither sorted nor scanned; how the
    // UPDATE then reaches 500 rows of a 20,000-row table is PostgreSQL's call.
    assert.doesNotMatch(
      detail,
      /Sort|TEMP B-TREE|Seq Scan on messages messages_1|SCAN messages(?! USING)/,
      detail,
    );
  });

  it('records outcomes of a batch by primary key', async () => {
    const ids = Array.from({ length: 250 }, (_, i) => 4 * i + 3);
    const receipts = store.db
      .updateTable('messages')
      .set({ status: 'delivered', detailed_status: 'DELIVRD_000', done_at: 1 })
      .where(inList(store.db, 'id', ids))
      .where('status', '=', 'sent');
    const detail = await plan(receipts);
    assert.match(detail, /messages_pkey|INTEGER PRIMARY KEY/, detail);
    assert.doesNotMatch(detail, /Seq Scan|SCAN messages(?! USING)/, detail);
  });

  it('finds expired leases through the partial lease index', async () => {
    const sweep = store.db
      .updateTable('messages')
      .set({ status: 'queued', lease_until: null })
      .where('status', '=', sql.lit('sending'))
      .where('lease_until', '<', 1900000000000);
    assert.match(await plan(sweep), /messages_leases/);
  });

  it('PostgreSQL: the statistics keeper analyses a table that changed much, then leaves it be', async (t) => {
    if (store.dialect !== 'postgres') return t.skip('SQLite plans without statistics');
    assert.ok(analyzedFirst.includes('messages'), analyzedFirst.join(', '));
    const row = await sql<{ analyzed: boolean }>`
      select last_analyze is not null as analyzed from pg_stat_user_tables
      where relname = 'messages' and schemaname = current_schema()`.execute(store.db);
    assert.equal(row.rows[0]?.analyzed, true);
    assert.ok(!(await analyzeStaleTables(store.db)).includes('messages'), 'nothing changed since');
  });

  it('PostgreSQL: the statistics keeper steps aside, at once, from a table an autovacuum holds', async (t) => {
    if (store.dialect !== 'postgres') return t.skip('SQLite plans without statistics');
    await sql`update messages set attempts = attempts + 1 where id <= 12000`.execute(store.db);
    await waitFor('the changes to be reported', async () => {
      const row = await sql<{ changed: string }>`
        select n_mod_since_analyze as changed from pg_stat_user_tables
        where relname = 'messages' and schemaname = current_schema()`.execute(store.db);
      return Number(row.rows[0]?.changed ?? 0) >= 12000;
    });
    // The lock a (auto)vacuum holds; waiting past deadlock_timeout would make PostgreSQL cancel it.
    let release = (): void => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked = (): void => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = store.db.transaction().execute(async (trx) => {
      await sql`lock table messages in share update exclusive mode`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    const started = Date.now();
    const whileHeld = await analyzeStaleTables(store.db);
    const waited = Date.now() - started;
    release();
    await holder;
    assert.ok(!whileHeld.includes('messages'), whileHeld.join(', '));
    assert.ok(waited < 900, `gave up after ${waited} ms, before deadlock_timeout`);
    assert.ok((await analyzeStaleTables(store.db)).includes('messages'), 'analysed once the table is free');
  });
});

/**
 * Runs the statistics keeper's pass until it analyses `messages`: changes reach
 * pg_stat_user_tables when the writing connection reports them (within a second).
 */
function analyzeWhenReported(store: Store): Promise<string[]> {
  return waitFor(
    'messages to be analysed',
    async () => {
      const tables = await analyzeStaleTables(store.db);
      return tables.includes('messages') ? tables : undefined;
    },
    15_000,
  );
}
