import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CompiledQuery, sql } from 'kysely';
import { broadcastPageQuery } from '../../src/store/broadcasts/broadcast-stats.js';
import { seedCompletedBroadcast } from '../helpers/broadcast-lists.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * get_broadcasts / get_broadcast answer one page of each list (extension of contract §7): bounded by
 * default, read to the end with `after`. Three broadcasts of 3,000 rows here; bench/broadcast-pages.ts
 * measures three of 100,000.
 */
describe('paging of broadcast lists', () => {
  const ROWS = 3000;
  let server: TestServer;
  const ids: number[] = [];

  before(async () => {
    server = await startTestServer({ holdOutbound: true });
    const { db, dialect } = server.platform.store;
    for (const name of ['Lundi', 'Mardi', 'Mercredi']) {
      const seed = { accountId: server.account.id, name, rows: ROWS, sender: '15149541234', now: Date.now() };
      ids.push(await seedCompletedBroadcast(db, dialect, seed));
    }
  });
  after(() => server.close());

  const listIds = (list: { id: string }[]) => list.map((row) => Number(row.id));

  it('get_broadcasts answers 1,000 rows of each list by default, and where each goes on', async () => {
    const response = await server.call('get_broadcasts');
    assert.equal(response.status, 200);
    const items: { id: string; number_total: string; list: { id: string }[]; next_after: string | null }[] =
      response.body.broadcasts;
    assert.deepEqual(
      items.map((b) => b.id),
      [...ids].reverse().map(String),
    );
    for (const item of items) {
      assert.equal(item.number_total, String(ROWS), 'the counters still count every row');
      assert.equal(item.list.length, 1000);
      const rowIds = listIds(item.list);
      assert.deepEqual(
        rowIds,
        [...rowIds].sort((a, b) => a - b),
        'id order',
      );
      assert.equal(item.next_after, item.list[999]?.id);
    }
  });

  it('get_broadcasts takes list_limit: 0 to 10,000 rows', async () => {
    const small = await server.call('get_broadcasts', { list_limit: '5' });
    for (const item of small.body.broadcasts) {
      assert.equal(item.list.length, 5);
      assert.equal(item.next_after, item.list[4].id);
    }
    const none = await server.call('get_broadcasts', { list_limit: '0' });
    for (const item of none.body.broadcasts) {
      assert.deepEqual(item.list, []);
      assert.equal(item.next_after, '0', 'the whole list is still ahead');
    }
    const whole = await server.call('get_broadcasts', { list_limit: '10000' });
    for (const item of whole.body.broadcasts) {
      assert.equal(item.list.length, ROWS);
      assert.ok(!('next_after' in item), 'a list that fits its page answers as the source prints it');
    }
  });

  it('get_broadcast reads a whole list page by page with after = next_after', async () => {
    const id = String(ids[1]);
    const seen: number[] = [];
    let cursor: string | null = '0';
    let pages = 0;
    while (cursor !== null) {
      const response = await server.call('get_broadcast', { broadcast: id, limit: '1000', after: cursor });
      assert.equal(response.status, 200);
      assert.equal(response.body.broadcast.id, id);
      seen.push(...listIds(response.body.list));
      cursor = response.body.next_after ?? null;
      pages++;
    }
    assert.equal(pages, 3, 'a last page that fills its limit exactly says the list ended');
    assert.equal(seen.length, ROWS);
    assert.equal(new Set(seen).size, ROWS, 'no row twice');
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    const first = await server.call('get_broadcast', { broadcast: id });
    assert.equal(first.body.list.length, 1000, 'the default page');
    assert.deepEqual(Object.keys(first.body), ['status', 'broadcast', 'list', 'next_after', 'fr_message']);
    assert.deepEqual(listIds(first.body.list), seen.slice(0, 1000));
  });

  it('answers a pending broadcast with a null list and no next_after', async () => {
    const created = await server.call('post_broadcast', {
      name: 'Brouillon',
      from_groups: 'Tous',
      fr_message: 'Salut',
    });
    const response = await server.call('get_broadcast', { broadcast: String(created.body.broadcast.id) });
    assert.deepEqual(Object.keys(response.body), ['status', 'broadcast', 'list', 'fr_message']);
    assert.equal(response.body.list, null);
  });

  it('refuses a limit out of range or not a number', async () => {
    const cases: [string, Record<string, string>, string][] = [
      ['get_broadcast', { broadcast: String(ids[0]), limit: '0' }, 'limit must be from 1 to 10000'],
      ['get_broadcast', { broadcast: String(ids[0]), limit: '10001' }, 'limit must be from 1 to 10000'],
      ['get_broadcast', { broadcast: String(ids[0]), limit: 'ten' }, 'limit must be a whole number'],
      ['get_broadcast', { broadcast: String(ids[0]), after: '-1' }, 'after must be a whole number'],
      ['get_broadcasts', { list_limit: '10001' }, 'list_limit must be from 0 to 10000'],
      ['get_broadcasts', { list_limit: '1.5' }, 'list_limit must be a whole number'],
    ];
    for (const [endpoint, params, error] of cases) {
      const response = await server.call(endpoint, params);
      assert.equal(response.status, 400, JSON.stringify(params));
      assert.deepEqual(response.body, { status: false, error });
    }
  });

  it('reads a page deep in a list from the page on, through an index, nothing sorted', async () => {
    const { db, dialect } = server.platform.store;
    // Statistics as a live database has them (the statistics keeper analyses after a broadcast).
    await sql`analyze`.execute(db);
    const broadcastId = ids[0] ?? 0; // the other broadcasts' rows follow its own
    const deep = await db
      .selectFrom('messages')
      .select('id')
      .where('broadcast_id', '=', broadcastId)
      .orderBy('id')
      .offset(1500)
      .limit(1)
      .executeTakeFirstOrThrow();
    const compiled = broadcastPageQuery(db, broadcastId, { afterId: deep.id, limit: 100 }).compile();
    const explain = dialect === 'postgres' ? 'explain' : 'explain query plan';
    const result = await db.executeQuery<Record<string, string>>(
      CompiledQuery.raw(`${explain} ${compiled.sql}`, [...compiled.parameters]),
    );
    const plan = result.rows.map((r) =>
      dialect === 'postgres' ? (r['QUERY PLAN'] ?? '') : (r.detail ?? ''),
    );
    const text = plan.join(' | ');
    // The (broadcast_id, id) index's range, or the primary key from the page's first id (chosen
    // when the broadcast is much of the table): either reads the page's rows, not those before.
    const bounded =
      /messages_broadcast_order/.test(text) ||
      (dialect === 'postgres'
        ? /messages_pkey.*Index Cond: \(id > /.test(text)
        : /PRIMARY KEY \(rowid>\?\)/.test(text));
    assert.ok(bounded, text);
    assert.ok(!/SCAN messages|TEMP B-TREE|Seq Scan|Sort/.test(text), text);
  });
});
