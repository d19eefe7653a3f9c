import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from '../../../src/domain/common/group-commit.js';

describe('group commit', () => {
  it('writes the items submitted together in one call, and answers each after it', async () => {
    const calls: number[][] = [];
    const batcher = new GroupCommit<number, string>(async (items) => {
      calls.push([...items]);
      return items.map((i) => `ok ${i}`);
    });
    const answers = await Promise.all([1, 2, 3, 4].map((i) => batcher.submit(i)));
    assert.deepEqual(answers, ['ok 1', 'ok 2', 'ok 3', 'ok 4']);
    assert.deepEqual(calls, [[1, 2, 3, 4]]);
  });

  it('queues newcomers while a write runs and takes them together next', async () => {
    const calls: number[][] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new GroupCommit<number, number>(async (items) => {
      calls.push([...items]);
      if (calls.length === 1) await gate;
      return [...items];
    });
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((i) => batcher.submit(i));
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(calls, [[1], [2, 3, 4]]);
  });

  it('retries a failed batch item by item, so one bad item fails alone', async () => {
    const batcher = new GroupCommit<number, number>(async (items) => {
      if (items.includes(13)) throw new Error('unlucky');
      return items.map((i) => i * 2);
    });
    const results = await Promise.allSettled([1, 13, 3].map((i) => batcher.submit(i)));
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message)),
      [2, 'unlucky', 6],
    );
  });

  it('caps a batch, and lingers between batches when asked', async () => {
    const calls: { size: number; at: number }[] = [];
    const batcher = new GroupCommit<number, number>(
      async (items) => {
        calls.push({ size: items.length, at: performance.now() });
        return [...items];
      },
      { maxBatch: 2, lingerMs: 30 },
    );
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.submit(i)));
    assert.deepEqual(
      calls.map((c) => c.size),
      [2, 2, 1],
    );
    for (let i = 1; i < calls.length; i++) {
      assert.ok((calls[i]?.at ?? 0) - (calls[i - 1]?.at ?? 0) >= 25, 'waited between batches');
    }
    await batcher.drain();
  });

  it('with parallel = 2, starts a second write while the first runs, never a third', async () => {
    let inFlight = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const batcher = new GroupCommit<number, number>(
      async (items) => {
        most = Math.max(most, ++inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight--;
        return [...items];
      },
      { maxBatch: 1, parallel: 2 },
    );
    let settled = 0;
    const answers = [1, 2, 3, 4].map((i) => batcher.submit(i).finally(() => settled++));
    while (gates.length < 2) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(inFlight, 2);
    while (settled < 4) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await Promise.all(answers), [1, 2, 3, 4]);
    assert.equal(most, 2);
  });

  it('skips the linger while the flow is heavy, and cuts a linger short once enough items wait', async () => {
    // A minute's linger: any batch that waited for it would time the test out.
    const calls: number[][] = [];
    const batcher = new GroupCommit<number, number>(
      async (items) => {
        calls.push([...items]);
        return [...items];
      },
      { maxBatch: 2, lingerMs: 60_000, lingerBelow: 2 },
    );
    // Batches of the cap follow each other at once, and the one after a full batch too.
    await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.submit(i)));
    assert.deepEqual(calls, [[1, 2], [3, 4], [5]]);
    // After a small batch a lone item lingers; a second one makes the batch heavy: both go now.
    const lone = batcher.submit(6);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(calls.length, 3, 'the lone item lingers');
    await Promise.all([lone, batcher.submit(7)]);
    assert.deepEqual(calls.at(-1), [6, 7]);
    await batcher.drain();
  });
});
