import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeContact, makeGroup } from '../helpers/address-book.js';
import { broadcastMessages, fanOutDone } from '../helpers/broadcasts.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * BROADCAST_RATE_PER_ACCOUNT: the fan-out gives each bulk message a send slot (next_attempt_at)
 * 1/R s after the previous one of the same account, across batches and concurrent broadcasts.
 * The dispatcher only claims rows whose next_attempt_at has come.
 */
describe('per-account bulk rate', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ config: { broadcastRatePerAccount: 20, broadcastFanoutBatch: 7 } });
  });
  after(() => server.close());

  const db = () => server.platform.store.db;

  async function broadcast(accountId: number, key: string | undefined, size: number): Promise<number> {
    const members = [];
    for (let i = 0; i < size; i++) members.push(await makeContact(db(), accountId));
    const group = `Paced ${accountId} ${Math.random()}`;
    await makeGroup(db(), accountId, group, members);
    const added = await server.call(
      'post_broadcast',
      { name: 'P', from_groups: group, fr_message: 'x' },
      { key },
    );
    return added.body.broadcast.id as number;
  }

  const slots = async (id: number) => (await broadcastMessages(db(), id)).map((m) => m.next_attempt_at);

  it('spaces one account’s bulk messages 1/R apart, shared by its broadcasts; other accounts are unaffected', async () => {
    const other = await server.createAccount();
    const first = await broadcast(server.account.id, undefined, 20);
    const second = await broadcast(server.account.id, undefined, 20);
    const foreign = await broadcast(other.id, other.key, 5);
    const startedAt = Date.now();
    for (const [id, key] of [
      [first, undefined],
      [second, undefined],
      [foreign, other.key],
    ] as const) {
      assert.deepEqual((await server.call('start_broadcast', { broadcast: String(id) }, { key })).body, {
        status: true,
      });
    }
    for (const id of [first, second, foreign]) await fanOutDone(db(), id);

    const all = [...(await slots(first)), ...(await slots(second))].sort((a, b) => a - b);
    assert.equal(all.length, 40);
    for (let i = 1; i < all.length; i++) {
      const gap = (all[i] ?? 0) - (all[i - 1] ?? 0);
      assert.ok(gap >= 49 && gap <= 51, `gap ${gap} ms between slots ${i - 1} and ${i}`);
    }
    // 40 messages at 20/s: the last may leave 39 × 50 ms after the first. (Each broadcast's
    // 20 slots span a second, so the second one is started well within the first one's window.)
    const spread = (all[39] ?? 0) - (all[0] ?? 0);
    assert.ok(spread >= 1945 && spread <= 1955, `spread ${spread}`);
    assert.ok((all[0] ?? 0) >= startedAt - 50);

    const foreignSlots = await slots(foreign);
    assert.ok((foreignSlots[0] ?? 0) < (all[39] ?? 0), 'another account does not queue behind this one');
  });
});
