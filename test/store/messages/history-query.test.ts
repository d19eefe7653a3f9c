import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HistoryFilter, HistoryStatus } from '../../../src/domain/messages/message-history.js';
import { KyselyMessageHistory } from '../../../src/store/messages/history-repo.js';
import { insertOutbound } from '../../helpers/messages.js';
import { tempStore } from '../../helpers/store.js';

type Temp = Awaited<ReturnType<typeof tempStore>>;

describe('messages view queries: keyset pages of one status', () => {
  let temp: Temp;
  const expected = new Map<string, number[]>();
  before(async () => {
    temp = await tempStore();
    // 400 messages, 3 to 5 a minute over two hours (8 slots of 15 minutes), several per created_at.
    const base = Date.parse('2026-11-30T10:00:00Z');
    const statuses = ['delivered', 'failed', 'delivered', 'sent', 'delivered', 'delivered', 'cancelled'];
    for (let i = 0; i < 400; i++) {
      const status = i > 300 && statuses[i % 7] === 'failed' ? 'delivered' : (statuses[i % 7] ?? 'delivered');
      const [id] = await insertOutbound(
        temp.store.db,
        temp.accountId,
        [`1514555${String(i).padStart(4, '0')}`],
        {
          status,
          created_at: base + Math.floor(i / 4) * 75_000,
        },
      );
      const shown = status === 'cancelled' ? 'failed' : status;
      expected.set(shown, [...(expected.get(shown) ?? []), id ?? 0]);
    }
  });
  after(() => temp.close());

  for (const status of ['failed', 'sent', 'queued'] as const) {
    test(`status ${status}: the pages hold every row once, newest first`, async () => {
      const repo = new KyselyMessageHistory(temp.store.db);
      const filter: HistoryFilter = {
        accountId: temp.accountId,
        direction: 'all',
        status: status as HistoryStatus,
        number: undefined,
        fromAt: undefined,
        untilAt: undefined,
        before: undefined,
        limit: 7,
      };
      const seen: number[] = [];
      let cursor: HistoryFilter['before'];
      for (let page = 0; page < 100; page++) {
        const rows = await repo.listMessages({ ...filter, before: cursor });
        seen.push(...rows.map((r) => r.id));
        const last = rows[rows.length - 1];
        if (rows.length < filter.limit || !last) break;
        cursor = { createdAt: last.created_at, id: last.id };
      }
      assert.deepEqual(
        seen,
        [...(expected.get(status) ?? [])].sort((a, b) => b - a),
      );
    });
  }
});
