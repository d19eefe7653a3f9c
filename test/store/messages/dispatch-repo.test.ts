import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../../src/store/database.js';
import { claimDueMessages, recordSent } from '../../../src/store/messages/dispatch-repo.js';
import { MESSAGE_QUEUE, releaseExpiredLeases } from '../../../src/store/queue/leased-queue.js';
import { insertQueuedMessage } from '../../../src/store/messages/messages-repo.js';
import { tempStore } from '../../helpers/store.js';

describe('claiming queued messages', () => {
  let store: Store;
  let close: () => Promise<void>;
  let accountId: number;
  before(async () => {
    ({ store, accountId, close } = await tempStore());
  });
  after(() => close());

  const queue = (priority: number, dueAt: number, body: string) =>
    insertQueuedMessage(store.db, {
      accountId,
      from: '15149541234',
      to: '15145550000',
      body,
      partCount: 1,
      encoding: 'GSM-7',
      contactId: null,
      priority,
      acceptedAt: dueAt,
    });

  it('takes due messages only, priority 0 before 1, oldest first, and leases them', async () => {
    const bulk = await queue(1, 1000, 'bulk');
    const single = await queue(0, 2000, 'single');
    const later = await queue(0, 9000, 'later');
    const claimed = await claimDueMessages(store.db, store.dialect, {
      now: 5000,
      leaseUntil: 65_000,
      limit: 10,
    });
    assert.deepEqual(
      claimed.map((m) => m.body),
      ['single', 'bulk'],
    );
    const rows = await store.db
      .selectFrom('messages')
      .select(['id', 'status', 'lease_until'])
      .orderBy('id')
      .execute();
    assert.deepEqual(
      rows.map((r) => [r.id, r.status, r.lease_until]),
      [
        [bulk, 'sending', 65_000],
        [single, 'sending', 65_000],
        [later, 'queued', null],
      ],
    );
    assert.deepEqual(
      await claimDueMessages(store.db, store.dialect, { now: 5000, leaseUntil: 65_000, limit: 10 }),
      [],
    );
  });

  it('records an outcome only under the lease it claimed with, and returns expired claims to the queue', async () => {
    const id = await queue(0, 0, 'contested');
    const [claim] = await claimDueMessages(store.db, store.dialect, {
      now: 10_000,
      leaseUntil: 20_000,
      limit: 1,
    });
    assert.equal(claim?.id, id);
    // Only this claim expired (the two above hold theirs until 65 000).
    assert.equal(await releaseExpiredLeases(store.db, MESSAGE_QUEUE, 30_000), 1);
    // Another dispatcher takes it again; the first one's late answer changes nothing.
    const retaken = await claimDueMessages(store.db, store.dialect, {
      now: 30_000,
      leaseUntil: 90_000,
      limit: 10,
    });
    assert.ok(retaken.some((m) => m.id === id));
    assert.deepEqual([...(await recordSent(store.db, [{ id, carrierIds: ['A1'] }], 20_000, 30_000))], []);
    assert.deepEqual([...(await recordSent(store.db, [{ id, carrierIds: ['A2'] }], 90_000, 30_000))], [id]);
    const parts = await store.db
      .selectFrom('message_parts')
      .select(['carrier_id', 'carrier_key'])
      .where('message_id', '=', id)
      .execute();
    assert.deepEqual(parts, [{ carrier_id: 'A2', carrier_key: 'a2' }]);
  });
});
