import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import type { Store } from '../../src/store/database.js';
import type { FeedFilter } from '../../src/domain/messages/outbound.js';
import { commitCursor, feedQuery } from '../../src/store/messages/messages-repo.js';
import { tempStore } from '../helpers/store.js';

describe('get_feed’s query plan', () => {
  let store: Store;
  let close: () => Promise<void>;
  let accountId: number;
  before(async () => {
    ({ store, accountId, close } = await tempStore());
    for (const name of ['B', 'C']) {
      await store.db
        .insertInto('accounts')
        .values({
          name,
          default_language: 'fr',
          default_country: 'CA',
          mail_from: null,
          detailed_status: 1,
          created_at: 0,
        })
        .execute();
    }
    // 20,000 messages over three accounts, both directions, then statistics as a live database has.
    await sql`
      with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
      insert into messages (account_id, direction, from_number, to_number, body, part_count, encoding, status,
        priority, attempts, next_attempt_at, created_at)
      select ${accountId} + (i % 3), case when i % 2 = 0 then 'mt' else 'mo' end, '15145550000', '15149541234',
        'x', 1, 'GSM-7', 'delivered', 0, 1, 0, 1700000000000 + i * 1000
      from n`.execute(store.db);
    await sql`analyze`.execute(store.db);
  });
  after(() => close());

  /** The plan's lines: SQLite's EXPLAIN QUERY PLAN details, or PostgreSQL's EXPLAIN text. */
  async function plan(partial: Partial<FeedFilter>): Promise<string[]> {
    const filter: FeedFilter = {
      accountId,
      direction: 'mo',
      startAt: 1700000005000,
      sinceId: undefined,
      limit: 1000,
      ...partial,
    };
    const cursor =
      store.dialect === 'postgres' && filter.sinceId !== undefined
        ? await commitCursor(store.db, filter)
        : undefined;
    const compiled = feedQuery(store.db, filter, cursor).compile();
    if (store.dialect === 'postgres') {
      const result = await store.db.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]),
      );
      return result.rows.map((r) => r['QUERY PLAN'].trim());
    }
    const result = await store.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    return result.rows.map((r) => r.detail);
  }

  /** The index walked in order, with nothing scanned or sorted: the page costs its own rows only. */
  function assertIndexOrder(detail: string[], index: string, label: string): void {
    if (store.dialect === 'postgres') {
      assert.ok(
        detail.some((line) => line.includes(`Index Scan using ${index} on messages`)),
        `${label}: ${detail.join(' | ')}`,
      );
    } else {
      const columns =
        index === 'messages_feed'
          ? 'account_id=? AND direction=? AND created_at>?'
          : 'account_id=? AND created_at>?';
      assert.deepEqual(detail, [`SEARCH messages USING INDEX ${index} (${columns})`], label);
    }
    assert.ok(
      !detail.some((line) => /SCAN|TEMP B-TREE|Seq Scan|Sort/.test(line)),
      `${label}: ${detail.join(' | ')}`,
    );
  }

  it('walks the (account_id, direction, created_at, id) index in order: no scan, no sort', async () => {
    const sinceOnSqlite = store.dialect === 'sqlite' ? [{ sinceId: 5000 }] : [];
    for (const filter of [{ direction: 'mo' as const }, { direction: 'mt' as const }, ...sinceOnSqlite]) {
      assertIndexOrder(await plan(filter), 'messages_feed', JSON.stringify(filter));
    }
  });

  it('walks (account_id, created_at, id) for both directions', async () => {
    const sinceOnSqlite = store.dialect === 'sqlite' ? [{ direction: 'all' as const, sinceId: 5000 }] : [];
    for (const filter of [{ direction: 'all' as const }, ...sinceOnSqlite]) {
      assertIndexOrder(await plan(filter), 'messages_feed_all', JSON.stringify(filter));
    }
  });

  it('on PostgreSQL, a since_id page walks (account_id, xact_id, id) in order: no scan, no sort', async (t) => {
    if (store.dialect !== 'postgres') return t.skip('SQLite has one writer: its ids are in commit order');
    for (const filter of [{ sinceId: 19_500 }, { direction: 'all' as const, sinceId: 19_500 }]) {
      assertIndexOrder(await plan(filter), 'messages_feed_commit_order', JSON.stringify(filter));
    }
  });
});
