import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BroadcastCompletion,
  completeBroadcastsOnFinal,
  UNSETTLED_EMAIL_STATES,
  UNSETTLED_SMS_STATES,
} from '../../../src/domain/broadcasts/broadcast-completion.js';
import { MessageEvents, type MessageStatusEvent } from '../../../src/domain/messages/message-events.js';
import type { BroadcastCompletionStore } from '../../../src/domain/ports/broadcast-queue.js';
import type { StoreTransaction } from '../../../src/domain/ports/transaction.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** Broadcasts with their messages' states in memory, checked as the store's one statement does. */
class FakeCompletionStore implements BroadcastCompletionStore {
  readonly broadcasts = new Map<
    number,
    { status: string; fanoutDone: boolean; endDate: number | null; sms: string[]; emails: string[] }
  >();
  /** Every check, with the transaction it ran in. */
  readonly checks: { id: number; tx: StoreTransaction | undefined }[] = [];

  add(id: number, sms: string[], emails: string[] = [], fanoutDone = true): void {
    this.broadcasts.set(id, { status: 'in_progress', fanoutDone, endDate: null, sms, emails });
  }

  async awaitingCompletion(): Promise<number[]> {
    return [...this.broadcasts]
      .filter(([, b]) => b.status === 'in_progress' && b.fanoutDone)
      .map(([id]) => id);
  }

  async completeIfDone(id: number, now: number, tx?: StoreTransaction): Promise<boolean> {
    this.checks.push({ id, tx });
    const b = this.broadcasts.get(id);
    if (!b || b.status !== 'in_progress' || !b.fanoutDone) return false;
    if (b.sms.some((s) => UNSETTLED_SMS_STATES.includes(s))) return false;
    if (b.emails.some((s) => UNSETTLED_EMAIL_STATES.includes(s))) return false;
    b.status = 'completed';
    b.endDate = now;
    return true;
  }
}

const tx = { token: 'the recording transaction' } as unknown as StoreTransaction;

function final(messageId: number, broadcastId: number | null): MessageStatusEvent {
  return {
    messageId,
    accountId: 1,
    broadcastId,
    toNumber: '15145550101',
    status: 'delivered',
    detailedStatus: 'DELIVRD_000',
    error: null,
  };
}

describe('BroadcastCompletion', () => {
  it('completes a broadcast once, when its last message settles, inside the recording transaction', async () => {
    const store = new FakeCompletionStore();
    store.add(7, ['sent', 'sent']);
    const events = new MessageEvents();
    events.onFinal(
      completeBroadcastsOnFinal(new BroadcastCompletion({ store, log: silent, now: () => 1000 })),
    );

    store.broadcasts.get(7)?.sms.splice(0, 1, 'delivered');
    await events.emit([final(1, 7)], tx);
    assert.equal(store.broadcasts.get(7)?.status, 'in_progress', 'one SMS still awaits its receipt');

    store.broadcasts.get(7)?.sms.splice(1, 1, 'failed');
    await events.emit([final(2, 7)], tx);
    assert.equal(store.broadcasts.get(7)?.status, 'completed');
    assert.equal(store.broadcasts.get(7)?.endDate, 1000);
    assert.ok(store.checks.every((check) => check.tx === tx));

    // A late outcome of the same broadcast changes nothing: it is completed already.
    await events.emit([final(2, 7)], tx);
    assert.equal(store.broadcasts.get(7)?.endDate, 1000);
  });

  it('checks each broadcast of a batch once, in id order (the lock order), and skips single sends', async () => {
    const store = new FakeCompletionStore();
    for (const id of [3, 9, 5]) store.add(id, ['delivered']);
    const listener = completeBroadcastsOnFinal(new BroadcastCompletion({ store, log: silent, now: () => 1 }));
    await listener([final(1, 9), final(2, null), final(3, 3), final(4, 9), final(5, 5)], tx);
    assert.deepEqual(
      store.checks.map((c) => c.id),
      [3, 5, 9],
    );
    await listener([final(6, null)], tx);
    assert.equal(store.checks.length, 3, 'no broadcast, no check');
  });

  it('waits for the fan-out and for emails; the sweep completes what settled without the listener', async () => {
    const store = new FakeCompletionStore();
    store.add(1, ['delivered'], ['queued']);
    store.add(2, ['delivered'], [], false);
    store.add(3, ['failed'], ['sent']);
    const completion = new BroadcastCompletion({ store, log: silent, now: () => 5 });
    assert.deepEqual(await completion.completeIfDone([1, 2, 3]), [3]);
    const b1 = store.broadcasts.get(1);
    if (b1) b1.emails = ['failed'];
    await completion.sweep();
    assert.equal(store.broadcasts.get(1)?.status, 'completed');
    assert.equal(store.broadcasts.get(2)?.status, 'in_progress', 'its fan-out is not finished');
    assert.ok(store.checks.every((check) => check.tx === undefined));
  });
});
