import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely, Transaction } from 'kysely';
import type { Store } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { insertQueuedMessage, listFeed } from '../../src/store/messages/messages-repo.js';
import { tempStore } from '../helpers/store.js';

/**
 * get_feed's `since_id` is a lossless cursor even while PostgreSQL send transactions commit out of
 * id order: a message taken by a transaction still in flight holds back every later one, so a
 * poller never moves its cursor past a message it has not seen. (SQLite has one writer.)
 */
describe('get_feed since_id with transactions committing out of id order', () => {
  let store: Store;
  let close: () => Promise<void>;
  let accountId: number;
  before(async () => {
    ({ store, accountId, close } = await tempStore());
  });
  after(() => close());

  const insertMessage = (db: Kysely<Database> | Transaction<Database>, body: string): Promise<number> =>
    insertQueuedMessage(db, {
      accountId,
      from: '15149541234',
      to: '15145550101',
      body,
      partCount: 1,
      encoding: 'GSM-7',
      contactId: null,
      priority: 0,
      acceptedAt: 1_700_000_000_000,
    });

  const poll = async (sinceId: number) =>
    (
      await listFeed(
        store.db,
        { accountId, direction: 'all', startAt: 0, sinceId, limit: 100 },
        store.dialect,
      )
    ).map((row) => row.body);

  /**
   * The horizon is the oldest write transaction of the whole cluster: another test file's transaction
   * may hold a committed page back for a moment, never reorder it.
   */
  async function pollUntil(sinceId: number, expected: readonly string[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    let page = await poll(sinceId);
    while (page.length < expected.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      page = await poll(sinceId);
    }
    assert.deepEqual(page, expected);
  }

  it('shows nothing past a message still in flight, then both in the order they were committed', async (t) => {
    if (store.dialect !== 'postgres') return t.skip('SQLite has one writer: its ids are in commit order');
    const seen = await insertMessage(store.db, 'before');
    await pollUntil(0, ['before']);
    let releaseEarly = (): void => {};
    const held = new Promise<void>((resolve) => (releaseEarly = resolve));
    let earlyId = 0;
    let earlyInserted = (): void => {};
    const inserted = new Promise<void>((resolve) => (earlyInserted = resolve));
    // The early transaction takes the smaller id and commits last.
    const early = store.db.transaction().execute(async (trx) => {
      earlyId = await insertMessage(trx, 'early');
      earlyInserted();
      await held;
    });
    await inserted;
    try {
      const lateId = await insertMessage(store.db, 'late');
      assert.ok(earlyId < lateId, `ids ${earlyId} < ${lateId}`);
      // Committed, but behind a transaction still running: not yet, or a cursor at `late` would skip `early`.
      assert.deepEqual(await poll(seen), []);
      releaseEarly();
      await early;
      await pollUntil(seen, ['early', 'late']);
      assert.deepEqual(await poll(lateId), []);
      await pollUntil(earlyId, ['late']);
    } finally {
      releaseEarly();
      await early;
    }
  });
});
